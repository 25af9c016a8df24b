//! The 新申请 tab: a clerk takes a walk-in customer from mobile number to submitted order —
//! customer, real-name QR, project and product, terms, the form, print and signed scan,
//! submission — in drafts that survive anything.

mod answers;
pub use answers::{file_problem, printed_notice};
pub mod draft;
pub mod fields;
mod steps;

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::api::{Project, Terms};
use crate::domain::{OrderStatus, UserType};
use crate::i18n::Lang;

use super::app::Notice;
use super::net::Request;
use super::widgets::input::Input;
use draft::{Choice, Draft, Step};

/// What the clerk can ask for in the 新申请 tab besides typing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewCmd {
    /// One step back.
    Back,
    /// A blank draft.
    NewDraft,
    /// The next open draft.
    NextDraft,
    /// Discard the draft (press twice).
    Discard,
    /// Print the application form.
    Print,
    /// A fresh real-name code.
    FreshCode,
    /// The QR code full-screen (or back).
    Enlarge,
    /// Correct the registered name.
    EditName,
    /// Accept the terms.
    AcceptTerms,
    /// Individual ⇄ organisation.
    ToggleUserType,
    /// Print the acceptance receipt.
    Receipt,
    /// Open the submitted order in 待办订单.
    OpenOrder,
    /// A blank form for the next customer.
    BlankForm,
    /// Take payment by Alipay QR code.
    PayQr,
    /// The customer pays by bank transfer.
    BankTransfer,
    /// Type the path of the transfer voucher.
    UploadVoucher,
}

/// A draft with what the screen needs besides what is saved.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// The saved part.
    pub draft: Draft,
    /// Text fields by key (form fields, `phone`, `new_name`, `project_query`, `scan_path`).
    pub inputs: BTreeMap<String, Input>,
    /// Messages next to fields, by key.
    pub errors: BTreeMap<String, String>,
    /// Waiting for the platform.
    pub busy: bool,
    /// The step's message line.
    pub notice: Option<Notice>,
    /// The customer was looked up and is new: ask for the name.
    pub asking_name: bool,
    /// Editing the registered name (real-name step).
    pub renaming: bool,
    /// Typing the path of a transfer voucher.
    pub voucher_open: bool,
}

impl Sheet {
    fn new(draft: Draft) -> Sheet {
        let mut sheet = Sheet {
            draft,
            ..Sheet::default()
        };
        sheet.rebuild_inputs();
        sheet.asking_name = sheet.draft.customer.is_none() && !sheet.draft.new_name.is_empty();
        sheet
    }

    /// Text inputs from the saved draft.
    fn rebuild_inputs(&mut self) {
        let d = &self.draft;
        let mut inputs = BTreeMap::new();
        inputs.insert("phone".to_owned(), Input::new(&d.phone));
        inputs.insert("new_name".to_owned(), Input::new(&d.new_name));
        inputs.insert("project_query".to_owned(), Input::new(&d.project_query));
        inputs.insert("scan_path".to_owned(), Input::new(&d.scan_path));
        inputs.insert("voucher_path".to_owned(), Input::new(&d.voucher_path));
        for (key, value) in &d.fields {
            inputs.insert(key.clone(), Input::new(value));
        }
        self.inputs = inputs;
    }

    /// The text of an input.
    pub fn text(&self, key: &str) -> String {
        self.inputs.get(key).map(Input::text).unwrap_or_default()
    }

    fn set_text(&mut self, key: &str, text: &str) {
        self.inputs
            .entry(key.to_owned())
            .or_default()
            .set_text(text);
        self.sync();
    }

    /// Copies what is typed into the saved draft.
    fn sync(&mut self) {
        let text = |key: &str| self.inputs.get(key).map(Input::text).unwrap_or_default();
        let (phone, new_name, query, scan) = (
            text("phone"),
            text("new_name"),
            text("project_query"),
            text("scan_path"),
        );
        let voucher = text("voucher_path");
        let mut fields = BTreeMap::new();
        if let Some(user_type) = self.user_type() {
            for spec in fields::specs(user_type) {
                fields.insert(spec.key.to_owned(), text(spec.key));
            }
        }
        let d = &mut self.draft;
        d.phone = phone;
        d.new_name = new_name;
        d.project_query = query;
        d.scan_path = scan;
        d.voucher_path = voucher;
        if !fields.is_empty() {
            d.fields = fields;
        }
    }

