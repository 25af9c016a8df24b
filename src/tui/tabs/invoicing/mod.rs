//! The 开票 tab: orders in 待开票, those the customer asked for first. Finance opens one,
//! checks or fills the invoice request (individual or organisation buyer, 普票 or 专票,
//! buyer name, tax number, e-mail, and for 专票 address, phone, bank and account) with
//! every field checked here as on the platform, and issues it; or notes that the customer
//! wants no invoice. Either way the order is 已完成.

mod form;
pub mod keys;
pub mod messages;
mod view;

use crossterm::event::{KeyCode, KeyEvent};
use futures_util::future::BoxFuture;

pub use form::{FIELDS, InvoiceForm, ROWS, kind_label, same_source, source_of};
pub use keys::Cmd;
pub use messages::{Answer, Request};

use crate::api::{ActionRequest, ClientError, DemoPart, InvoicingItem, IssueInvoice};
use crate::domain::{Action, OrderStatus, Permission, Role, RoleSet};
use crate::i18n::{Arg, Lang, T};
use crate::tui::component::{Component, Ctx, Env, Live, Signal, View};
use crate::tui::keys::{Binding, Focus};
use crate::tui::list::{Fetch, Rows};
use crate::tui::net::Net;
use crate::tui::text::{Notice, Text, compose, describe};
use crate::tui::widgets::input::Input;

/// How often the queue is fetched again while shown.
const REFRESH_SECONDS: i64 = 60;

/// The tab as the frame holds it.
pub fn tab(_init: &crate::tui::component::Init) -> Box<dyn crate::tui::component::Tab> {
    crate::tui::component::tab(Invoicing::default())
}

/// Declining: the note to keep.
#[derive(Debug, Clone)]
pub struct Decline {
    /// The order.
    pub order_no: String,
    /// Its version.
    pub version: i64,
    /// The note.
    pub input: Input,
    /// On its way.
    pub sending: bool,
    /// Why it failed.
    pub error: Option<Text>,
    /// The customer asked for an invoice (where from): declining needs a reason.
    pub asked: Option<String>,
    /// Filled in, waiting for `y`: an order completed with no invoice gets none later.
    pub confirming: bool,
    /// The note is still the stock phrase it opened with: what finance types replaces it
    /// (it was typed after it: "客户不需要发票客户电话说明…").
    pub stock: bool,
}

impl Decline {
    /// Before an edit: the stock phrase goes when typing or pasting starts; moving the
    /// caret keeps it, to be edited.
    fn edit(&mut self, key: Option<&KeyEvent>) {
        if !std::mem::take(&mut self.stock) {
            return;
        }
        // A character typed (not Ctrl-A or Ctrl-E, which move the caret), Backspace,
        // Delete, or a paste.
        let replaces = key.is_none_or(|k| {
            let typed = matches!(k.code, KeyCode::Char(_))
                && !k.modifiers.intersects(
                    crossterm::event::KeyModifiers::CONTROL | crossterm::event::KeyModifiers::ALT,
                );
            typed || matches!(k.code, KeyCode::Backspace | KeyCode::Delete)
        });
        if replaces {
            self.input.set_text("");
        }
    }
}

/// The state of the 开票 tab.
#[derive(Debug)]
pub struct Invoicing {
    /// Orders waiting for their invoice.
    pub queue: Rows<InvoicingItem>,
    /// Keeping them live.
    pub fetch: Fetch,
    /// The last outcome.
    pub notice: Option<Notice>,
    /// The open form.
    pub form: Option<InvoiceForm>,
    /// Forms closed with Esc, as typed, the latest last: opening the order again goes on
    /// with it (nothing typed is lost).
    pub kept: Vec<InvoiceForm>,
    /// The "no invoice" popup.
    pub decline: Option<Decline>,
    /// The "no invoice" popup as closed with Esc: `d` on the same order again goes on with
    /// what was typed.
    pub left_decline: Option<Decline>,
    /// The queue is to be asked again at once (an issue refused as stale).
    refetch: bool,
    /// What was last done to the open form's order, as its event said (issued, declined):
    /// said when the form closes for it.
    moved: Option<(String, Action)>,
    /// The order whose form closed before its event said what happened to it ("已不在待开
    /// 票列表：…或…"): the event, when it comes, says which.
    left_unsaid: Option<String>,
}

