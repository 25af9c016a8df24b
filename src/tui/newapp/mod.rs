//! The 新申请 tab: a clerk takes a walk-in customer from mobile number to submitted order —
//! customer, real-name QR, project and product, terms, the form, print and signed scan,
//! submission — in drafts that survive anything.

pub mod draft;
pub mod fields;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::api::{
    ClientError, Customer, NewCustomer, Project, RealnameSession, RealnameStatus, Terms,
};
use crate::domain::{Phone, RequiredText, UserType};
use crate::i18n::{Lang, T};

use super::app::Notice;
use super::net::{Msg, PrintError, Printed, Request, ScanProblem, SubmitError};
use super::widgets::input::Input;
use draft::{Choice, CustomerInfo, Draft, RealnameInfo, Step};

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
    /// Requests for the network layer.
    pub outbox: Vec<Request>,
    /// An order to open in 待办订单 (set by "open the submitted order").
    pub open_order: Option<String>,
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

    fn save(&mut self, now_ms: i64) {
        if let Some(sheet) = self.sheets.get_mut(self.current) {
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
            NewCmd::FreshCode => {
                self.fresh_code();
                true
            }
            NewCmd::Enlarge => {
                self.enlarged = !self.enlarged && self.step() == Step::Realname;
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
            Step::Done => self.done_key(key, now_ms),
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

    fn customer_key(&mut self, key: KeyEvent, lang: Lang) -> bool {
        match key.code {
            KeyCode::Enter => {
                let Some(sheet) = self.sheet_mut() else {
                    return false;
                };
                if sheet.asking_name {
                    let name = sheet.text("new_name");
                    match RequiredText::<50>::parse(&name) {
                        Ok(name) => {
                            sheet.busy = true;
                            let request = Request::CreateCustomer {
                                draft: sheet.draft.id.clone(),
                                customer: NewCustomer {
                                    phone: sheet.text("phone"),
                                    name: name.into_inner(),
                                },
                            };
                            self.outbox.push(request);
                        }
                        Err(e) => {
                            sheet.errors.insert("new_name".into(), e.render(lang));
                        }
                    }
                    return true;
                }
                match Phone::parse(&sheet.text("phone")) {
                    Ok(phone) => {
                        sheet.busy = true;
                        sheet.set_text("phone", phone.as_str());
                        let request = Request::FindCustomer {
                            draft: sheet.draft.id.clone(),
                            phone: phone.into(),
                        };
                        self.outbox.push(request);
                    }
                    Err(e) => {
                        sheet.errors.insert("phone".into(), e.render(lang));
                    }
                }
                true
            }
            KeyCode::Up | KeyCode::BackTab if self.sheet().is_some_and(|s| s.asking_name) => {
                if let Some(sheet) = self.sheet_mut() {
                    sheet.asking_name = false;
                    sheet.draft.customer = None;
                }
                true
            }
            KeyCode::Esc => false,
            _ => {
                // A changed number starts over.
                let before = self.sheet().map(|s| s.text("phone"));
                let typed = self.type_into(key);
                if let Some(sheet) = self.sheet_mut()
                    && !sheet.asking_name
                    && before.as_deref() != Some(sheet.text("phone").as_str())
                {
                    sheet.draft.customer = None;
                    sheet.draft.realname = None;
                }
                typed
            }
        }
    }

    fn enter_realname(&mut self) {
        let Some(sheet) = self.sheet_mut() else {
            return;
        };
        let Some(customer) = sheet.draft.customer.clone() else {
            return;
        };
        if customer.verified {
            return;
        }
        let live = sheet
            .draft
            .realname
            .as_ref()
            .is_some_and(|r| r.status == "pending" && !expired(&r.expires_at));
        if !live {
            sheet.busy = true;
            let request = Request::StartRealname {
                draft: sheet.draft.id.clone(),
                customer_id: customer.id,
            };
            self.outbox.push(request);
        }
    }

    /// A fresh real-name code (the old one stops working).
    pub fn fresh_code(&mut self) {
        let Some(sheet) = self.sheet_mut() else {
            return;
        };
        if sheet.draft.step != Step::Realname {
            return;
        }
        if let Some(customer) = sheet.draft.customer.clone().filter(|c| !c.verified) {
            sheet.busy = true;
            let request = Request::StartRealname {
                draft: sheet.draft.id.clone(),
                customer_id: customer.id,
            };
            self.outbox.push(request);
        }
    }

    fn realname_key(&mut self, key: KeyEvent, lang: Lang) -> bool {
        let renaming = self.sheet().is_some_and(|s| s.renaming);
        if renaming {
            if key.code == KeyCode::Enter {
                let Some(sheet) = self.sheet_mut() else {
                    return false;
                };
                match RequiredText::<50>::parse(&sheet.text("new_name")) {
                    Ok(name) => {
                        sheet.busy = true;
                        let request = Request::RenameCustomer {
                            draft: sheet.draft.id.clone(),
                            customer_id: sheet
                                .draft
                                .customer
                                .as_ref()
                                .map(|c| c.id.clone())
                                .unwrap_or_default(),
                            name: name.into_inner(),
                        };
                        self.outbox.push(request);
                    }
                    Err(e) => {
                        sheet.errors.insert("new_name".into(), e.render(lang));
                    }
                }
                return true;
            }
            return self.type_into(key);
        }
        let verified = self
            .sheet()
            .is_some_and(|s| s.draft.customer.as_ref().is_some_and(|c| c.verified));
        if key.code == KeyCode::Enter && verified {
            self.go(Step::Project);
            return true;
        }
        false
    }

    fn search_projects(&mut self) {
        self.projects_seq += 1;
        let query = self
            .sheet()
            .map(|s| s.text("project_query"))
            .unwrap_or_default();
        self.outbox.push(Request::Projects {
            seq: self.projects_seq,
            query: query.trim().to_owned(),
        });
    }

    fn project_key(&mut self, key: KeyEvent, lang: Lang) -> bool {
        let _ = lang;
        match (key.code, self.product_sel) {
            (KeyCode::Up, None) => self.project_sel = self.project_sel.saturating_sub(1),
            (KeyCode::Down, None) => {
                self.project_sel = (self.project_sel + 1).min(self.projects.len().saturating_sub(1))
            }
            (KeyCode::Enter | KeyCode::Right, None) => {
                if self
                    .projects
                    .get(self.project_sel)
                    .is_some_and(|p| !p.products.is_empty())
                {
                    self.product_sel = Some(0);
                }
            }
            (KeyCode::Up, Some(i)) => self.product_sel = Some(i.saturating_sub(1)),
            (KeyCode::Down, Some(i)) => {
                let last = self
                    .projects
                    .get(self.project_sel)
                    .map(|p| p.products.len())
                    .unwrap_or(1)
                    - 1;
                self.product_sel = Some((i + 1).min(last));
            }
            (KeyCode::Left, Some(_)) => self.product_sel = None,
            (KeyCode::Enter, Some(i)) => {
                let Some(project) = self.projects.get(self.project_sel).cloned() else {
                    return false;
                };
                let Some(product) = project.products.get(i).cloned() else {
                    return false;
                };
                if let Some(sheet) = self.sheet_mut() {
                    sheet.draft.choice = Some(Choice {
                        project_id: project.id,
                        project_name: project.name,
                        product_id: product.id,
                        product_name: product.name,
                        user_type: Some(product.user_type),
                        validity_years: product.validity_years,
                        price_fen: product.price_fen,
                    });
                }
                self.go(Step::Terms);
            }
            (_, Some(_)) => return false,
            (_, None) => {
                if !self.type_into(key) {
                    return false;
                }
                self.project_sel = 0;
                self.search_projects();
            }
        }
        true
    }

    fn terms_key(&mut self, key: KeyEvent) -> bool {
        match key.code {
            KeyCode::Up => self.terms_scroll = self.terms_scroll.saturating_sub(1),
            KeyCode::Down => self.terms_scroll = self.terms_scroll.saturating_add(1),
            KeyCode::PageUp => self.terms_scroll = self.terms_scroll.saturating_sub(10),
            KeyCode::PageDown | KeyCode::Char(' ') => {
                self.terms_scroll = self.terms_scroll.saturating_add(10)
            }
            _ => return false,
        }
        true
    }

    /// Switches individual ⇄ organisation: the product of the other kind with the same
    /// validity in the same project (or the nearest).
    pub fn toggle_user_type(&mut self) {
        let Some(choice) = self.sheet().and_then(|s| s.draft.choice.clone()) else {
            return;
        };
        let Some(project) = self
            .projects
            .iter()
            .find(|p| p.id == choice.project_id)
            .cloned()
        else {
            return;
        };
        let other = match choice.user_type {
            Some(UserType::Individual) => UserType::Organization,
            _ => UserType::Individual,
        };
        let best = project
            .products
            .iter()
            .filter(|p| p.user_type == other)
            .min_by_key(|p| (p.validity_years - choice.validity_years).abs());
        if let (Some(product), Some(sheet)) = (best.cloned(), self.sheet_mut()) {
            sheet.draft.choice = Some(Choice {
                product_id: product.id,
                product_name: product.name,
                user_type: Some(product.user_type),
                validity_years: product.validity_years,
                price_fen: product.price_fen,
                ..choice
            });
        }
    }

    fn form_key(&mut self, key: KeyEvent, lang: Lang) -> bool {
        let Some(sheet) = self.sheet_mut() else {
            return false;
        };
        let specs = sheet.specs();
        let editable: Vec<&fields::Spec> = specs
            .iter()
            .filter(|s| s.kind != fields::Kind::Locked)
            .collect();
        let at = editable
            .iter()
            .position(|s| s.key == sheet.draft.focus)
            .unwrap_or(0);
        let leave = |sheet: &mut Sheet, lang: Lang| {
            if let Some(spec) = specs.iter().find(|s| s.key == sheet.draft.focus) {
                match fields::check(spec.kind, &sheet.text(spec.key), lang) {
                    Some(error) => sheet.errors.insert(spec.key.to_owned(), error),
                    None => sheet.errors.remove(spec.key),
                };
            }
        };
        match key.code {
            KeyCode::Tab | KeyCode::Down => {
                leave(sheet, lang);
                if let Some(next) = editable.get(at + 1) {
                    sheet.draft.focus = next.key.to_owned();
                }
            }
            KeyCode::BackTab | KeyCode::Up => {
                leave(sheet, lang);
                if let Some(previous) = at.checked_sub(1).and_then(|i| editable.get(i)) {
                    sheet.draft.focus = previous.key.to_owned();
                }
            }
            KeyCode::Enter if at + 1 < editable.len() => {
                leave(sheet, lang);
                sheet.draft.focus = editable[at + 1].key.to_owned();
            }
            KeyCode::Enter => {
                // The last field: check everything, go on only when all is well.
                sheet.errors.clear();
                for spec in &specs {
                    if let Some(error) = fields::check(spec.kind, &sheet.text(spec.key), lang) {
                        sheet.errors.insert(spec.key.to_owned(), error);
                    }
                }
                if !fields::locked_values_valid(&sheet.draft) {
                    sheet.notice = Some(Notice::Error(T::NewIdentityMissing.get(lang).to_owned()));
                    return true;
                }
                match editable.iter().find(|s| sheet.errors.contains_key(s.key)) {
                    Some(first) => sheet.draft.focus = first.key.to_owned(),
                    None => {
                        sheet.sync();
                        self.go(Step::Scan);
                    }
                }
            }
            _ => return self.type_into(key),
        }
        true
    }

    /// Prints (or saves) the application form as typed.
    pub fn print_form(&mut self) {
        let Some(sheet) = self.sheet_mut() else {
            return;
        };
        if !matches!(sheet.draft.step, Step::Scan | Step::Submit | Step::Form) {
            return;
        }
        sheet.sync();
        sheet.busy = true;
        let request = Request::PrintForm {
            draft: sheet.draft.id.clone(),
            order: Box::new(fields::new_order(&sheet.draft)),
            reference: sheet.draft.reference.clone(),
        };
        self.outbox.push(request);
    }

    fn scan_key(&mut self, key: KeyEvent, lang: Lang) -> bool {
        match key.code {
            KeyCode::Tab => {
                let Some(sheet) = self.sheet_mut() else {
                    return false;
                };
                let done = super::widgets::path::complete(&sheet.text("scan_path"));
                sheet.set_text("scan_path", &done.text);
                sheet.notice =
                    (!done.choices.is_empty()).then(|| Notice::Info(done.choices.join("  ")));
                true
            }
            KeyCode::Enter => {
                let limit = self.upload_limit;
                let Some(sheet) = self.sheet_mut() else {
                    return false;
                };
                let path = sheet.text("scan_path").trim().to_owned();
                if path.is_empty() {
                    sheet
                        .errors
                        .insert("scan_path".into(), T::NewScanNeeded.get(lang).to_owned());
                    return true;
                }
                if sheet.draft.scan.as_ref().is_some_and(|s| s.path == path) {
                    self.go(Step::Submit);
                    return true;
                }
                sheet.busy = true;
                let request = Request::CheckScan {
                    draft: sheet.draft.id.clone(),
                    path: expand_home(&path),
                    limit,
                };
                self.outbox.push(request);
                true
            }
            _ => {
                let typed = self.type_into(key);
                if typed && let Some(sheet) = self.sheet_mut() {
                    let path = sheet.text("scan_path");
                    if sheet
                        .draft
                        .scan
                        .as_ref()
                        .is_some_and(|s| s.path != path.trim())
                    {
                        sheet.draft.scan = None;
                    }
                }
                typed
            }
        }
    }

    fn submit_key(&mut self, key: KeyEvent) -> bool {
        if key.code != KeyCode::Enter {
            return false;
        }
        let Some(sheet) = self.sheet_mut() else {
            return false;
        };
        sheet.sync();
        sheet.busy = true;
        sheet.notice = None;
        let request = Request::Submit {
            draft: sheet.draft.id.clone(),
            order: Box::new(fields::new_order(&sheet.draft)),
            scan: expand_home(sheet.draft.scan_path.trim()),
        };
        self.outbox.push(request);
        true
    }

    fn done_key(&mut self, key: KeyEvent, now_ms: i64) -> bool {
        key.code == KeyCode::Enter && self.command(NewCmd::OpenOrder, now_ms)
    }

    /// Esc.
    pub fn escape(&mut self, now_ms: i64) -> bool {
        if self.enlarged {
            self.enlarged = false;
            return true;
        }
        let changed = self.back();
        if changed {
            self.save(now_ms);
        }
        changed
    }

    // ----- answers -----

    /// An answer from the platform. Returns true when the screen changed.
    pub fn on_msg(
        &mut self,
        msg: Msg,
        lang: Lang,
        now_ms: i64,
        describe: &dyn Fn(&ClientError) -> String,
    ) -> bool {
        match msg {
            Msg::Health(Ok(health)) => {
                if health.max_upload_bytes > 0 {
                    self.upload_limit = health.max_upload_bytes;
                }
                // Codes saved before a restart point at where the platform is now (the
                // embedded platform's port changes between runs).
                if !health.public_base_url.is_empty() {
                    for sheet in &mut self.sheets {
                        if let Some(realname) = sheet.draft.realname.as_mut()
                            && let Some((_, token)) = realname.url.rsplit_once("/m/realname/")
                        {
                            realname.url = format!("{}/m/realname/{token}", health.public_base_url);
                        }
                    }
                }
            }
            Msg::Terms(Ok(terms)) => self.terms = Some(terms),
            Msg::Projects { seq, result } if seq == self.projects_seq => match result {
                Ok(projects) => {
                    self.projects = projects;
                    self.project_sel = self.project_sel.min(self.projects.len().saturating_sub(1));
                }
                Err(e) => {
                    if let Some(sheet) = self.sheet_mut() {
                        sheet.notice = Some(Notice::Error(describe(&e)));
                    }
                }
            },
            Msg::CustomerFound { draft, result } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return false;
                };
                sheet.busy = false;
                match result {
                    Ok(Some(customer)) => {
                        sheet.draft.customer = Some(customer_info(&customer));
                        sheet.asking_name = false;
                        self.focus_draft(&draft);
                        self.go(Step::Realname);
                    }
                    Ok(None) => {
                        sheet.asking_name = true;
                        sheet.notice = Some(Notice::Info(T::NewCustomerNew.get(lang).to_owned()));
                    }
                    Err(e) => sheet.notice = Some(Notice::Error(describe(&e))),
                }
            }
            Msg::CustomerSaved { draft, result } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return false;
                };
                sheet.busy = false;
                match result {
                    Ok(customer) => {
                        let renamed = sheet.renaming;
                        sheet.draft.customer = Some(customer_info(&customer));
                        sheet.asking_name = false;
                        sheet.renaming = false;
                        self.focus_draft(&draft);
                        if renamed {
                            self.fresh_code();
                        } else {
                            self.go(Step::Realname);
                        }
                    }
                    Err(e) => {
                        let key = if sheet.renaming || sheet.asking_name {
                            "new_name"
                        } else {
                            "phone"
                        };
                        sheet.errors.insert(key.into(), describe(&e));
                    }
                }
            }
            Msg::RealnameSession { draft, result } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return false;
                };
                sheet.busy = false;
                match result {
                    Ok(session) => apply_realname(sheet, &session),
                    Err(e) => sheet.notice = Some(Notice::Error(describe(&e))),
                }
            }
            Msg::Printed { draft, result } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return false;
                };
                sheet.busy = false;
                sheet.notice = Some(match result {
                    Ok(Printed::Printer(printer, path)) => Notice::Info(
                        T::NewPrinted.fill(lang, &[&printer, &path.display().to_string()]),
                    ),
                    Ok(Printed::Saved(path)) => {
                        Notice::Info(T::NewSaved.fill(lang, &[&path.display().to_string()]))
                    }
                    Err(PrintError::Platform(e)) => Notice::Error(describe(&e)),
                    Err(PrintError::Save(path, kind)) => Notice::Error(
                        T::FileUnwritable
                            .fill(lang, &[&path.display().to_string(), &format!("{kind}")]),
                    ),
                    Err(PrintError::Command(message)) => {
                        Notice::Error(T::NewPrintFailed.fill(lang, &[&message]))
                    }
                });
            }
            Msg::ScanChecked {
                draft,
                path,
                result,
            } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return false;
                };
                sheet.busy = false;
                match result {
                    Ok(mut info) => {
                        info.path = sheet.text("scan_path").trim().to_owned();
                        sheet.draft.scan = Some(info);
                        sheet.errors.remove("scan_path");
                    }
                    Err(problem) => {
                        sheet.draft.scan = None;
                        sheet
                            .errors
                            .insert("scan_path".into(), scan_problem(&problem, &path, lang));
                    }
                }
            }
            Msg::Submitted { draft, result } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return false;
                };
                sheet.busy = false;
                match result {
                    Ok(order) => {
                        sheet.draft.order_no = Some(order.order_no);
                        sheet.draft.step = Step::Done;
                        sheet.notice = None;
                    }
                    Err(SubmitError::Order(e)) => {
                        // Field errors go back to the form, next to their fields.
                        let fields: Vec<(String, String)> = e
                            .problem()
                            .map(|p| {
                                p.errors
                                    .iter()
                                    .map(|f| (f.field.clone(), f.message.clone()))
                                    .collect()
                            })
                            .unwrap_or_default();
                        let on_form: Vec<(String, String)> = fields
                            .into_iter()
                            .filter(|(f, _)| sheet.specs().iter().any(|s| s.key == f))
                            .collect();
                        if let Some((first, _)) = on_form.first() {
                            sheet.draft.focus = first.clone();
                            sheet.errors.extend(on_form.clone());
                            sheet.draft.step = Step::Form;
                        }
                        sheet.notice = Some(Notice::Error(describe(&e)));
                    }
                    Err(SubmitError::Scan(order_no, problem)) => {
                        let path = PathBuf::from(sheet.draft.scan_path.clone());
                        sheet.notice = Some(Notice::Error(
                            T::NewSubmittedNoScan
                                .fill(lang, &[&order_no, &scan_problem(&problem, &path, lang)]),
                        ));
                    }
                    Err(SubmitError::Upload(order_no, e)) => {
                        sheet.notice = Some(Notice::Error(
                            T::NewSubmittedNoScan.fill(lang, &[&order_no, &describe(&e)]),
                        ));
                    }
                }
            }
            _ => return false,
        }
        self.save(now_ms);
        true
    }

    /// A verification changed somewhere: the draft waiting on it asks where it stands.
    pub fn realname_event(&mut self, session_id: &str) {
        for sheet in &self.sheets {
            if sheet
                .draft
                .realname
                .as_ref()
                .is_some_and(|r| r.session_id == session_id)
            {
                self.outbox.push(Request::RealnameStatus {
                    draft: sheet.draft.id.clone(),
                    session_id: session_id.to_owned(),
                });
            }
        }
    }

    fn focus_draft(&mut self, id: &str) {
        if let Some(i) = self.sheets.iter().position(|s| s.draft.id == id) {
            self.current = i;
        }
    }

    /// True while something on screen counts down (the real-name code).
    pub fn counting_down(&self) -> bool {
        self.sheet().is_some_and(|s| {
            s.draft.step == Step::Realname
                && s.draft
                    .realname
                    .as_ref()
                    .is_some_and(|r| r.status == "pending")
        })
    }
}

