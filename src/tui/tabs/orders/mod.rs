//! The 待办订单 tab: every order, filtered by status and searched by order number, phone
//! (or its last digits), name or ID number, newest or oldest first, loaded a page at a
//! time and kept live (a change anywhere patches its row; a patch that cannot be fetched
//! marks the list stale and reloads it). Enter opens an order: its data, the actions this
//! operator may take, its timeline newest first, its tracking and attachments.

mod detail;
mod form;
pub mod keys;
pub mod messages;
mod view;

use crossterm::event::KeyEvent;
use futures_util::future::BoxFuture;

pub use form::{Field, Form, FormKind};
pub use keys::Cmd;
pub use messages::{Answer, Request};

use crate::api::{HistoryEntry, Order, OrderQuery, OrderSummary, Tracking};
use crate::domain::{Action, OrderStatus, Permission, Role, RoleSet};
use crate::i18n::{Arg, T};
use crate::tui::component::{Component, Ctx, Env, Live, Signal, View};
use crate::tui::keys::{Binding, Focus};
use crate::tui::list::{Fetch, Motion, Rows};
use crate::tui::net::Net;
use crate::tui::print::printed_notice;
use crate::tui::text::{Notice, Text, describe};
use crate::tui::widgets::input::Input;

/// How many rows a page asks for.
pub const PAGE: i64 = 100;

/// The tab as the frame holds it.
pub fn tab(_init: &crate::tui::component::Init) -> Box<dyn crate::tui::component::Tab> {
    crate::tui::component::tab(Orders::default())
}

/// Seconds before an order that could not be read for a passing reason is read again.
const DETAIL_RETRY_SECONDS: i64 = 5;

/// An open order.
#[derive(Debug, Default)]
pub struct Detail {
    /// Its number.
    pub order_no: String,
    /// The order, once loaded.
    pub order: Option<Order>,
    /// Its audit trail, oldest first as the platform sends it.
    pub history: Vec<HistoryEntry>,
    /// Being fetched.
    pub loading: bool,
    /// Why the fetch failed.
    pub error: Option<Text>,
    /// Lines scrolled.
    pub scroll: u16,
    /// Where the parcel is (mailed orders), or why that is not known.
    pub tracking: Option<Result<Tracking, Text>>,
    /// When to read it again by itself: the platform was out of reach or busy a moment
    /// (a database blip), and the view is not left saying so until `Ctrl-R`.
    pub retry_at: Option<time::OffsetDateTime>,
    /// Rows the view has and lines it drew (for paging and the end of scrolling).
    pub(crate) geometry: std::cell::Cell<(u16, u16)>,
}

impl Detail {
    /// Whether its parcel's tracking is typed in by the mailroom (nothing outside to ask).
    pub fn tracking_is_manual(&self) -> bool {
        self.tracking
            .as_ref()
            .is_some_and(|t| t.as_ref().is_ok_and(|t| t.provider == "manual"))
    }
}

/// The state of the 待办订单 tab.
#[derive(Debug)]
pub struct Orders {
    /// The loaded rows.
    pub rows: Rows<OrderSummary>,
    /// Keeping them live.
    pub fetch: Fetch,
    /// Where the next page starts.
    pub next_cursor: Option<String>,
    /// What the last answer to a search said of imported orders not yet searchable.
    pub search_indexing: Option<crate::api::SearchIndexing>,
    /// A next page is on its way.
    pub more: bool,
    /// Only this status.
    pub status: Option<OrderStatus>,
    /// Search text.
    pub query: String,
    /// Oldest first instead of newest first.
    pub oldest_first: bool,
    /// Only orders the customers submitted on their own platform.
    pub online_only: bool,
    /// The open order.
    pub detail: Option<Detail>,
    /// The action popup.
    pub form: Option<Form>,
    /// A form closed with Esc with something typed in it: opened again as it was left
    /// (the same kind, on the same order).
    pub left_form: Option<Form>,
    /// The order whose correction form opens once it is shown in full (`e` on a masked
    /// order reveals it first).
    pub edit_after_reveal: Option<String>,
    /// The order whose correction form, refused because the order changed meanwhile, is
    /// brought up to date once the order is read again in full.
    pub rebase_after_reveal: Option<String>,
    /// The `/` search line, while typed.
    pub search: Option<Input>,
    /// The last outcome.
    pub notice: Option<Notice>,
    /// A search for a mobile number that found no order: who has it, where they stand on
    /// their own platform, how the number's sign-in stands.
    pub caller: Option<messages::CallerCard>,
    /// `Enter` was pressed before the answer to a new search was in (keys typed ahead, a
    /// slow link): the answer's selected order opens once it is, not a row of the last one.
    pub open_on_answer: bool,
    /// The list was asked a new question by the clerk (a search, a filter, the order):
    /// its answer is shown from its first row, not from where the last answer's cursor
    /// was (a search after `G` opened at the bottom of its results).
    pub top_on_answer: bool,
    /// The order on screen was opened from another tab (`:order`, a signal): closing it
    /// goes back there.
    pub opened_elsewhere: bool,
}

impl Default for Orders {
    fn default() -> Self {
        Orders {
            rows: Rows::default(),
            fetch: Fetch::new(None),
            next_cursor: None,
            search_indexing: None,
            more: false,
            status: None,
            query: String::new(),
            oldest_first: false,
            online_only: false,
            detail: None,
            form: None,
            left_form: None,
            edit_after_reveal: None,
            rebase_after_reveal: None,
            search: None,
            notice: None,
            caller: None,
            open_on_answer: false,
            top_on_answer: false,
            opened_elsewhere: false,
        }
    }
}

impl Orders {
    /// The query for a page after `cursor`.
    pub fn query(&self, cursor: Option<String>) -> OrderQuery {
        OrderQuery {
            status: self.status.map(|s| s.as_str().to_owned()),
            q: Some(self.query.trim().to_owned()).filter(|q| !q.is_empty()),
            sort: Some(if self.oldest_first { "oldest" } else { "newest" }.into()),
            channel: self
                .online_only
                .then(|| crate::domain::Channel::Online.as_str().to_owned()),
            cursor,
            limit: Some(PAGE),
            ..Default::default()
        }
    }