/// How many closed forms are kept.
const KEPT_FORMS: usize = 20;

impl Default for Invoicing {
    fn default() -> Self {
        Invoicing {
            queue: Rows::default(),
            fetch: Fetch::new(Some(REFRESH_SECONDS)).watching(OrderStatus::PendingInvoice),
            notice: None,
            form: None,
            kept: Vec::new(),
            decline: None,
            left_decline: None,
            moved: None,
            left_unsaid: None,
            refetch: false,
        }
    }
}

impl Invoicing {
    /// Checks the form and asks once more; `confirmed` (the `y` to that question, see
    /// [`InvoiceForm::key`]) issues it. An invoice is a tax record that only a red-letter
    /// one undoes: not issued by an `Enter` (or `Ctrl-S`) pressed twice.
    fn issue(&mut self, ctx: &mut Ctx<Request>, confirmed: bool) {
        let Some(form) = &mut self.form else {
            return;
        };
        if form.sending {
            return;
        }
        if !form.check() {
            form.confirming = false;
            // Said, with the fields by name: the caret moved to the first, and typing
            // there must not surprise anyone.
            self.notice = Self::fix_marked(form, ctx.lang);
            return;
        }
        // Corrected: the call to correct goes.
        if self
            .notice
            .as_ref()
            .is_some_and(|n| n.text.msg.text == T::FixMarkedFields)
        {
            self.notice = None;
        }
        if !form.confirming {
            form.confirming = true;
            return;
        }
        if !confirmed {
            return;
        }
        form.sending = true;
        ctx.ask(Request::Issue {
            order_no: form.order_no.clone(),
            body: IssueInvoice {
                version: Some(form.version),
                request: Some(form.input()),
            },
        });
    }

    /// "Correct the fields marked first: …", naming the fields still marked (none: no
    /// message). Worded now, in `lang`: a language switch hides it until asked again.
    fn fix_marked(form: &InvoiceForm, lang: Lang) -> Option<Notice> {
        let join = T::ListJoin.get(lang);
        let names: Vec<&str> = form
            .errors
            .iter()
            .filter_map(|(f, _)| form::label_of(f))
            .map(|t| t.get(lang))
            .collect();
        (!names.is_empty()).then(|| {
            Notice::error(crate::tui::text::compose(
                T::FixMarkedFields,
                &[&Text::plain(names.join(join))],
                lang,
            ))
        })
    }

    fn decline_key(&mut self, ctx: &mut Ctx<Request>, key: KeyEvent) {
        let Some(decline) = &mut self.decline else {
            return;
        };
        // Asked once more, as every action that cannot be undone
        // ([`crate::tui::keys::confirm`]).
        if decline.confirming && !decline.sending {
            use crate::tui::keys::Confirm;
            match crate::tui::keys::confirm(key) {
                Confirm::Send => {
                    decline.confirming = false;
                    decline.sending = true;
                    decline.error = None;
                    ctx.ask(Request::Decline {
                        order_no: decline.order_no.clone(),
                        body: ActionRequest {
                            version: Some(decline.version),
                            reason: Some(decline.input.text()),
                            ..ActionRequest::default()
                        },
                    });
                    return;
                }
                Confirm::Stay => return,
                Confirm::Back => {
                    decline.confirming = false;
                    return;
                }
                Confirm::Typing => decline.confirming = false,
            }
        }
        match key.code {
            KeyCode::Esc if decline.sending => {}
            KeyCode::Esc => {
                self.left_decline = self.decline.take().map(|mut d| {
                    d.error = None;
                    d
                });
            }
            KeyCode::Enter if decline.asked.is_some() && decline.input.text().trim().is_empty() => {
                decline.error = Some(T::InvoiceDeclineWhy.into());
            }
            KeyCode::Enter if !decline.sending => {
                decline.confirming = true;
                decline.error = None;
            }
            _ => {
                decline.edit(Some(&key));
                decline.input.key(key);
            }
        }
    }