    /// Individual or organisation, once a product is chosen.
    pub fn user_type(&self) -> Option<UserType> {
        self.draft.choice.as_ref().and_then(|c| c.user_type)
    }

    /// The form fields of this draft's user type.
    pub fn specs(&self) -> Vec<fields::Spec> {
        self.user_type().map(fields::specs).unwrap_or_default()
    }

    /// The input that has the caret, if the step has one.
    pub fn focused_key(&self) -> Option<String> {
        match self.draft.step {
            Step::Customer if self.asking_name => Some("new_name".into()),
            Step::Customer => Some("phone".into()),
            Step::Realname if self.renaming => Some("new_name".into()),
            Step::Project => Some("project_query".into()),
            Step::Form => Some(self.draft.focus.clone()),
            Step::Scan => Some("scan_path".into()),
            Step::Done if self.voucher_open && self.paying() == Some(Paying::Transfer) => {
                Some("voucher_path".into())
            }
            _ => None,
        }
    }
}

impl Sheet {
    /// The submitted order is now `status` at `version` (an event, an answer, a refetch).
    /// Older news is ignored. Returns true when the draft changed.
    pub fn order_moved(&mut self, status: OrderStatus, version: i64) -> bool {
        let draft = &mut self.draft;
        if version < draft.order_version
            || (version == draft.order_version && draft.order_status == Some(status))
        {
            return false;
        }
        draft.order_status = Some(status);
        draft.order_version = version;
        if status != OrderStatus::PendingPayment {
            // The code on screen can take no more money.
            draft.payment = None;
        }
        if status != OrderStatus::PendingVoucher {
            self.voucher_open = false;
        }
        true
    }
}

/// Where taking payment stands once the order is submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paying {
    /// Unpaid: the clerk chooses how the customer pays.
    Choose,
    /// The Alipay code is on screen.
    Qr,
    /// Bank transfer: the account shown, the voucher awaited.
    Transfer,
    /// Paid, or moved on some other way: nothing to collect here.
    Settled,
}

impl Sheet {
    /// Where taking payment stands; `None` before submission.
    pub fn paying(&self) -> Option<Paying> {
        if self.draft.step != Step::Done {
            return None;
        }
        Some(match self.draft.order_status {
            Some(OrderStatus::PendingPayment) | None => {
                let live = self
                    .draft
                    .payment
                    .as_ref()
                    .is_some_and(|p| !expired(&p.expires_at));
                if live { Paying::Qr } else { Paying::Choose }
            }
            Some(OrderStatus::PendingVoucher) => Paying::Transfer,
            Some(_) => Paying::Settled,
        })
    }

    /// What the QR code on screen encodes, if one is shown: the real-name code, or the
    /// payment code.
    pub fn live_code(&self) -> Option<&str> {
        let draft = &self.draft;
        match draft.step {
            Step::Realname if draft.customer.as_ref().is_some_and(|c| !c.verified) => {
                let session = draft.realname.as_ref()?;
                (session.status == "pending" && !expired(&session.expires_at))
                    .then_some(session.url.as_str())
            }
            Step::Done if self.paying() == Some(Paying::Qr) => {
                draft.payment.as_ref().map(|p| p.url.as_str())
            }
            _ => None,
        }
    }
}

/// The state of the 新申请 tab.
#[derive(Debug, Default)]
pub struct NewApp {
    /// Open drafts.
    pub sheets: Vec<Sheet>,
    /// The one shown.
    pub current: usize,
    /// The application terms, once fetched.
    pub terms: Option<Terms>,
    /// Lines the terms are scrolled.
    pub terms_scroll: u16,
    /// Project search results.
    pub projects: Vec<Project>,
    /// Selected project.
    pub project_sel: usize,
    /// Choosing a product of the selected project (its index), or still the project.
    pub product_sel: Option<usize>,
    projects_seq: u64,
    /// The QR code is shown full-screen.
    pub enlarged: bool,
    /// Ctrl-D was pressed once: a second press discards the draft.
    pub discard_armed: bool,
    /// The platform's upload limit.
    pub upload_limit: u64,
    /// The platform takes QR payment (`None` until it says).
    pub qr_payment: Option<bool>,
    /// Requests for the network layer.
    pub outbox: Vec<Request>,
    /// An order to open in 待办订单 (set by "open the submitted order").
    pub open_order: Option<String>,
    /// The CA's bank account, for transfers.
    pub bank: Option<crate::api::BankAccount>,
}