    /// Loads the list from its first page (a new query: answers to the old are dropped).
    fn reload(&mut self, ctx: &mut Ctx<Request>) {
        let seq = self.fetch.restart(ctx.now);
        self.more = false;
        self.caller = None;
        if std::mem::take(&mut self.open_on_answer) && self.notice == Some(Notice::working()) {
            self.notice = None;
        }
        ctx.ask(Request::Page {
            seq,
            query: self.query(None),
            append: false,
        });
    }

    /// Asks the list a new question of the clerk's: [`Orders::reload`], its answer shown
    /// from the top.
    fn ask_anew(&mut self, ctx: &mut Ctx<Request>) {
        self.top_on_answer = true;
        self.reload(ctx);
    }

    /// Fetches the next page when the selection nears the end of what is loaded.
    fn maybe_load_more(&mut self, ctx: &mut Ctx<Request>) {
        if self.rows.near_end(10) && !self.more && !self.fetch.busy() && self.next_cursor.is_some()
        {
            self.more = true;
            ctx.ask(Request::Page {
                seq: self.fetch.seq(),
                query: self.query(self.next_cursor.clone()),
                append: true,
            });
        }
    }

    /// Opens an order by number, whether or not it is in the list.
    pub fn open(&mut self, ctx: &mut Ctx<Request>, order_no: &str) {
        // A message about another order does not stay on screen.
        self.notice = None;
        self.form = None;
        self.detail = Some(Detail {
            order_no: order_no.to_owned(),
            loading: true,
            ..Default::default()
        });
        ctx.ask(Request::Detail {
            order_no: order_no.to_owned(),
            reveal: false,
        });
    }

    fn open_form(&mut self, ctx: &Ctx<Request>, kind: FormKind) {
        let Some(order) = self.detail.as_ref().and_then(|d| d.order.as_ref()) else {
            return;
        };
        self.notice = None;
        // Another order's or another kind's is not dropped by asking for this one.
        let same = |f: &Form| f.kind == kind && f.order_no == order.order_no;
        // An action's form left while the order changed: made again for the order as it
        // is now (what it names, its version), what was typed kept, and that said.
        let changed = matches!(kind, FormKind::Act(_))
            && self
                .left_form
                .as_ref()
                .is_some_and(|f| same(f) && f.version != order.version);
        let typed: Vec<(&'static str, String)> = if changed {
            self.left_form
                .take()
                .map(|left| {
                    left.fields
                        .iter()
                        .map(|f| (f.key, f.input.text().to_owned()))
                        .collect()
                })
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        if let Some(mut left) = self.left_form.take_if(|f| same(f)) {
            left.submitting = false;
            left.error = None;
            if kind == FormKind::Edit && left.version != order.version {
                // The order changed since: what was typed stays, the fields left alone take
                // the change (sent as they were, they would undo it), and that is said.
                left.rebase_and_say(order, ctx.lang);
            } else if kind == FormKind::Edit {
                // A correction reopened is said to be the one left, with the way back.
                left.error = Some(Text::from(T::EditResumed));
            } else {
                left.mark_kept_path();
            }
            left.version = order.version;
            self.form = Some(left);
            return;
        }
        if kind == FormKind::Edit {
            self.form = Some(Form::edit(order));
            return;
        }
        let mut form = Form::new(
            kind,
            &order.order_no,
            order.version,
            ctx.lang,
            &ctx.env.shared.carriers,
        );
        for field in &mut form.fields {
            if let Some((_, text)) = typed.iter().find(|(key, _)| *key == field.key) {
                field.input = crate::tui::widgets::input::Input::new(text);
            }
        }
        if changed {
            form.error = Some(Text::from(T::FormOrderChanged));
            form.mark_kept_path();
        }
        // A reversal names the invoice it cancels: its number, buyer and amount.
        if kind == FormKind::Act(Action::ReverseInvoice)
            && let (Some(invoice), Some(field)) = (&order.invoice, form.fields.first_mut())
        {
            field.hint = Some(Text::with(
                T::HintReverseInvoiceOf,
                [
                    invoice.invoice_no.clone(),
                    invoice.buyer_name.clone(),
                    crate::tui::format::money(invoice.total_fen),
                ],
            ));
        }
        self.form = Some(form);
    }

    /// Brings one row up to date after an event: replaced, removed when it no longer
    /// matches the filter, or added when new and it belongs in what is loaded. A row
    /// older than the one shown (an answer overtaken by a later event) changes nothing.
    fn patch(&mut self, order_no: &str, row: Option<OrderSummary>) {
        if let (Some(new), Some(shown)) = (&row, self.rows.find(order_no))
            && new.version < shown.version
        {
            return;
        }
        let admits = |row: &OrderSummary| {
            self.status.is_none_or(|f| f == row.status)
                && (!self.online_only || row.channel == crate::domain::Channel::Online)
        };
        match row {
            Some(row) if admits(&row) => {
                if self.rows.find(order_no).is_some() {
                    self.rows.update(row);
                } else if self.query.is_empty() && self.fetch.loaded {
                    let oldest = self.oldest_first;
                    let before = |other: &OrderSummary| {
                        if oldest {
                            other.order_no < row.order_no
                        } else {
                            other.order_no > row.order_no
                        }
                    };
                    let at = self.rows.items().iter().take_while(|r| before(r)).count();
                    // Past the loaded rows it comes with the next page.
                    if at < self.rows.len() || self.next_cursor.is_none() {
                        self.rows.insert(at, row);
                    }
                }
            }
            _ => {
                self.rows.remove(order_no);
            }
        }
    }

    fn scroll(&mut self, motion: Motion) {
        let Some(detail) = &mut self.detail else {
            return;
        };
        let (rows, lines) = detail.geometry.get();
        let max = lines.saturating_sub(rows);
        let page = rows.max(1);
        detail.scroll = match motion {
            Motion::Up => detail.scroll.saturating_sub(1),
            Motion::Down => detail.scroll.saturating_add(1),
            Motion::PageUp => detail.scroll.saturating_sub(page),
            Motion::PageDown => detail.scroll.saturating_add(page),
            Motion::Top => 0,
            Motion::Bottom => max,
        }
        .min(max);
    }

    fn finish(&mut self, ctx: &mut Ctx<Request>, order_no: &str, order: Option<Order>, done: Text) {
        if self.form.as_ref().is_some_and(|f| f.order_no == order_no) {
            self.form = None;
        }
        self.notice = Some(Notice::done(crate::tui::text::compose(
            T::ActionDone,
            &[&done, &Text::plain(order_no)],
            ctx.lang,
        )));
        if let Some(detail) = self.detail.as_mut().filter(|d| d.order_no == order_no) {
            if let Some(order) = order {
                detail.order = Some(order);
            }
            ctx.ask(Request::Detail {
                order_no: order_no.to_owned(),
                reveal: false,
            });
        }
    }
}

impl Orders {
    /// The mobile number searched for, when the search is one (a caller's number).
    fn searched_phone(&self) -> Option<crate::domain::Phone> {
        crate::domain::Phone::parse(self.query.trim()).ok()
    }

