//! The 新申请 tab: a clerk takes a walk-in customer from mobile number to submitted order —
//! customer, real-name QR, project and product, terms, the form, print and signed scan,
//! submission, payment — in drafts saved on every keystroke, so nothing typed is lost.

mod answers;
pub mod draft;
pub mod fields;
pub mod keys;
pub mod messages;
pub mod sheet;
mod steps;
mod view;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use futures_util::future::BoxFuture;

pub use keys::Cmd;
pub use messages::{Answer, Request};
pub use sheet::{Paying, Sheet, Waiting};

use crate::api::{BankAccount, Order, Project, Terms};
use crate::domain::{Action, DraftId, OrderStatus, Permission, Role, RoleSet};
use crate::i18n::T;
use crate::tui::component::{Component, Ctx, Env, Live, Signal, View};
use crate::tui::keys::{Binding, Focus};
use crate::tui::net::Net;
use crate::tui::text::{Notice, Text};
use draft::{Choice, Draft, Step};

/// "Working…", while the platform answers a step.
static WORKING: std::sync::LazyLock<Notice> = std::sync::LazyLock::new(Notice::working);

/// The tab as the frame holds it, with the drafts found on disk.
pub fn tab(init: &crate::tui::component::Init) -> Box<dyn crate::tui::component::Tab> {
    let drafts = init
        .drafts
        .as_deref()
        .map(draft::load_all)
        .unwrap_or_default();
    crate::tui::component::tab(NewApp::with_drafts(drafts))
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
    /// The list was emptied for another draft's search, its answer not in yet.
    pub projects_loading: bool,
    projects_seq: u64,
    /// The next project list selects the draft's chosen project and product (back at the
    /// project step to change it, the cursor starts where the choice is).
    reselect: bool,
    /// The QR code is shown full-screen.
    pub enlarged: bool,
    /// Ctrl-D was pressed once: a second press discards the draft.
    pub discard_armed: bool,
    /// The CA's bank account, for transfers.
    pub bank: Option<BankAccount>,
    /// Empty drafts found on disk beside another empty one: deleted once the tab starts.
    stale_drafts: Vec<DraftId>,
}

impl NewApp {
    /// The shown sheet's message, or that it is working.
    pub fn message(&self) -> Option<&Notice> {
        let sheet = self.sheet()?;
        sheet
            .notice
            .as_ref()
            .or_else(|| sheet.busy().then_some(&*WORKING))
    }