impl NewApp {
    /// The tab with the drafts found on disk (or one blank draft).
    pub fn with_drafts(drafts: Vec<Draft>) -> NewApp {
        let mut sheets: Vec<Sheet> = drafts.into_iter().map(Sheet::new).collect();
        if sheets.is_empty() {
            sheets.push(Sheet::new(Draft::new()));
        }
        // Back on the draft that was being worked on.
        let current = sheets
            .iter()
            .enumerate()
            .max_by_key(|(_, s)| s.draft.updated_at)
            .map(|(i, _)| i)
            .unwrap_or(0);
        NewApp {
            sheets,
            current,
            upload_limit: 10 * 1024 * 1024,
            ..NewApp::default()
        }
    }

    /// The draft shown.
    pub fn sheet(&self) -> Option<&Sheet> {
        self.sheets.get(self.current)
    }

    fn sheet_mut(&mut self) -> Option<&mut Sheet> {
        self.sheets.get_mut(self.current)
    }

    fn by_id(&mut self, id: &str) -> Option<&mut Sheet> {
        self.sheets.iter_mut().find(|s| s.draft.id == id)
    }

    /// The step shown.
    pub fn step(&self) -> Step {
        self.sheet().map(|s| s.draft.step).unwrap_or_default()
    }

    /// True when the keyboard types into a text field now.
    pub fn typing(&self) -> bool {
        self.sheet().and_then(Sheet::focused_key).is_some()
    }

    /// Writes the draft shown to disk.
    fn save(&mut self, now_ms: i64) {
        self.save_at(self.current, now_ms);
    }

    /// Writes draft `id` to disk (an answer or an event may concern a draft not shown).
    fn save_id(&mut self, id: &str, now_ms: i64) {
        if let Some(i) = self.sheets.iter().position(|s| s.draft.id == id) {
            self.save_at(i, now_ms);
        }
    }

    fn save_at(&mut self, index: usize, now_ms: i64) {
        if let Some(sheet) = self.sheets.get_mut(index) {
            sheet.sync();
            sheet.draft.updated_at = now_ms;
            self.outbox
                .push(Request::SaveDraft(Box::new(sheet.draft.clone())));
        }
    }

    /// Things to fetch when the tab is first shown or the link comes back.
    pub fn start(&mut self) {
        self.outbox.push(Request::Health);
        self.outbox.push(Request::Terms);
        self.outbox.push(Request::BankAccount);
        self.search_projects();
        // Drafts waiting on the phone pick up where the verification stands now.
        for sheet in &self.sheets {
            if let Some(realname) = sheet
                .draft
                .realname
                .as_ref()
                .filter(|r| r.status == "pending")
            {
                self.outbox.push(Request::RealnameStatus {
                    draft: sheet.draft.id.clone(),
                    session_id: realname.session_id.clone(),
                });
            }
            // Submitted orders may have been paid, or moved on, meanwhile.
            if sheet.draft.step == Step::Done
                && let Some(order_no) = &sheet.draft.order_no
            {
                self.outbox.push(Request::DraftOrder {
                    draft: sheet.draft.id.clone(),
                    order_no: order_no.clone(),
                });
            }
        }
    }

    // ----- drafts -----

    /// A blank draft, shown.
    pub fn new_draft(&mut self, now_ms: i64) {
        self.sheets.push(Sheet::new(Draft::new()));
        self.current = self.sheets.len() - 1;
        self.save(now_ms);
    }

    /// The next draft.
    pub fn next_draft(&mut self) {
        if !self.sheets.is_empty() {
            self.current = (self.current + 1) % self.sheets.len();
            self.enlarged = false;
        }
    }

    /// Discards the shown draft on the second press.
    pub fn discard(&mut self, now_ms: i64) -> bool {
        if !self.discard_armed {
            self.discard_armed = true;
            return false;
        }
        self.discard_armed = false;
        if self.current < self.sheets.len() {
            let gone = self.sheets.remove(self.current);
            self.outbox.push(Request::DeleteDraft(gone.draft.id));
        }
        if self.sheets.is_empty() {
            self.new_draft(now_ms);
        }
        self.current = self.current.min(self.sheets.len().saturating_sub(1));
        true
    }