    /// The key of an action the open order's status has, pressed by an operator whose roles
    /// may not do it: says whose it is, rather than nothing (a support agent pressing `a`
    /// learns that approving is the reviewer's), and what the caller may do themselves; an
    /// action's key the order's status rules out says that.
    fn not_for_role(&mut self, ctx: &mut Ctx<Request>, key: KeyEvent) -> bool {
        let crossterm::event::KeyCode::Char(c) = key.code else {
            return false;
        };
        let Some(order) = self.detail.as_ref().and_then(|d| d.order.as_ref()) else {
            return false;
        };
        let shared = ctx.env.shared;
        let Some(me) = shared.me.as_ref().filter(|_| !shared.read_only) else {
            return false;
        };
        let lang = ctx.env.lang;
        let action = crate::domain::TRANSITIONS.iter().find_map(|&(action, from, _)| {
            (from == order.status
                && action != Action::IssueInvoice
                && keys::action_key(action) == c
                && !shared.permits(Permission::Act(action)))
            .then_some(action)
        });
        // The order view's other keys of other roles: correcting the order, reading it in
        // full, printing its form.
        let (label, permission) = match (action, c) {
            (Some(action), _) => (action.label(lang).to_owned(), Permission::Act(action)),
            // `n` is "next" elsewhere (the next customer, the next order to review): a note
            // is `N` here, and the next customer is in 新申请 — said, not nothing.
            (None, 'n') => {
                self.notice = Some(Notice::warning(Text::from(T::NoteIsCapitalN)));
                return true;
            }
            // Completed or cancelled: nothing to correct, whoever asks (it said nothing).
            (None, 'e') if order.status.is_final() => {
                self.notice = Some(Notice::warning(Text::with(
                    T::EditFinalOrder,
                    [order.status.short_text().get(lang).to_owned()],
                )));
                return true;
            }
            // An action's key where the lifecycle does not allow it now (`c` on a completed
            // order): said as the platform would say it, not ignored.
            (None, c)
                if let Some(refused) = Action::ALL.into_iter().find(|&a| {
                    a != Action::IssueInvoice
                        && !a.is_provider_only()
                        && keys::action_key(a) == c
                        && crate::domain::next_status(a, order.status).is_none()
                }) =>
            {
                self.notice = Some(Notice::warning(Text::with(
                    T::ProblemInvalidTransition,
                    [
                        order.order_no.to_string(),
                        order.status.short_text().get(lang).to_owned(),
                        refused.label(lang).to_owned(),
                    ],
                )));
                return true;
            }
            // Mailed, nothing left to correct (a clerk, who may correct): why not.
            (None, 'e')
                if shared.permits(Permission::EditOrders)
                    && order.editable.is_empty()
                    && order.shipment.is_some() =>
            {
                self.notice = Some(Notice::warning(Text::from(T::EditMailed)));
                return true;
            }
            (None, 'e') if !shared.permits(Permission::EditOrders) => {
                (T::CmdEditOrder.get(lang).to_owned(), Permission::EditOrders)
            }
            (None, 'R')
                if !order.revealed
                    && !shared.permits(Permission::RevealPersonalData)
                    && !shared.permits(Permission::RevealContact) =>
            {
                (T::CmdReveal.get(lang).to_owned(), Permission::RevealPersonalData)
            }
            (None, 'f')
                if !order.status.is_final() && !shared.permits(Permission::RevealPersonalData) =>
            {
                (T::ActionPrintForm.get(lang).to_owned(), Permission::RevealPersonalData)
            }
            // Taking the payment is the counter's (support texts the link to pay, `L`).
            (None, 'p')
                if matches!(
                    order.status,
                    crate::domain::OrderStatus::PendingPayment
                        | crate::domain::OrderStatus::PendingVoucher
                ) && !shared.permits(Permission::CreateOrders) =>
            {
                (T::ActionCollect.get(lang).to_owned(), Permission::CreateOrders)
            }
            _ => return false,
        };
        let whose: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.permits(permission))
            .collect();
        let mut text = Text::with(
            T::ActionNotForRole,
            [
                label,
                crate::tui::component::role_names(&whose, lang),
                crate::tui::component::role_names(&me.roles, lang),
            ],
        );
        // An address the caller wants changed: they may change it on their own order page
        // until it is mailed; mailed, it comes back first. An order they no longer want:
        // they may cancel it there as well, while the table lets it be cancelled.
        if permission == Permission::EditOrders {
            let said = if order.shipment.is_some() {
                T::EditNotForRoleMailed
            } else {
                T::EditNotForRoleSelfService
            };
            text = Text::with(said, [text.get(lang)]);
        } else if permission == Permission::Act(Action::Cancel) {
            text = Text::with(T::CancelNotForRoleSelfService, [text.get(lang)]);
        }
        // Role names are worded now: after a language switch the notice is not shown.
        text.worded_in = Some(lang);
        self.notice = Some(Notice::error(text));
        true
    }
}

impl Component for Orders {
    type Cmd = Cmd;
    type Request = Request;
    type Answer = Answer;

    fn title(&self) -> T {
        T::TabOrders
    }

    fn about(&self) -> T {
        T::AboutOrders
    }

    fn permission(&self) -> Permission {
        Permission::ViewOrders
    }