fn customer_info(customer: &Customer) -> CustomerInfo {
    CustomerInfo {
        id: customer.id.clone(),
        name: customer.name.clone(),
        phone: customer.phone.clone(),
        verified: customer.realname_verified,
        order_count: customer.order_count,
    }
}

fn apply_realname(sheet: &mut Sheet, session: &RealnameSession) {
    let url = session
        .url
        .clone()
        .or_else(|| {
            sheet
                .draft
                .realname
                .as_ref()
                .filter(|r| r.session_id == session.id)
                .map(|r| r.url.clone())
        })
        .unwrap_or_default();
    sheet.draft.realname = Some(RealnameInfo {
        session_id: session.id.clone(),
        url,
        expires_at: session.expires_at.clone(),
        status: session.status.as_str().to_owned(),
        attempts: session.attempts,
        reason: session.reason_text.clone(),
        reason_code: session.reason.clone(),
        verified_name: session.verified_name.clone(),
        verified_id_number: session.verified_id_number.clone(),
    });
    if session.status == RealnameStatus::Verified
        && let Some(customer) = sheet.draft.customer.as_mut()
    {
        customer.verified = true;
        if let Some(name) = &session.verified_name {
            customer.name = name.clone();
        }
    }
}

/// True when an RFC 3339 time has passed.
pub fn expired(at: &str) -> bool {
    super::format::parse_time(at).is_some_and(|t| t <= time::OffsetDateTime::now_utc())
}

fn scan_problem(problem: &ScanProblem, path: &std::path::Path, lang: Lang) -> String {
    let shown = path.display().to_string();
    match problem {
        ScanProblem::Io(std::io::ErrorKind::NotFound) => T::FileNotFound.fill(lang, &[&shown]),
        ScanProblem::Io(std::io::ErrorKind::PermissionDenied) => {
            T::FilePermission.fill(lang, &[&shown])
        }
        ScanProblem::Io(std::io::ErrorKind::IsADirectory) => {
            T::FileIsDirectory.fill(lang, &[&shown])
        }
        ScanProblem::Io(_) => T::FileUnreadable.fill(lang, &[&shown]),
        ScanProblem::NotAScan => T::ProblemUnsupportedTypeDetail.get(lang).to_owned(),
        ScanProblem::Empty => T::NewScanEmpty.fill(lang, &[&shown]),
        ScanProblem::TooLarge(size, limit) => {
            T::NewScanTooLarge.fill(lang, &[&mb(*size), &mb(*limit)])
        }
    }
}

/// `12.3 MB`, `85 KB`
pub fn mb(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

fn expand_home(path: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default()
            .join(rest),
        None => PathBuf::from(path),
    }
}