    // ----- commands and keys -----

    /// Runs a command (from its key, or from the help). Returns true when something changed.
    pub fn command(&mut self, cmd: NewCmd, now_ms: i64) -> bool {
        if cmd != NewCmd::Discard {
            self.discard_armed = false;
        }
        let waiting = self.sheet().is_some_and(|s| s.busy);
        if waiting
            && matches!(
                cmd,
                NewCmd::PayQr
                    | NewCmd::BankTransfer
                    | NewCmd::UploadVoucher
                    | NewCmd::Receipt
                    | NewCmd::Print
            )
        {
            // The platform has not answered the last press yet: a second would ask twice.
            return false;
        }
        let changed = match cmd {
            NewCmd::Back => return self.escape(now_ms),
            NewCmd::NewDraft => {
                self.new_draft(now_ms);
                return true;
            }
            NewCmd::NextDraft => {
                self.next_draft();
                return true;
            }
            NewCmd::Discard => {
                self.discard(now_ms);
                return true;
            }
            NewCmd::Print => {
                self.print_form();
                true
            }
            NewCmd::PayQr => {
                let Some(sheet) = self.sheet_mut() else {
                    return false;
                };
                let Some(order_no) = sheet.draft.order_no.clone() else {
                    return false;
                };
                if sheet.paying() != Some(Paying::Choose) {
                    return false;
                }
                sheet.busy = true;
                let request = Request::OpenPayment {
                    draft: sheet.draft.id.clone(),
                    order_no,
                };
                self.outbox.push(request);
                true
            }
            NewCmd::BankTransfer => {
                let Some(sheet) = self.sheet_mut() else {
                    return false;
                };
                let Some(order_no) = sheet.draft.order_no.clone() else {
                    return false;
                };
                if sheet.paying() != Some(Paying::Choose) {
                    return false;
                }
                sheet.busy = true;
                let request = Request::DraftAct {
                    draft: sheet.draft.id.clone(),
                    order_no,
                    action: crate::domain::Action::ChooseBankTransfer,
                    body: crate::api::ActionRequest {
                        version: Some(sheet.draft.order_version),
                        ..Default::default()
                    },
                    upload: None,
                };
                self.outbox.push(request);
                if self.bank.is_none() {
                    self.outbox.push(Request::BankAccount);
                }
                true
            }
            NewCmd::UploadVoucher => {
                let Some(sheet) = self.sheet_mut() else {
                    return false;
                };
                if sheet.paying() != Some(Paying::Transfer) {
                    return false;
                }
                sheet.voucher_open = true;
                return true;
            }
            NewCmd::FreshCode => {
                self.fresh_code();
                true
            }
            NewCmd::Enlarge => {
                self.enlarged =
                    !self.enlarged && self.sheet().is_some_and(|s| s.live_code().is_some());
                return true;
            }
            NewCmd::EditName => {
                let Some(sheet) = self.sheet_mut() else {
                    return false;
                };
                if sheet.draft.customer.as_ref().is_none_or(|c| c.verified) {
                    return false;
                }
                let name = sheet
                    .draft
                    .customer
                    .as_ref()
                    .map(|c| c.name.clone())
                    .unwrap_or_default();
                sheet.set_text("new_name", &name);
                sheet.renaming = true;
                true
            }
            NewCmd::AcceptTerms => {
                let Some(version) = self.terms.as_ref().map(|t| t.version.clone()) else {
                    return false;
                };
                if self.step() != Step::Terms {
                    return false;
                }
                if let Some(sheet) = self.sheet_mut() {
                    sheet.draft.terms_accepted = Some(version);
                }
                self.go(Step::Form);
                true
            }
            NewCmd::ToggleUserType => {
                self.toggle_user_type();
                true
            }
            NewCmd::Receipt => {
                let Some(sheet) = self.sheet_mut() else {
                    return false;
                };
                let Some(order_no) = sheet.draft.order_no.clone() else {
                    return false;
                };
                sheet.busy = true;
                let request = Request::PrintReceipt {
                    draft: sheet.draft.id.clone(),
                    order_no,
                };
                self.outbox.push(request);
                true
            }
            NewCmd::OpenOrder | NewCmd::BlankForm => {
                let Some(sheet) = self.sheet() else {
                    return false;
                };
                let Some(order_no) = sheet.draft.order_no.clone() else {
                    return false;
                };
                let id = sheet.draft.id.clone();
                if cmd == NewCmd::OpenOrder {
                    self.open_order = Some(order_no);
                }
                // The draft has done its job.
                self.sheets.remove(self.current);
                self.outbox.push(Request::DeleteDraft(id));
                if self.sheets.is_empty() || cmd == NewCmd::BlankForm {
                    self.sheets.push(Sheet::new(Draft::new()));
                    self.current = self.sheets.len() - 1;
                } else {
                    self.current = self.current.min(self.sheets.len() - 1);
                }
                true
            }
        };
        if changed {
            self.save(now_ms);
        }
        changed
    }