    fn home(&self, roles: &RoleSet) -> Option<u8> {
        [Role::Support, Role::Admin]
            .iter()
            .any(|r| roles.roles().contains(r))
            .then_some(1)
    }

    fn start(&mut self, ctx: &mut Ctx<Request>) {
        self.reload(ctx);
    }

    fn shown(&mut self, ctx: &mut Ctx<Request>) {
        if let Some(seq) = self.fetch.tick(ctx.now, true) {
            ctx.ask(Request::Page {
                seq,
                query: self.query(None),
                append: false,
            });
        }
    }

    fn focus(&self) -> Focus {
        if self.form.is_some() || self.search.is_some() {
            Focus::Modal
        } else {
            Focus::Free
        }
    }

    fn bindings(&self, env: &Env) -> Vec<Binding<Cmd>> {
        keys::bindings(self, env)
    }

    fn command(&mut self, ctx: &mut Ctx<Request>, cmd: Cmd) {
        match cmd {
            Cmd::Move(motion) if self.detail.is_some() => self.scroll(motion),
            Cmd::Move(motion) => {
                self.rows.go(motion);
                self.maybe_load_more(ctx);
            }
            Cmd::Open => {
                self.opened_elsewhere = false;
                if !self.fetch.answers_question() {
                    self.open_on_answer = true;
                    self.notice = Some(Notice::working());
                } else if let Some(no) = self.rows.selected_key() {
                    self.open(ctx, &no);
                }
            }
            Cmd::Back => {
                // Opened from another tab (`:order`): back there, where the operator was.
                if self.detail.take().is_some() && std::mem::take(&mut self.opened_elsewhere) {
                    ctx.signal(Signal::Return);
                }
                self.notice = None;
            }
            // Empty: the next search is most often for the next caller, not a refinement.
            Cmd::Search => {
                self.detail = None;
                self.opened_elsewhere = false;
                self.search = Some(Input::new(""));
                // A new search: an Enter typed ahead of the last one's answer is dropped.
                if std::mem::take(&mut self.open_on_answer) && self.notice == Some(Notice::working())
                {
                    self.notice = None;
                }
            }
            Cmd::ClearSearch => {
                self.query.clear();
                self.status = None;
                self.online_only = false;
                self.ask_anew(ctx);
            }
            Cmd::ToggleOnline => {
                self.online_only = !self.online_only;
                self.ask_anew(ctx);
            }
            Cmd::Filter(status) => {
                self.status = status;
                self.ask_anew(ctx);
            }
            Cmd::ToggleSort => {
                self.oldest_first = !self.oldest_first;
                self.ask_anew(ctx);
            }
            Cmd::Reveal => {
                if let Some(detail) = &mut self.detail {
                    detail.loading = true;
                    ctx.ask(Request::Detail {
                        order_no: detail.order_no.clone(),
                        reveal: true,
                    });
                }
            }
            // A review decision is taken where orders are reviewed (the scans beside it, the
            // checklist of reasons the customer reads): one way to approve or return.
            Cmd::Act(action)
                if action.is_review_decision()
                    && let Some(order_no) = self
                        .detail
                        .as_ref()
                        .filter(|d| {
                            d.order
                                .as_ref()
                                .is_some_and(|o| o.status == OrderStatus::PendingReview)
                        })
                        .map(|d| d.order_no.clone()) =>
            {
                ctx.signal(Signal::ReviewOrder(order_no));
            }
            Cmd::Act(action) => self.open_form(ctx, FormKind::Act(action)),
            Cmd::Note => self.open_form(ctx, FormKind::Note),
            Cmd::Edit => {
                let Some(detail) = &mut self.detail else {
                    return;
                };
                match &detail.order {
                    Some(order) if order.revealed => self.open_form(ctx, FormKind::Edit),
                    Some(_) => {
                        // The form starts from the address in full: shown (and recorded)
                        // first, then the form opens.
                        detail.loading = true;
                        self.edit_after_reveal = Some(detail.order_no.clone());
                        self.notice = Some(Notice::info(Text::from(T::EditRevealFirst)));
                        ctx.ask(Request::Detail {
                            order_no: detail.order_no.clone(),
                            reveal: true,
                        });
                    }
                    None => {}
                }
            }
            Cmd::TrackingStep => self.open_form(ctx, FormKind::TrackingStep),
            Cmd::CallerLoginCode => match self.caller.as_ref().map(|c| c.customer.as_ref()) {
                Some(Some((customer, _))) => {
                    self.notice = Some(Notice::working());
                    ctx.ask(Request::SendLoginCode {
                        order_no: String::new(),
                        customer_id: customer.id.clone(),
                    });
                }
                // Locked: the sign-in page gives no code before the lock is over either.
                Some(None) => {
                    let until = self
                        .caller
                        .as_ref()
                        .and_then(|c| c.sign_in.locked_until.as_deref())
                        .and_then(crate::tui::format::over_by);
                    self.notice = Some(Notice::info(match until {
                        Some(until) => Text::with(T::CallerNoCustomerLocked, [until]),
                        None => Text::from(T::CallerNoCustomerForCode),
                    }));
                }
                None => {}
            },
            Cmd::SendPaymentLink | Cmd::SendLoginCode => {
                if let Some(order) = self.detail.as_ref().and_then(|d| d.order.as_ref()) {
                    let order_no = order.order_no.to_string();
                    self.notice = Some(Notice::working());
                    ctx.ask(if cmd == Cmd::SendPaymentLink {
                        Request::SendPaymentLink { order_no }
                    } else {
                        Request::SendLoginCode {
                            order_no,
                            customer_id: order.customer_id.clone(),
                        }
                    });
                }
            }
            Cmd::CollectPayment => {
                if let Some(order) = self.detail.as_ref().and_then(|d| d.order.clone()) {
                    ctx.signal(Signal::CollectPayment(Box::new(order)));
                }
            }
            Cmd::PrintNotice | Cmd::PrintForm | Cmd::PrintReceipt => {
                if let Some(detail) = &self.detail {
                    self.notice = Some(Notice::working());
                    let order_no = detail.order_no.clone();
                    ctx.ask(match cmd {
                        Cmd::PrintForm => Request::PrintForm { order_no },
                        Cmd::PrintReceipt => Request::PrintReceipt { order_no },
                        _ => Request::PrintNotice { order_no },
                    });
                }
            }
            Cmd::PrintInvoice => {
                let invoice = self.detail.as_ref().and_then(|d| {
                    let order = d.order.as_ref()?;
                    // The invoice that counts; after a reversal, the red one (the latest).
                    let current = order.invoice.as_ref().and_then(|i| i.attachment_id.clone());
                    let latest = || {
                        order
                            .attachments
                            .iter()
                            .rev()
                            .find(|a| a.kind == crate::api::AttachmentKind::Invoice)
                            .map(|a| a.id.clone())
                    };
                    let id = current.or_else(latest)?;
                    // Saved under its own name (红字…, its number), not one for every print.
                    let name = order
                        .attachments
                        .iter()
                        .find(|a| a.id == id)
                        .map(|a| a.filename.clone())?;
                    Some((d.order_no.clone(), id, name))
                });
                if let Some((order_no, attachment_id, file_name)) = invoice {
                    self.notice = Some(Notice::working());
                    ctx.ask(Request::PrintInvoice {
                        order_no,
                        attachment_id,
                        file_name,
                    });
                }
            }
            Cmd::Tracking => {
                if let Some(detail) = &mut self.detail {
                    // Typed in by the mailroom: nothing outside to ask, so say how it changes.
                    if detail.tracking_is_manual() {
                        let ships = ctx
                            .env
                            .shared
                            .permits(crate::domain::Permission::Act(Action::Ship));
                        self.notice = Some(Notice::warning(Text::from(if ships {
                            T::TrackingManualHint
                        } else {
                            T::TrackingManualNote
                        })));
                    }
                    detail.tracking = None;
                    ctx.ask(Request::Tracking {
                        order_no: detail.order_no.clone(),
                    });
                }
            }
        }
    }