    /// The open form against the queue just fetched: the order's new version taken while
    /// the customer's request is as the form has it; a request that arrived or changed
    /// meanwhile replaces what was typed, and finance is told (the form is never issued
    /// against a request it has not shown).
    fn follow_open_form(&mut self, ctx: &mut Ctx<Request>) {
        let Some(form) = self.form.as_mut().filter(|f| !f.sending) else {
            return;
        };
        let Some(item) = self.queue.find(&form.order_no) else {
            // Gone from the list meanwhile: invoiced by the customer on the phone or by a
            // colleague, or declined. Said, and the form closed: issuing it now would only
            // be answered with the invoice already there, as if this one made it.
            let order_no = form.order_no.clone();
            self.form = None;
            // What happened, when its event said (else the ways it can leave).
            let notice = Notice::warning(match self.moved.take() {
                Some((moved, action)) if moved == order_no => Text::with(
                    T::InvoiceLeftQueueFor,
                    [Arg::Plain(order_no), Arg::Text(action.text())],
                ),
                _ => {
                    self.left_unsaid = Some(order_no.clone());
                    Text::with(T::InvoiceLeftQueue, [order_no])
                }
            });
            ctx.signal(Signal::Interrupted(notice.clone()));
            self.notice = Some(notice);
            return;
        };
        if same_source(form.source.as_deref(), item) {
            form.version = item.order.version;
            return;
        }
        let order_no = form.order_no.clone();
        *form = InvoiceForm::new(item).with_seller(ctx.shared.seller_tax_number());
        let notice = Notice::warning(Text::with(T::InvoiceRequestArrived, [order_no]));
        ctx.signal(Signal::Interrupted(notice.clone()));
        self.notice = Some(notice);
    }

    fn issued(&mut self, ctx: &Env, order_no: &str, result: Result<crate::api::Order, ClientError>) {
        let lang = ctx.lang;
        let Some(form) = self.form.as_mut().filter(|f| f.order_no == order_no) else {
            return;
        };
        form.sending = false;
        form.confirming = false;
        match result {
            Ok(order) => {
                let number = order
                    .invoice
                    .as_ref()
                    .map(|i| i.invoice_no.clone())
                    .or(order.invoice_no.clone())
                    .unwrap_or_default();
                let invoice = order.invoice.as_ref();
                let email = invoice.map(|i| i.email.clone()).unwrap_or_default();
                let order_no = order_no.to_owned();
                // A number from the built-in sequence is no tax authority's: the clerk
                // must not read it to the customer as one.
                let mark = if ctx.shared.demo(DemoPart::Invoices) {
                    Arg::Text(T::DemoInvoiceMark)
                } else {
                    Arg::Plain(String::new())
                };
                self.form = None;
                // Off the queue at once, the selection on the row after it: the next
                // customer's request, whatever the refreshed queue brings later.
                self.queue.remove(&order_no);
                self.notice = Some(match invoice.and_then(|i| i.mail_status.as_deref()) {
                    Some("failed") => {
                        let why = invoice.and_then(|i| i.mail_detail.clone()).unwrap_or_default();
                        Notice::warning(Text::with(
                            T::InvoiceMailFailed,
                            [order_no.into(), number.into(), why.into(), mark],
                        ))
                    }
                    Some("waiting") => {
                        let why = invoice.and_then(|i| i.mail_detail.clone()).unwrap_or_default();
                        Notice::warning(Text::with(
                            T::InvoiceMailWaiting,
                            [order_no.into(), number.into(), why.into(), mark],
                        ))
                    }
                    Some("kept") => {
                        Notice::done(Text::with(
                        T::InvoiceKeptNotice,
                        [order_no.into(), number.into(), email.into(), mark],
                    ))
                    }
                    _ => Notice::done(Text::with(
                        T::InvoiceIssuedNotice,
                        [order_no.into(), number.into(), email.into(), mark],
                    )),
                });
            }
            Err(ClientError::Problem(problem)) if !problem.errors.is_empty() => {
                // The request's fields are named from the body's top (`request.…`); the
                // form's by their own names.
                let errors = problem
                    .errors
                    .iter()
                    .map(|e| {
                        let field = e.field.strip_prefix("request.").unwrap_or(&e.field);
                        (field.to_owned(), e.message.clone())
                    })
                    .collect();
                form.refused(errors, lang);
            }
            Err(e) => {
                // Changed meanwhile (the customer's request, most likely): the queue is
                // asked again, and the form follows it (`follow_open_form`).
                if e.problem().is_some_and(|p| p.status == 409) {
                    self.refetch = true;
                }
                self.notice = Some(Notice::error(describe(&e, lang)));
            }
        }
    }
}