    /// A key for the tab (after the global bindings had their chance). Returns true when
    /// something changed.
    pub fn key(&mut self, key: KeyEvent, lang: Lang, now_ms: i64) -> bool {
        if key.code != KeyCode::Char('d') || !key.modifiers.contains(KeyModifiers::CONTROL) {
            self.discard_armed = false;
        }
        let Some(step) = self.sheet().map(|s| s.draft.step) else {
            return false;
        };
        if self.sheet().is_some_and(|s| s.busy) && key.code != KeyCode::Esc {
            return false;
        }
        let changed = match step {
            Step::Customer => self.customer_key(key, lang),
            Step::Realname => self.realname_key(key, lang),
            Step::Project => self.project_key(key, lang),
            Step::Terms => self.terms_key(key),
            Step::Form => self.form_key(key, lang),
            Step::Scan => self.scan_key(key, lang),
            Step::Submit => self.submit_key(key),
            Step::Done => self.done_key(key, lang, now_ms),
        };
        if changed {
            self.save(now_ms);
        }
        changed
    }

    /// Pasted text into the focused field.
    pub fn paste(&mut self, text: &str, now_ms: i64) {
        if let Some(sheet) = self.sheet_mut()
            && let Some(key) = sheet.focused_key()
        {
            sheet.inputs.entry(key.clone()).or_default().paste(text);
            sheet.errors.remove(&key);
            if sheet.draft.step == Step::Project {
                self.search_projects();
            }
            self.save(now_ms);
        }
    }

    fn type_into(&mut self, key: KeyEvent) -> bool {
        let Some(sheet) = self.sheet_mut() else {
            return false;
        };
        let Some(field) = sheet.focused_key() else {
            return false;
        };
        let typed = sheet.inputs.entry(field.clone()).or_default().key(key);
        if typed {
            sheet.errors.remove(&field);
        }
        typed
    }

    fn go(&mut self, step: Step) {
        if let Some(sheet) = self.sheet_mut() {
            sheet.draft.step = step;
            sheet.notice = None;
        }
        self.enlarged = false;
        match step {
            Step::Realname => self.enter_realname(),
            Step::Project => {
                self.product_sel = None;
                self.search_projects();
            }
            Step::Terms => {
                self.terms_scroll = 0;
                if self.terms.is_none() {
                    self.outbox.push(Request::Terms);
                }
            }
            Step::Form => {
                if let Some(sheet) = self.sheet_mut() {
                    fields::prefill(&mut sheet.draft);
                    sheet.rebuild_inputs();
                    let specs = sheet.specs();
                    if !specs.iter().any(|s| s.key == sheet.draft.focus) {
                        // The first field still to fill (else the first one that can be edited).
                        let editable = || specs.iter().filter(|s| s.kind != fields::Kind::Locked);
                        let first = editable()
                            .find(|s| {
                                s.kind != fields::Kind::Email
                                    && sheet.draft.field(s.key).trim().is_empty()
                            })
                            .or_else(|| editable().next());
                        sheet.draft.focus = first.map(|s| s.key.to_owned()).unwrap_or_default();
                    }
                }
            }
            _ => {}
        }
    }