    /// The tab with `drafts` (or one blank draft), back on the one worked on last — one
    /// with something in it before a new one opened and left empty (Ctrl-N, then back to
    /// the customer's with Ctrl-O, opened an empty screen after a restart).
    pub fn with_drafts(drafts: Vec<Draft>) -> NewApp {
        // One empty draft is enough (the newest): the others, opened and left by Ctrl-N
        // before it went back to an empty one, are deleted.
        let newest_empty = drafts
            .iter()
            .filter(|d| d.untouched())
            .max_by_key(|d| d.updated_at)
            .map(|d| d.id.clone());
        let (drafts, stale): (Vec<Draft>, Vec<Draft>) = drafts
            .into_iter()
            .partition(|d| !d.untouched() || Some(&d.id) == newest_empty.as_ref());
        let mut sheets: Vec<Sheet> = drafts.into_iter().map(Sheet::new).collect();
        if sheets.is_empty() {
            sheets.push(Sheet::new(Draft::new()));
        }
        let current = sheets
            .iter()
            .enumerate()
            .max_by_key(|(_, s)| (!s.draft.untouched(), s.draft.updated_at))
            .map(|(i, _)| i)
            .unwrap_or(0);
        NewApp {
            sheets,
            current,
            stale_drafts: stale.into_iter().map(|d| d.id).collect(),
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

    fn by_id(&mut self, id: &DraftId) -> Option<&mut Sheet> {
        self.sheets.iter_mut().find(|s| s.draft.id == *id)
    }

    /// The step shown.
    pub fn step(&self) -> Step {
        self.sheet().map(|s| s.draft.step).unwrap_or_default()
    }

    /// Writes the draft shown to disk.
    fn save(&mut self, ctx: &mut Ctx<Request>) {
        self.save_at(ctx, self.current);
    }

    /// Writes draft `id` to disk (an answer or an event may concern a draft not shown).
    fn save_id(&mut self, ctx: &mut Ctx<Request>, id: &DraftId) {
        if let Some(i) = self.sheets.iter().position(|s| s.draft.id == *id) {
            self.save_at(ctx, i);
        }
    }

    fn save_at(&mut self, ctx: &mut Ctx<Request>, index: usize) {
        let now = ctx.now_ms();
        let worked_on = index == self.current;
        if let Some(sheet) = self.sheets.get_mut(index) {
            sheet.sync();
            // "Worked on last" is the draft the clerk was at: one saved in the background
            // (a verification that came back while another customer is being served) does
            // not become the one a restarted counter opens.
            if worked_on || sheet.draft.updated_at == 0 {
                sheet.draft.updated_at = now;
            }
            ctx.ask(Request::SaveDraft(Box::new(sheet.draft.clone())));
        }
    }

    /// Another draft is shown: what the tab holds for the draft shown (the project list
    /// and its cursor, the enlarged code, the terms' scroll) is its own — the list found
    /// for the last draft's search, under this one's search text, chose its project.
    fn draft_shown(&mut self, ctx: &mut Ctx<Request>) {
        self.enlarged = false;
        self.terms_scroll = 0;
        self.product_sel = None;
        self.project_sel = 0;
        self.projects.clear();
        self.projects_loading = true;
        match self.step() {
            Step::Project => {
                self.reselect = true;
                self.search_projects(ctx);
            }
            // `t` there switches the certificate among the chosen project's products.
            Step::Terms => self.search_projects(ctx),
            _ => {}
        }
    }

    /// The code is shown full-screen now: enlarged, and still live (paid or verified
    /// meanwhile, it is gone, and so is the full screen that held the keys).
    pub fn enlarged_now(&self) -> bool {
        self.enlarged && self.sheet().and_then(Sheet::live_code).is_some()
    }

    /// A blank draft, shown.
    fn new_draft(&mut self, ctx: &mut Ctx<Request>) {
        // One empty draft at a time: Ctrl-N with one open goes back to it.
        if let Some(empty) = self.sheets.iter().position(|s| s.draft.untouched()) {
            self.current = empty;
            self.draft_shown(ctx);
            return;
        }
        self.sheets.push(Sheet::new(Draft::new()));
        self.current = self.sheets.len() - 1;
        self.draft_shown(ctx);
        self.save(ctx);
    }

    fn focus_draft(&mut self, id: &DraftId) {
        if let Some(i) = self.sheets.iter().position(|s| s.draft.id == *id) {
            self.current = i;
        }
    }

    /// Removes the draft shown (its work is done, or the clerk discards it).
    fn drop_current(&mut self, ctx: &mut Ctx<Request>, then_blank: bool) {
        if self.current < self.sheets.len() {
            let gone = self.sheets.remove(self.current);
            ctx.ask(Request::DeleteDraft(gone.draft.id));
        }
        if self.sheets.is_empty() || then_blank {
            self.new_draft(ctx);
        }
        self.current = self.current.min(self.sheets.len().saturating_sub(1));
        self.draft_shown(ctx);
    }

    /// The clerk pressed something that waits for the platform: say so (never silently
    /// ignore a key).
    fn still_waiting(&mut self) {
        if let Some(sheet) = self.sheet_mut() {
            sheet.notice = Some(Notice::info(T::StillWaiting));
        }
    }

    /// Things to fetch when the tab starts or the link comes back.
    fn fetch_all(&mut self, ctx: &mut Ctx<Request>) {
        ctx.ask(Request::Terms);
        ctx.ask(Request::BankAccount);
        self.search_projects(ctx);
        for stale in std::mem::take(&mut self.stale_drafts) {
            ctx.ask(Request::DeleteDraft(stale));
        }
        for sheet in &self.sheets {
            // Drafts waiting on the phone pick up where the verification stands now.
            if let Some(realname) = sheet.draft.realname.as_ref().filter(|r| r.status == "pending")
            {
                ctx.ask(Request::RealnameStatus {
                    draft: sheet.draft.id.clone(),
                    session_id: realname.session_id.clone(),
                });
            }
            // Submitted orders may have been paid, or moved on, meanwhile.
            if sheet.draft.step == Step::Done
                && let Some(order_no) = &sheet.draft.order_no
            {
                ctx.ask(Request::Order {
                    draft: sheet.draft.id.clone(),
                    order_no: order_no.clone(),
                });
            }
        }
    }

    /// An order changed somewhere: drafts that submitted it follow (paid, voucher awaited…).
    pub fn order_event(
        &mut self,
        ctx: &mut Ctx<Request>,
        order_no: &str,
        status: OrderStatus,
        version: i64,
    ) {
        let changed: Vec<DraftId> = self
            .sheets
            .iter_mut()
            .filter(|s| s.draft.order_no.as_deref() == Some(order_no))
            .filter_map(|s| s.order_moved(status, version).then(|| s.draft.id.clone()))
            .collect();
        for id in changed {
            self.save_id(ctx, &id);
        }
    }

    /// Takes payment for an order submitted earlier (opened from 待办订单): a draft at the
    /// payment step for it.
    pub fn collect(&mut self, ctx: &mut Ctx<Request>, order: &Order) {
        let existing = self
            .sheets
            .iter()
            .position(|s| s.draft.order_no.as_deref() == Some(order.order_no.as_str()));
        self.enlarged = false;
        if self.bank.is_none() {
            ctx.ask(Request::BankAccount);
        }
        if let Some(i) = existing {
            self.current = i;
            self.sheets[i].order_moved(order.status, order.version);
        } else {
            let mut draft = Draft::new();
            draft.step = Step::Done;
            draft.order_no = Some(order.order_no.to_string());
            draft.order_version = order.version;
            draft.order_status = Some(order.status);
            draft.by_transfer = order.payment_method.as_deref() == Some("bank_transfer");
            draft.phone = order.applicant.phone.clone();
            draft.customer = Some(draft::CustomerInfo {
                id: order.customer_id.clone(),
                name: order.applicant.name.clone(),
                phone: order.applicant.phone.clone(),
                verified: true,
                order_count: 0,
                earlier_check: None,
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
        self.save(ctx);
    }

    /// Codes saved before a restart point at where the platform is now (the embedded
    /// platform's port changes between runs).
    fn rebase_codes(&mut self, base: &str) {
        if base.is_empty() {
            return;
        }
        for sheet in &mut self.sheets {
            if let Some(realname) = sheet.draft.realname.as_mut()
                && let Some((_, token)) = realname.url.rsplit_once("/m/realname/")
            {
                realname.url = format!("{base}/m/realname/{token}");
            }
            if let Some(payment) = sheet.draft.payment.as_mut()
                && let Some((_, token)) = payment.url.rsplit_once("/m/pay/")
            {
                payment.url = format!("{base}/m/pay/{token}");
            }
        }
    }

    /// Runs a command; true when the draft changed (and is saved).
    fn run_command(&mut self, ctx: &mut Ctx<Request>, cmd: Cmd) -> bool {
        if cmd != Cmd::Discard {
            self.discard_armed = false;
        }
        let busy = self.sheet().is_some_and(Sheet::busy);
        if busy && matches!(cmd, Cmd::PayQr | Cmd::BankTransfer | Cmd::UploadVoucher) {
            // The platform has not answered the last press yet: a second would ask twice.
            self.still_waiting();
            return false;
        }
        match cmd {
            Cmd::Back => self.escape(),
            Cmd::FormEnter => self.form_key(
                ctx,
                KeyEvent::new(KeyCode::Enter, crossterm::event::KeyModifiers::NONE),
            ),
            Cmd::NewDraft => {
                self.new_draft(ctx);
                false
            }
            Cmd::NextDraft => {
                if !self.sheets.is_empty() {
                    self.current = (self.current + 1) % self.sheets.len();
                    self.draft_shown(ctx);
                }
                false
            }
            Cmd::Discard => {
                if self.discard_armed {
                    self.discard_armed = false;
                    self.drop_current(ctx, false);
                } else {
                    self.discard_armed = true;
                }
                false
            }
            Cmd::Print => self.print(ctx, false),
            Cmd::Receipt => self.print(ctx, true),
            Cmd::PayQr => {
                let Some((sheet, order_no)) = self.paying_at(Paying::Choose) else {
                    return false;
                };
                let draft = sheet.draft.id.clone();
                ctx.ask(Request::OpenPayment { draft, order_no });
                true
            }
            Cmd::BankTransfer => {
                let Some((sheet, order_no)) = self.paying_at(Paying::Choose) else {
                    return false;
                };
                ctx.ask(sheet.act(order_no, Action::ChooseBankTransfer, None));
                if self.bank.is_none() {
                    ctx.ask(Request::BankAccount);
                }
                true
            }
            Cmd::PayOnline => {
                let Some((sheet, order_no)) = self.paying_at(Paying::Transfer) else {
                    return false;
                };
                sheet.online_asked = true;
                ctx.ask(sheet.act(order_no, Action::ChooseOnlinePayment, None));
                true
            }
            Cmd::UploadVoucher => {
                let Some(sheet) = self.sheet_mut() else {
                    return false;
                };
                if sheet.paying() != Some(Paying::Transfer) {
                    return false;
                }
                sheet.voucher_open = true;
                true
            }
            Cmd::FreshCode => {
                self.fresh_code(ctx);
                true
            }
            Cmd::Enlarge => {
                self.enlarged =
                    !self.enlarged && self.sheet().is_some_and(|s| s.live_code().is_some());
                false
            }
            Cmd::EditName => {
                let Some(sheet) = self.sheet_mut() else {
                    return false;
                };
                let Some(customer) = sheet.draft.customer.clone().filter(|c| !c.verified) else {
                    return false;
                };
                sheet.set_text("new_name", &customer.name);
                sheet.renaming = true;
                true
            }
            Cmd::AcceptTerms => {
                let Some(version) = self.terms.as_ref().map(|t| t.version.clone()) else {
                    return false;
                };
                if self.step() != Step::Terms {
                    return false;
                }
                if let Some(sheet) = self.sheet_mut() {
                    sheet.draft.terms_accepted = Some(version);
                }
                self.go(ctx, Step::Form);
                true
            }
            Cmd::ToggleUserType => {
                self.toggle_user_type(ctx);
                true
            }
            Cmd::OpenOrder | Cmd::BlankForm => {
                let Some(order_no) = self.sheet().and_then(|s| s.draft.order_no.clone()) else {
                    return false;
                };
                if cmd == Cmd::OpenOrder {
                    ctx.signal(Signal::OpenOrder(order_no));
                }
                // The draft has done its job.
                self.drop_current(ctx, cmd == Cmd::BlankForm);
                false
            }
        }
    }

    /// The draft shown when taking its payment stands at `stage`, with its order, waiting
    /// for the platform from now on.
    pub(super) fn paying_at(&mut self, stage: Paying) -> Option<(&mut Sheet, String)> {
        let sheet = self.sheet_mut()?;
        let order_no = sheet.draft.order_no.clone()?;
        if sheet.paying() != Some(stage) {
            return None;
        }
        sheet.wait(Waiting::Step);
        Some((sheet, order_no))
    }

    /// Prints the application form, or after submission the transfer slip (paying by
    /// transfer) or the receipt (`receipt`: always the receipt). Only another print waits
    /// for one on its way: a press while the platform answers something else prints.
    fn print(&mut self, ctx: &mut Ctx<Request>, receipt: bool) -> bool {
        let Some(sheet) = self.sheet_mut() else {
            return false;
        };
        if sheet.printing() {
            sheet.notice = Some(Notice::info(T::StillPrinting));
            return false;
        }
        let draft = sheet.draft.id.clone();
        let request = if sheet.draft.step == Step::Done {
            let Some(order_no) = sheet.draft.order_no.clone() else {
                return false;
            };
            if !receipt && sheet.paying() == Some(Paying::Transfer) {
                Request::PrintSlip { draft, order_no }
            } else {
                Request::PrintReceipt { draft, order_no }
            }
        } else if matches!(sheet.draft.step, Step::Scan | Step::Submit | Step::Form) && !receipt {
            sheet.sync();
            sheet.form_printing = Some((sheet.draft.reference.clone(), sheet.draft.paper_says()));
            Request::PrintForm {
                draft,
                order: Box::new(fields::new_order(&sheet.draft)),
                reference: sheet.draft.reference.clone(),
            }
        } else {
            return false;
        };
        sheet.wait(Waiting::Print);
        sheet.notice = Some(Notice::working());
        ctx.ask(request);
        true
    }

    /// Esc: out of the enlarged code, the voucher field, the QR payment, or one step back.
    fn escape(&mut self) -> bool {
        let enlarged = std::mem::take(&mut self.enlarged);
        if enlarged && self.sheet().and_then(Sheet::live_code).is_some() {
            return false;
        }
        if let Some(sheet) = self.sheet_mut() {
            if sheet.voucher_open {
                sheet.voucher_open = false;
                sheet.errors.remove("voucher_path");
                return true;
            }
            if sheet.paying() == Some(Paying::Qr) {
                // Back to the choice of how to pay; the code stays valid on the platform
                // and comes back if Alipay is chosen again.
                sheet.draft.payment = None;
                return true;
            }
        }
        self.back()
    }

    /// One step back (the steps before keep what was entered).
    fn back(&mut self) -> bool {
        let step = self.step();
        if matches!(step, Step::Customer | Step::Done) {
            return false;
        }
        if step == Step::Project && self.product_sel.is_some() {
            self.product_sel = None;
            return true;
        }
        if let Some(sheet) = self.sheet_mut() {
            if step == Step::Realname && sheet.renaming {
                sheet.renaming = false;
                return true;
            }
            // The order exists already (made, its scan refused): what it says stands;
            // only its signed form is still to send, from here.
            if let Some(order_no) = sheet.draft.order_made.clone()
                && matches!(step, Step::Scan | Step::Submit)
            {
                sheet.draft.step = Step::Scan;
                sheet.notice = Some(Notice::warning(Text::with(
                    T::NewOrderMadeOnlyScan,
                    [order_no],
                )));
                return true;
            }
            sheet.draft.step = step.previous();
            sheet.notice = None;
        }
        if step.previous() == Step::Project {
            // Back to change the product: the cursor on what was chosen.
            self.select_choice();
        }
        true
    }
}

impl Component for NewApp {
    type Cmd = Cmd;
    type Request = Request;
    type Answer = Answer;

    fn title(&self) -> T {
        T::TabNewApp
    }

    fn about(&self) -> T {
        T::AboutNewApp
    }

    fn permission(&self) -> Permission {
        Permission::CreateOrders
    }

    fn home(&self, roles: &RoleSet) -> Option<u8> {
        // A clerk works here, on the draft worked on last.
        roles.roles().contains(&Role::Clerk).then_some(3)
    }

    fn read_only_usable(&self) -> bool {
        false
    }

    fn start(&mut self, ctx: &mut Ctx<Request>) {
        self.fetch_all(ctx);
    }

    fn focus(&self) -> Focus {
        if self.sheet().and_then(Sheet::focused_key).is_some() && !self.enlarged_now() {
            Focus::Field
        } else {
            Focus::Letters
        }
    }

    fn bindings(&self, env: &Env) -> Vec<Binding<Cmd>> {
        keys::bindings(self, env)
    }

    fn command(&mut self, ctx: &mut Ctx<Request>, cmd: Cmd) {
        if self.run_command(ctx, cmd) {
            self.save(ctx);
        }
    }

    fn key(&mut self, ctx: &mut Ctx<Request>, key: KeyEvent) -> bool {
        if key.code != KeyCode::Char('d') || !key.modifiers.contains(KeyModifiers::CONTROL) {
            self.discard_armed = false;
        }
        let Some(step) = self.sheet().map(|s| s.draft.step) else {
            return false;
        };
        if self.sheet().is_some_and(Sheet::busy) {
            self.still_waiting();
            return true;
        }
        let lang = ctx.lang;
        let changed = match step {
            Step::Customer => self.customer_key(ctx, key),
            Step::Realname => self.realname_key(ctx, key),
            Step::Project => self.project_key(ctx, key),
            Step::Terms => self.terms_key(key),
            Step::Form => self.form_key(ctx, key),
            Step::Scan => self.scan_key(ctx, key),
            Step::Submit => self.submit_key(ctx, key),
            Step::Done => self.done_key(ctx, key, lang),
        };
        if changed {
            self.save(ctx);
        }
        changed
    }

    fn paste(&mut self, ctx: &mut Ctx<Request>, text: &str) -> bool {
        let Some(sheet) = self.sheet_mut() else {
            return false;
        };
        let Some(key) = sheet.focused_key() else {
            return false;
        };
        sheet.inputs.entry(key.clone()).or_default().paste(text);
        sheet.field_corrected(&key);
        if sheet.draft.step == Step::Project {
            self.search_projects(ctx);
        }
        self.save(ctx);
        true
    }

    fn answer(&mut self, ctx: &mut Ctx<Request>, answer: Answer) {
        self.on_answer(ctx, answer);
    }

    fn live(&mut self, ctx: &mut Ctx<Request>, event: &Live) {
        match event {
            Live::Order(event) => {
                self.order_event(ctx, event.order_no.as_str(), event.status, event.version)
            }
            Live::Realname(event) => {
                for sheet in &self.sheets {
                    if sheet
                        .draft
                        .realname
                        .as_ref()
                        .is_some_and(|r| r.session_id == event.session_id)
                    {
                        ctx.ask(Request::RealnameStatus {
                            draft: sheet.draft.id.clone(),
                            session_id: event.session_id.clone(),
                        });
                    }
                }
            }
            Live::Resumed | Live::Refresh => {
                // The platform is back: "cannot reach it" is no longer so (what was asked
                // then is asked again, or the clerk presses the key again).
                if matches!(event, Live::Resumed) {
                    for sheet in &mut self.sheets {
                        crate::tui::text::forget_offline(&mut sheet.notice);
                    }
                }
                self.fetch_all(ctx)
            }
            Live::Platform => {
                let base = ctx
                    .shared
                    .platform
                    .as_ref()
                    .map(|h| h.public_base_url.clone())
                    .unwrap_or_default();
                self.rebase_codes(&base);
            }
            Live::Language => {
                for sheet in &mut self.sheets {
                    sheet.reword(ctx.lang);
                }
                // The terms the customer reads come in the shown language: asked again, not
                // left in the one they were fetched in.
                ctx.ask(Request::Terms);
            }
        }
    }

    fn signal(&mut self, ctx: &mut Ctx<Request>, signal: &Signal) -> bool {
        match signal {
            Signal::CollectPayment(order) => {
                self.collect(ctx, order);
                true
            }
            _ => false,
        }
    }

    fn counting(&self) -> bool {
        self.sheet().is_some_and(|s| {
            (s.draft.step == Step::Realname
                && s.draft.realname.as_ref().is_some_and(|r| r.status == "pending"))
                // Until the platform says otherwise, also past the expiry: the screen
                // must notice the moment the code stops working.
                || (s.draft.payment.is_some()
                    && matches!(s.paying(), Some(Paying::Qr | Paying::Choose)))
        })
    }

    /// The sheet's message, under the screen — except beside a live code, which draws it
    /// in the column of its instructions ([`NewApp::message`]): under the screen it takes
    /// the rows the code needs at 80×24, and the customer about to scan sees no code.
    fn notice(&self) -> Option<&Notice> {
        let sheet = self.sheet()?;
        if !self.enlarged_now() && sheet.live_code().is_some() {
            return None;
        }
        self.message()
    }

    fn fullscreen(&self) -> bool {
        self.enlarged_now()
    }

    fn keeps_rows(&self) -> bool {
        !self.enlarged && self.sheet().and_then(Sheet::live_code).is_some()
    }

    fn draw(&self, frame: &mut ratatui::Frame, area: ratatui::layout::Rect, view: &View) {
        view::draw(self, frame, area, view);
    }

    fn run(request: Request, net: &Net) -> Option<BoxFuture<'static, Answer>> {
        messages::run(request, net)
    }
}