impl Component for Invoicing {
    type Cmd = Cmd;
    type Request = Request;
    type Answer = Answer;

    fn title(&self) -> T {
        T::TabInvoicing
    }

    fn about(&self) -> T {
        T::AboutInvoicing
    }

    fn permission(&self) -> Permission {
        Permission::ViewOrders
    }

    fn home(&self, roles: &RoleSet) -> Option<u8> {
        roles.roles().contains(&Role::Finance).then_some(2)
    }

    fn counts(&self) -> Option<OrderStatus> {
        Some(OrderStatus::PendingInvoice)
    }

    fn shown(&mut self, ctx: &mut Ctx<Request>) {
        if let Some(seq) = self.fetch.tick(ctx.now, true) {
            ctx.ask(Request::Queue { seq });
        }
    }

    fn focus(&self) -> Focus {
        if self.decline.is_some() {
            Focus::Modal
        } else if self.form.as_ref().is_some_and(|f| f.typing()) {
            Focus::Field
        } else if self.form.is_some() {
            // The two choices take arrows and Space; letters do nothing there.
            Focus::Letters
        } else {
            Focus::Free
        }
    }

    fn bindings(&self, env: &Env) -> Vec<Binding<Cmd>> {
        keys::bindings(self, env)
    }

    fn command(&mut self, ctx: &mut Ctx<Request>, cmd: Cmd) {
        self.notice = None;
        let may = ctx.shared.permits(Permission::Act(Action::IssueInvoice));
        match cmd {
            Cmd::Move(motion) => self.queue.go(motion),
            Cmd::View => {
                if let Some(item) = self.queue.selected() {
                    ctx.signal(Signal::OpenOrder(item.order.order_no.to_string()));
                }
            }
            Cmd::Open => {
                if may && let Some(item) = self.queue.selected() {
                    let order_no = item.order.order_no.to_string();
                    let kept = self
                        .kept
                        .iter()
                        .position(|f| f.order_no == order_no)
                        .map(|i| self.kept.remove(i));
                    self.form = Some(match kept {
                        // Kept while nothing the customer asked changed: goes on as typed.
                        Some(mut kept) if same_source(kept.source.as_deref(), item) => {
                            kept.version = item.order.version;
                            // Said only when it holds what the operator typed.
                            kept.resumed = kept.input() != InvoiceForm::new(item).input();
                            kept.seller = ctx.shared.seller_tax_number().to_owned();
                            kept
                        }
                        // The customer asked (or asked again) meanwhile: their request wins,
                        // and finance is told that what they typed was set aside.
                        Some(_) => {
                            self.notice = Some(Notice::warning(Text::with(
                                T::InvoiceRequestArrived,
                                [order_no.clone()],
                            )));
                            InvoiceForm::new(item).with_seller(ctx.shared.seller_tax_number())
                        }
                        None => InvoiceForm::new(item).with_seller(ctx.shared.seller_tax_number()),
                    });
                }
            }
            Cmd::Decline => {
                if !may {
                    return;
                }
                let target = match &self.form {
                    Some(form) => Some((form.order_no.clone(), form.version)),
                    None => self
                        .queue
                        .selected()
                        .map(|i| (i.order.order_no.to_string(), i.order.version)),
                };
                if let Some((order_no, version)) = target {
                    let asked = self
                        .queue
                        .find(&order_no)
                        .and_then(|i| i.requested_via.clone());
                    // A customer who asked for an invoice is not declined with a stock
                    // phrase: the note says why, in finance's words.
                    let note = if asked.is_some() {
                        String::new()
                    } else {
                        T::InvoiceDeclinedNote.get(ctx.lang).to_owned()
                    };
                    // Closed with Esc before: what was typed comes back (on the order as
                    // it is now).
                    let same = |d: &Decline| d.order_no == order_no;
                    if let Some(mut left) = self.left_decline.take_if(|d| same(d)) {
                        left.version = version;
                        left.asked = asked;
                        self.decline = Some(left);
                        return;
                    }
                    self.decline = Some(Decline {
                        order_no,
                        version,
                        input: Input::new(&note),
                        sending: false,
                        error: None,
                        stock: !note.is_empty(),
                        asked,
                        confirming: false,
                    });
                }
            }
            Cmd::Issue => self.issue(ctx, false),
            Cmd::ConfirmIssue => self.issue(ctx, true),
            Cmd::Back => {
                if let Some(form) = &mut self.form {
                    if form.sending {
                        return;
                    }
                    if form.confirming {
                        form.confirming = false;
                        return;
                    }
                }
                if let Some(form) = self.form.take() {
                    self.notice = Some(Notice::info(Text::with(
                        T::InvoiceFormKept,
                        [form.order_no.clone()],
                    )));
                    self.kept.push(form);
                    if self.kept.len() > KEPT_FORMS {
                        self.kept.remove(0);
                    }
                }
            }
        }
    }