    /// Esc: one step back (the steps before keep what was entered).
    fn back(&mut self) -> bool {
        let step = self.step();
        if matches!(step, Step::Customer | Step::Done) {
            return false;
        }
        if step == Step::Project && self.product_sel.is_some() {
            self.product_sel = None;
            return true;
        }
        if step == Step::Realname && self.sheet().is_some_and(|s| s.renaming) {
            if let Some(sheet) = self.sheet_mut() {
                sheet.renaming = false;
            }
            return true;
        }
        let previous = step.previous();
        if let Some(sheet) = self.sheet_mut() {
            sheet.draft.step = previous;
            sheet.notice = None;
        }
        true
    }

    /// Esc.
    pub fn escape(&mut self, now_ms: i64) -> bool {
        let enlarged = std::mem::take(&mut self.enlarged);
        if enlarged && self.sheet().and_then(Sheet::live_code).is_some() {
            return true;
        }
        if let Some(sheet) = self.sheet_mut() {
            if sheet.voucher_open {
                sheet.voucher_open = false;
                sheet.errors.remove("voucher_path");
                return true;
            }
            if sheet.paying() == Some(Paying::Qr) {
                // Back from the QR code to the choice of how to pay; the code opened stays
                // valid on the platform and comes back if Alipay is chosen again.
                sheet.draft.payment = None;
                self.save(now_ms);
                return true;
            }
        }
        let changed = self.back();
        if changed {
            self.save(now_ms);
        }
        changed
    }

    fn focus_draft(&mut self, id: &str) {
        if let Some(i) = self.sheets.iter().position(|s| s.draft.id == id) {
            self.current = i;
        }
    }

    /// True while something on screen counts down (the real-name code).
    pub fn counting_down(&self) -> bool {
        self.sheet().is_some_and(|s| {
            (s.draft.step == Step::Realname
                && s.draft
                    .realname
                    .as_ref()
                    .is_some_and(|r| r.status == "pending"))
                // Until the platform says otherwise, also past the expiry: the screen
                // must notice the moment the code stops working.
                || (s.draft.payment.is_some()
                    && matches!(s.paying(), Some(Paying::Qr | Paying::Choose)))
        })
    }

    /// An order changed somewhere: drafts that submitted it follow (paid, voucher awaited…).
    pub fn order_event(&mut self, order_no: &str, status: OrderStatus, version: i64, now_ms: i64) {
        let changed: Vec<String> = self
            .sheets
            .iter_mut()
            .filter(|s| s.draft.order_no.as_deref() == Some(order_no))
            .filter_map(|s| s.order_moved(status, version).then(|| s.draft.id.clone()))
            .collect();
        for id in changed {
            self.save_id(&id, now_ms);
        }
    }

    /// Takes payment for an order submitted earlier (opened from 待办订单): a draft at the
    /// payment step for it.
    pub fn collect(&mut self, order: &crate::api::Order, now_ms: i64) {
        let existing = self
            .sheets
            .iter()
            .position(|s| s.draft.order_no.as_deref() == Some(order.order_no.as_str()));
        self.enlarged = false;
        if self.bank.is_none() {
            self.outbox.push(Request::BankAccount);
        }
        if let Some(i) = existing {
            self.current = i;
            self.sheets[i].order_moved(order.status, order.version);
        } else {
            let mut draft = Draft::new();
            draft.step = Step::Done;
            draft.order_no = Some(order.order_no.clone());
            draft.order_version = order.version;
            draft.order_status = Some(order.status);
            draft.phone = order.applicant.phone.clone();
            draft.customer = Some(draft::CustomerInfo {
                id: order.customer_id.clone(),
                name: order.applicant.name.clone(),
                phone: order.applicant.phone.clone(),
                verified: true,
                order_count: 0,
            });
            draft.choice = Some(Choice {
                project_id: order.project_id.clone(),
                project_name: order.project_name.clone(),
                product_id: order.product_id.clone(),
                product_name: order.product_name.clone(),
                user_type: Some(order.user_type),
                validity_years: order.validity_years,
                price_fen: order.amount_fen,
            });
            if let Some(reference) = &order.application_ref {
                draft.reference = reference.clone();
            }
            self.sheets.push(Sheet::new(draft));
            self.current = self.sheets.len() - 1;
        }
        self.save(now_ms);
    }
}

/// True when an RFC 3339 time has passed.
pub fn expired(at: &str) -> bool {
    super::format::parse_time(at).is_some_and(|t| t <= time::OffsetDateTime::now_utc())
}

/// `12.3 MB`, `85 KB`
pub fn mb(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}