    fn key(&mut self, ctx: &mut Ctx<Request>, key: KeyEvent) -> bool {
        if let Some(mut input) = self.search.take() {
            match key.code {
                crossterm::event::KeyCode::Esc => {
                    // The prompt's own complaint goes with the prompt.
                    if self.notice == Some(Notice::error(T::SearchDigitsTooFew)) {
                        self.notice = None;
                    }
                }
                crossterm::event::KeyCode::Enter => {
                    let typed = input.text().trim().to_owned();
                    // 1–3 digits are the end of no phone or order number the search takes:
                    // ask for more instead of answering "no orders".
                    let digits: String = crate::domain::normalize_width(&typed)
                        .chars()
                        .filter(|c| !matches!(c, ' ' | '-'))
                        .collect();
                    if (1..4).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit())
                    {
                        self.notice = Some(Notice::error(T::SearchDigitsTooFew));
                        self.search = Some(input);
                        return true;
                    }
                    self.notice = None;
                    self.query = typed;
                    self.detail = None;
                    self.ask_anew(ctx);
                }
                _ => {
                    input.key(key);
                    self.search = Some(input);
                }
            }
            return true;
        }
        if let Some(form) = self.form.take() {
            match form::key(form, key, ctx) {
                form::Outcome::Open(form) => self.form = Some(*form),
                form::Outcome::Closed(form) => {
                    // One sent and waiting is not kept: opened again it would be sent twice.
                    // Nor is the reason of one that cannot be undone: what stray keys typed
                    // into it must not go out with the next one.
                    let irreversible =
                        matches!(form.kind, FormKind::Act(action) if action.is_irreversible());
                    if form.has_typing() && !form.submitting && !irreversible {
                        self.left_form = Some(*form);
                    }
                }
                form::Outcome::Sent(form, request) => {
                    self.form = Some(*form);
                    ctx.ask(*request);
                }
            }
            return true;
        }
        self.not_for_role(ctx, key)
    }

    fn paste(&mut self, _ctx: &mut Ctx<Request>, text: &str) -> bool {
        if let Some(form) = &mut self.form {
            form::paste(form, text);
        } else if let Some(input) = &mut self.search {
            input.paste(text);
        } else {
            // Pasting into the list is a search.
            let mut input = Input::new("");
            input.paste(text);
            self.search = Some(input);
        }
        true
    }

    fn click(&mut self, ctx: &mut Ctx<Request>, row: u16) {
        // Row 0 is the filter line, row 1 the header.
        if self.detail.is_some() || row < 2 {
            return;
        }
        let index = self.rows.offset() + usize::from(row - 2);
        if index >= self.rows.len() {
            return;
        }
        if index == self.rows.selected_index() {
            self.command(ctx, Cmd::Open);
        } else {
            self.rows.select_index(index);
        }
    }

    fn answer(&mut self, ctx: &mut Ctx<Request>, answer: Answer) {
        let lang = ctx.lang;
        match answer {
            Answer::Page {
                seq,
                append,
                result,
            } => {
                if append {
                    if seq == self.fetch.seq() {
                        self.more = false;
                        if let Ok(page) = result {
                            self.rows.extend(page.items);
                            self.next_cursor = page.next_cursor;
                            self.search_indexing = page.search_indexing;
                        }
                    }
                    return;
                }
                let current = seq == self.fetch.seq();
                let refused = current && result.as_ref().is_err_and(|e| !e.is_transient());
                let (page, again) = self.fetch.take(seq, result, lang, ctx.now);
                if refused {
                    // The question itself was refused (a search too broad): the rows of
                    // the previous question would read as its answer.
                    self.rows.replace(Vec::new());
                    self.next_cursor = None;
                    self.search_indexing = None;
                }
                if let Some(page) = page {
                    // Read again: a passing trouble said before is over.
                    crate::tui::text::forget_offline(&mut self.notice);
                    // A mobile number: who has it and how its sign-in stands are asked
                    // for — the card of a caller with no order yet (stuck at the start of
                    // an application on their phone), and beside a caller's orders the
                    // lock that keeps them off their own pages.
                    if let Some(phone) = self.searched_phone()
                        && ctx.env.shared.permits(Permission::ViewOrders)
                    {
                        ctx.ask(Request::Caller {
                            seq,
                            phone: phone.as_str().to_owned(),
                        });
                    }
                    self.rows.replace(page.items);
                    if current && std::mem::take(&mut self.top_on_answer) {
                        self.rows.to_top();
                    }
                    self.next_cursor = page.next_cursor;
                    self.search_indexing = page.search_indexing;
                }
                // `Enter` typed ahead of this answer: its order now (none when the answer
                // failed or found nothing: the list says which).
                if current && std::mem::take(&mut self.open_on_answer) {
                    if self.notice == Some(Notice::working()) {
                        self.notice = None;
                    }
                    // The answer's first order: what the clerk would have seen at the top
                    // (not a row kept selected from the list before).
                    self.rows.select_index(0);
                    if self.fetch.answers_question()
                        && let Some(no) = self.rows.selected_key()
                    {
                        self.open(ctx, &no);
                    }
                }
                if let Some(seq) = again {
                    ctx.ask(Request::Page {
                        seq,
                        query: self.query(None),
                        append: false,
                    });
                }
            }
            Answer::Row { order_no, result } => match result {
                Ok(row) => self.patch(&order_no, row),
                // The change cannot be shown row by row: the whole list is fetched again,
                // and marked stale until it is.
                Err(_) => {
                    if let Some(seq) = self.fetch.lost_update(ctx.now, true) {
                        ctx.ask(Request::Page {
                            seq,
                            query: self.query(None),
                            append: false,
                        });
                    }
                }
            },
            Answer::Detail { order_no, result } => {
                let Some(detail) = self.detail.as_mut().filter(|d| d.order_no == order_no) else {
                    return;
                };
                detail.loading = false;
                match result {
                    Ok((order, history)) => {
                        // Where a parcel is, of the parcel the order has now: a returned
                        // one's goes with it, and a parcel mailed again is asked about anew.
                        let other_parcel = match (&order.shipment, &detail.tracking) {
                            (None, _) => true,
                            (Some(shipment), Some(Ok(tracking))) => {
                                tracking.tracking_no != shipment.tracking_no
                            }
                            _ => false,
                        };
                        if other_parcel {
                            detail.tracking = None;
                        }
                        // Mailed orders show where the parcel is (cached on the platform:
                        // asking again is cheap) — again whenever the order is read again
                        // (a step the mailroom typed in changed the order: the block said
                        // "no tracking events yet" beside the history naming it).
                        if order.shipment.is_some() {
                            ctx.ask(Request::Tracking {
                                order_no: order.order_no.to_string(),
                            });
                        }
                        let edit = order.revealed
                            && self.edit_after_reveal.as_deref() == Some(order_no.as_str());
                        let rebase = order.revealed
                            && self.rebase_after_reveal.as_deref() == Some(order_no.as_str());
                        if rebase {
                            self.rebase_after_reveal = None;
                            if let Some(form) = self
                                .form
                                .as_mut()
                                .filter(|f| f.kind == FormKind::Edit && f.order_no == order_no)
                            {
                                form.rebase_and_say(&order, lang);
                            }
                        }
                        // An action's form left open while the order moved on (a colleague
                        // reversed the invoice first, the customer paid): closed and said,
                        // what was typed kept for the form's next opening.
                        let gone = self.form.as_ref().and_then(|f| match f.kind {
                            FormKind::Act(action)
                                if f.order_no == order_no
                                    && !f.submitting
                                    && !order.allowed_actions.contains(&action) =>
                            {
                                Some(action)
                            }
                            _ => None,
                        });
                        if let Some(action) = gone {
                            self.left_form = self.form.take();
                            // Who moved it, and how: the history's last line, when it
                            // is the move into the status the order has now.
                            let by = history.last().and_then(|h| {
                                if h.to_status != Some(order.status) || h.from_status == h.to_status
                                {
                                    return None;
                                }
                                let done = crate::domain::Action::parse(&h.action)?;
                                Some((
                                    crate::tui::format::actor(
                                        h.actor.id.as_deref(),
                                        &h.actor.name,
                                        lang,
                                    ),
                                    done,
                                ))
                            });
                            let notice = Notice::error(match by {
                                Some((who, done)) => Text::with(
                                    T::ActionTakenBy,
                                    [
                                        Arg::Text(action.text()),
                                        Arg::Text(order.status.text()),
                                        Arg::Plain(who),
                                        Arg::Text(done.text()),
                                    ],
                                ),
                                None => Text::with(
                                    T::ActionNoLongerOpen,
                                    [Arg::Text(action.text()), Arg::Text(order.status.text())],
                                ),
                            });
                            ctx.signal(Signal::Interrupted(notice.clone()));
                            self.notice = Some(notice);
                        }
                        detail.order = Some(order);
                        detail.history = history;
                        detail.error = None;
                        detail.retry_at = None;
                        if edit {
                            self.edit_after_reveal = None;
                            self.notice = None;
                            self.open_form(ctx, FormKind::Edit);
                        }
                    }
                    Err(e) => {
                        let error = crate::tui::text::describe_reading(&e, lang);
                        // Out of reach or busy a moment, not a defect (a 500 stays said).
                        detail.retry_at = error
                            .passing
                            .then(|| ctx.now + time::Duration::seconds(DETAIL_RETRY_SECONDS));
                        detail.error = Some(error);
                        if self.edit_after_reveal.take().is_some() {
                            self.notice = None;
                        }
                        // The order could not be read again: the form says so, as it was.
                        if self.rebase_after_reveal.take().is_some()
                            && let Some(form) = self.form.as_mut().filter(|f| f.order_no == order_no)
                        {
                            form.submitting = false;
                            form.error = Some(describe(&e, lang));
                        }
                    }
                }
            }
            Answer::Acted {
                order_no,
                action,
                result,
            } => match result {
                Ok(order) => {
                    // The correction just sent (a file with this resubmission, the newest
                    // correction) carries no order code the platform could read: the
                    // clerk hears it now (the reviewer checks it by eye), not only the
                    // reviewer later.
                    let sent_a_file = self
                        .form
                        .as_ref()
                        .filter(|f| f.order_no == order_no)
                        .is_some_and(form::Form::sends_a_file);
                    let unread = action == Action::Resubmit
                        && sent_a_file
                        && order
                            .attachments
                            .iter()
                            .filter(|a| a.kind == crate::api::AttachmentKind::Correction)
                            .max_by(|a, b| a.uploaded_at.cmp(&b.uploaded_at))
                            .and_then(|a| a.scan_check.as_ref())
                            .is_some_and(|c| c.outcome == crate::api::ScanOutcome::NoCode);
                    // A voucher already sent for another order: said now, with the
                    // customer still at the counter (as the new application says it).
                    let also_on = (action == Action::UploadVoucher)
                        .then(|| order.voucher_also_on().join(" "))
                        .filter(|numbers| !numbers.is_empty());
                    self.finish(ctx, &order_no, Some(order), action_done(action));
                    if let Some(numbers) = also_on {
                        // Uploaded, and what the reviewer will check: both said.
                        self.notice = Some(Notice::warning(Text::with(
                            T::VoucherUploadedAlsoOn,
                            [numbers],
                        )));
                    }
                    if let (true, Some(notice)) = (unread, self.notice.as_mut()) {
                        notice.text = crate::tui::text::compose(
                            T::Suffixed,
                            &[&notice.text, &Text::from(T::ActedCorrectionNoCode)],
                            lang,
                        );
                        notice.tone = crate::tui::text::Tone::Warning;
                    }
                    // The text the customer is sent is only logged by the demo: said, as
                    // the 邮寄 and 审核 tabs say it (the clerk tells the customer).
                    let demo_sms = match action {
                        Action::Ship => Some(T::MailShippedDemoSms),
                        Action::Reject => Some(T::ActedReturnedDemoSms),
                        Action::ReturnParcel => Some(T::ActedParcelBackDemoSms),
                        _ => None,
                    }
                    .filter(|_| ctx.env.shared.demo(crate::api::DemoPart::Sms));
                    if let (Some(note), Some(notice)) = (demo_sms, self.notice.as_mut()) {
                        notice.text = crate::tui::text::compose(
                            T::Suffixed,
                            &[&notice.text, &Text::from(note)],
                            lang,
                        );
                    }
                    // Reversed, the order waits for its new invoice: said where that is
                    // issued (this view offers no way to issue it).
                    if let (Action::ReverseInvoice, Some(notice)) = (action, self.notice.as_mut()) {
                        notice.text = crate::tui::text::compose(
                            T::Suffixed,
                            &[&notice.text, &Text::from(T::ActedReversedIssueIn)],
                            lang,
                        );
                    }
                }
                Err(failure) => match self.form.as_mut().filter(|f| f.order_no == order_no) {
                    Some(form) => form::refused(form, &failure, lang),
                    None => {
                        self.notice = Some(Notice::error(match &failure {
                            crate::tui::files::ActFailure::File(path, problem) => {
                                crate::tui::files::problem_text(problem, path)
                            }
                            crate::tui::files::ActFailure::Api(e) => describe(e, lang),
                        }))
                    }
                },
            },
            Answer::Updated {
                order_no,
                from_version,
                result,
            } => match result {
                // The same version back: nothing was different, nothing recorded.
                Ok(order) if order.version == from_version => {
                    if self.form.as_ref().is_some_and(|f| f.order_no == order_no) {
                        self.form = None;
                    }
                    self.notice = Some(Notice::warning(Text::with(
                        T::EditNothingChanged,
                        [order_no],
                    )));
                }
                Ok(order) => {
                    let before = self
                        .detail
                        .as_ref()
                        .filter(|d| d.order_no == order_no)
                        .and_then(|d| d.order.as_ref())
                        .and_then(|o| o.organization.clone());
                    let reprint = order.organization.is_some() && order.organization != before;
                    self.finish(ctx, &order_no, Some(order), T::EditOrderDone.into());
                    if reprint {
                        self.notice = Some(Notice::done(Text::with(
                            T::EditReprintForm,
                            [order_no.clone()],
                        )));
                    }
                }
                // Changed meanwhile: read again in full, then the form is brought up to
                // date, keeping what was typed (not sent over the change, not lost).
                Err(e)
                    if e.problem().is_some_and(|p| p.code == "version_conflict")
                        && self
                            .form
                            .as_ref()
                            .is_some_and(|f| f.kind == FormKind::Edit && f.order_no == order_no) =>
                {
                    if let Some(form) = self.form.as_mut() {
                        form.submitting = true;
                        form.error = Some(Text::from(T::EditRebasing));
                    }
                    self.rebase_after_reveal = Some(order_no.clone());
                    ctx.ask(Request::Detail {
                        order_no,
                        reveal: true,
                    });
                }
                Err(e) => self.refused(&order_no, &e, lang),
            },
            Answer::Noted { order_no, result } => match result {
                Ok(_) => self.finish(ctx, &order_no, None, T::NoteAdded.into()),
                Err(e) => self.refused(&order_no, &e, lang),
            },
            Answer::TrackingStepAdded { order_no, result } => match result {
                Ok(tracking) => {
                    // The parcel on its way back (退回, 退签, 拒签): the return is recorded
                    // by `B` once it is here — the event alone lets no one re-address it.
                    let coming_back = tracking
                        .state
                        .as_deref()
                        .and_then(crate::domain::TrackingState::parse)
                        .is_some_and(crate::domain::TrackingState::coming_back);
                    if let Some(detail) = self.detail.as_mut().filter(|d| d.order_no == order_no)
                    {
                        detail.tracking = Some(Ok(tracking));
                    }
                    self.finish(ctx, &order_no, None, T::TrackingStepAdded.into());
                    if coming_back
                        && ctx
                            .shared
                            .permits(Permission::Act(Action::ReturnParcel))
                    {
                        self.notice = Some(Notice::warning(Text::with(
                            T::TrackingComingBack,
                            [order_no.clone()],
                        )));
                    }
                }
                Err(e) => self.refused(&order_no, &e, lang),
            },
            Answer::Tracking { order_no, result } => {
                if let Some(detail) = self.detail.as_mut().filter(|d| d.order_no == order_no) {
                    detail.tracking = Some(result.map_err(|e| describe(&e, lang)));
                }
            }
            Answer::PrintedNotice(result) => self.notice = Some(printed_notice(&result, lang)),
            Answer::Caller { seq, result } => {
                if seq == self.fetch.seq() {
                    match result {
                        Ok(found) => self.caller = Some(found),
                        // Beside the orders found, the card is only an addition: the
                        // list answered.
                        Err(_) if !self.rows.is_empty() => {}
                        Err(e) => self.notice = Some(Notice::error(describe(&e, lang))),
                    }
                }
            }
            Answer::Reminded {
                order_no,
                payment_link,
                result,
            } => match result {
                Ok(reminder) => {
                    let demo = ctx.env.shared.demo(crate::api::DemoPart::Sms);
                    self.notice = Some(reminded(&reminder, payment_link, demo));
                    // The text is in the order's history now (no order event says so): the
                    // order open shows it, as a note added does.
                    if let Some(detail) = self.detail.as_ref().filter(|d| d.order_no == order_no)
                    {
                        ctx.ask(Request::Detail {
                            order_no: detail.order_no.clone(),
                            reveal: false,
                        });
                    }
                    // A caller's card counts the codes sent: asked again with this one.
                    if self.caller.is_some()
                        && let Some(phone) = self.searched_phone()
                    {
                        ctx.ask(Request::Caller {
                            seq: self.fetch.seq(),
                            phone: phone.as_str().to_owned(),
                        });
                    }
                }
                Err(e) => self.refused(&order_no, &e, lang),
            },
        }
    }

    fn live(&mut self, ctx: &mut Ctx<Request>, event: &Live) {
        match event {
            Live::Order(event) => {
                match &event.order {
                    // The event carries the row: nothing to ask.
                    Some(row) => {
                        let row = OrderSummary::clone(row);
                        self.patch(event.order_no.as_str(), Some(row));
                    }
                    None => ctx.ask(Request::Row {
                        order_no: event.order_no.to_string(),
                    }),
                }
                if let Some(detail) = self.detail.as_ref().filter(|d| d.order_no == event.order_no)
                {
                    ctx.ask(Request::Detail {
                        order_no: detail.order_no.clone(),
                        reveal: false,
                    });
                }
            }
            Live::Resumed | Live::Refresh => {
                crate::tui::text::forget_offline(&mut self.notice);
                self.reload(ctx);
                if let Some(detail) = &self.detail {
                    ctx.ask(Request::Detail {
                        order_no: detail.order_no.clone(),
                        reveal: false,
                    });
                }
            }
            Live::Language => {
                use crate::tui::text::drop_stale;
                for form in self.form.iter_mut().chain(self.left_form.iter_mut()) {
                    drop_stale(&mut form.error, ctx.lang);
                    // A field the platform refused says so again in the counter's own
                    // words when its own check finds it wrong too; else its message goes.
                    for field in &mut form.fields {
                        if field.error.as_ref().is_some_and(|e| e.stale_in(ctx.lang)) {
                            field.error = form::own_check(field.key, &field.input.text());
                        }
                    }
                }
                if let Some(detail) = &mut self.detail {
                    drop_stale(&mut detail.error, ctx.lang);
                }
                // A caller's standing holds the platform's words (their page's step and
                // messages): asked again in the new language.
                if self.caller.as_ref().is_some_and(|c| c.customer.is_some())
                    && let Some(phone) = self.searched_phone()
                {
                    ctx.ask(Request::Caller {
                        seq: self.fetch.seq(),
                        phone: phone.as_str().to_owned(),
                    });
                }
            }
            Live::Realname(_) | Live::Platform => {}
        }
    }

    fn signal(&mut self, ctx: &mut Ctx<Request>, signal: &Signal) -> bool {
        match signal {
            Signal::OpenOrder(order_no) => {
                self.open(ctx, order_no);
                self.opened_elsewhere = true;
                true
            }
            Signal::FindPhone(digits) => {
                self.detail = None;
                self.status = None;
                self.query = digits.clone();
                self.ask_anew(ctx);
                true
            }
            Signal::CollectPayment(_)
            | Signal::ReviewOrder(_)
            | Signal::Interrupted(_)
            | Signal::Reworded(_)
            | Signal::Return => false,
        }
    }

    fn tick(&mut self, ctx: &mut Ctx<Request>) {
        if let Some(detail) = self.detail.as_mut()
            && !detail.loading
            && detail.retry_at.is_some_and(|at| at <= ctx.now)
        {
            detail.retry_at = None;
            detail.loading = true;
            ctx.ask(Request::Detail {
                order_no: detail.order_no.clone(),
                reveal: false,
            });
        }
        if let Some(seq) = self.fetch.tick(ctx.now, ctx.shown) {
            ctx.ask(Request::Page {
                seq,
                query: self.query(None),
                append: false,
            });
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

impl Orders {
    fn refused(&mut self, order_no: &str, error: &crate::api::ClientError, lang: crate::i18n::Lang) {
        match self.form.as_mut().filter(|f| f.order_no == order_no) {
            Some(form) => form::refused_by_platform(form, error, lang),
            None => self.notice = Some(Notice::error(describe(error, lang))),
        }
    }
}

/// What became of a text sent to the customer (never the code itself); with texts only
/// logged (`demo`), that the customer gets none.
fn reminded(reminder: &crate::api::Reminder, payment_link: bool, demo: bool) -> Notice {
    let at = reminder
        .retry_at
        .as_deref()
        .and_then(crate::tui::format::parse_time)
        .map(crate::tui::format::clock)
        .unwrap_or_default();
    match reminder.outcome.as_str() {
        "queued" if demo && payment_link => Notice::warning(Text::from(T::PaymentLinkDemoSms)),
        "queued" if demo => Notice::warning(Text::from(T::LoginCodeDemoSms)),
        "queued" => Notice::done(Text::from(T::ReminderQueued)),
        "too_soon" if payment_link => Notice::warning(Text::with(T::PaymentLinkTooSoon, [at])),
        _ if payment_link => Notice::warning(Text::from(T::PaymentLinkDailyLimit)),
        "too_soon" => Notice::warning(Text::with(T::ReminderTooSoon, [at])),
        "locked" => Notice::warning(Text::with(T::ReminderLocked, [at])),
        _ => Notice::warning(Text::from(T::ReminderDailyLimit)),
    }
}

/// What an action did, for the message after it.
fn action_done(action: Action) -> Text {
    Text::from(action.text())
}