    fn key(&mut self, ctx: &mut Ctx<Request>, key: KeyEvent) -> bool {
        if self.decline.is_some() {
            self.decline_key(ctx, key);
            return true;
        }
        let Some(form) = &mut self.form else {
            return false;
        };
        let confirmed = form.confirming;
        if form.key(key) {
            self.issue(ctx, confirmed);
        } else if self
            .notice
            .as_ref()
            .is_some_and(|n| n.text.msg.text == T::FixMarkedFields)
        {
            // The call to correct follows the fields as they are corrected.
            self.notice = Self::fix_marked(form, ctx.lang);
        }
        true
    }

    fn paste(&mut self, _ctx: &mut Ctx<Request>, text: &str) -> bool {
        if let Some(decline) = &mut self.decline {
            decline.edit(None);
            decline.input.paste(text);
        } else if let Some(form) = &mut self.form {
            form.paste(text);
        } else {
            return false;
        }
        true
    }

    fn answer(&mut self, ctx: &mut Ctx<Request>, answer: Answer) {
        let lang = ctx.lang;
        match answer {
            Answer::Queue { seq, result } => {
                let (queue, again) = self.fetch.take(seq, result, lang, ctx.now);
                if let Some(queue) = queue {
                    // Read again: a passing trouble said before is over.
                    crate::tui::text::forget_offline(&mut self.notice);
                    self.queue.replace(queue.items);
                    self.follow_open_form(ctx);
                }
                if let Some(seq) = again {
                    ctx.ask(Request::Queue { seq });
                }
            }
            Answer::Issued { order_no, result } => {
                self.issued(ctx, &order_no, result);
                if std::mem::take(&mut self.refetch)
                    && let Some(seq) = self.fetch.ask(ctx.now)
                {
                    ctx.ask(Request::Queue { seq });
                }
            }
            Answer::Declined { order_no, result } => {
                let Some(decline) = self.decline.as_mut().filter(|d| d.order_no == order_no) else {
                    return;
                };
                decline.sending = false;
                match result {
                    Ok(_) => {
                        self.decline = None;
                        if self.form.as_ref().is_some_and(|f| f.order_no == order_no) {
                            self.form = None;
                        }
                        self.kept.retain(|f| f.order_no != order_no);
                        self.queue.remove(&order_no);
                        self.notice =
                            Some(Notice::done(Text::with(T::InvoiceDeclinedNotice, [order_no])));
                    }
                    // The order changed meanwhile (the customer asked for an invoice): the
                    // popup goes, the queue is asked again, and `d` opens it afresh on the
                    // order as it is — Enter again repeated the same refusal for ever.
                    Err(e) if e.problem().is_some_and(|p| p.code == "version_conflict") => {
                        self.decline = None;
                        self.notice = Some(Notice::warning(compose(
                            T::InvoiceDeclineChanged,
                            &[&describe(&e, lang)],
                            lang,
                        )));
                        if let Some(seq) = self.fetch.ask(ctx.now) {
                            ctx.ask(Request::Queue { seq });
                        }
                    }
                    Err(e) => decline.error = Some(describe(&e, lang)),
                }
            }
        }
    }

    fn live(&mut self, ctx: &mut Ctx<Request>, event: &Live) {
        // The event of an order whose form closed unsaid: what was done, in place of the
        // ways it could have gone.
        if let Live::Order(event) = event
            && self.left_unsaid.as_deref() == Some(event.order_no.as_str())
            && let Some(action) = event.action.as_deref().and_then(Action::parse)
        {
            self.left_unsaid = None;
            let said = Notice::warning(Text::with(
                T::InvoiceLeftQueueFor,
                [Arg::Plain(event.order_no.to_string()), Arg::Text(action.text())],
            ));
            if self
                .notice
                .as_ref()
                .is_some_and(|n| n.text.msg.text == T::InvoiceLeftQueue)
            {
                ctx.signal(Signal::Reworded(said.clone()));
                self.notice = Some(said);
            }
        }
        if let Live::Order(event) = event
            && let Some(form) = &self.form
            && form.order_no == event.order_no.as_str()
            && let Some(action) = event.action.as_deref().and_then(Action::parse)
        {
            self.moved = Some((form.order_no.clone(), action));
        } else if let Live::Order(event) = event
            && self
                .moved
                .as_ref()
                .is_some_and(|(no, _)| no == event.order_no.as_str())
            && self.form.is_none()
        {
            // Its form closed meanwhile: what was done to it says nothing of the next.
            self.moved = None;
        }
        // "Invoice issued" for an invoice reversed since (in 待办订单, or by a colleague):
        // no longer true, it goes.
        if let Live::Order(event) = event
            && event.action.as_deref() == Some(Action::ReverseInvoice.as_str())
            && self.notice.as_ref().is_some_and(|n| {
                matches!(
                    n.text.msg.text,
                    T::InvoiceIssuedNotice
                        | T::InvoiceKeptNotice
                        | T::InvoiceMailWaiting
                        | T::InvoiceMailFailed
                ) && matches!(n.text.msg.args.first(), Some(Arg::Plain(no)) if no == event.order_no.as_str())
            })
        {
            self.notice = None;
        }
        if matches!(event, Live::Resumed) {
            crate::tui::text::forget_offline(&mut self.notice);
        }
        // The platform's facts arrived (after a form opened, on a reconnect): its forms
        // know the CA's own tax number from now on.
        if matches!(event, Live::Platform) {
            let seller = ctx.shared.seller_tax_number().to_owned();
            for form in self.form.iter_mut().chain(self.kept.iter_mut()) {
                form.seller.clone_from(&seller);
            }
        }
        if matches!(event, Live::Language) {
            // The platform's words under a field go, as the message line's do.
            for form in self.form.iter_mut().chain(self.kept.iter_mut()) {
                form.errors.retain(|(_, text)| !text.stale_in(ctx.lang));
            }
            for decline in self.decline.iter_mut().chain(self.left_decline.iter_mut()) {
                crate::tui::text::drop_stale(&mut decline.error, ctx.lang);
            }
        }
        if let Some(seq) = self.fetch.live(event, ctx.now, ctx.shown) {
            ctx.ask(Request::Queue { seq });
        }
    }

    fn tick(&mut self, ctx: &mut Ctx<Request>) {
        if let Some(seq) = self.fetch.tick(ctx.now, ctx.shown) {
            ctx.ask(Request::Queue { seq });
        }
    }

    fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    fn draw(&self, frame: &mut ratatui::Frame, area: ratatui::layout::Rect, view: &View) {
        view::draw(self, frame, area, view);
    }

    fn run(request: Request, net: &Net) -> Option<BoxFuture<'static, Answer>> {
        messages::run(request, net)
    }
}
