//! The state of the TUI and how it changes. Terminal events and platform messages come in,
//! the state changes, requests go out through [`App::outbox`]; rendering (in `views`) only
//! reads. Nothing here does IO, so every behaviour can be tested by feeding it events.

use std::cell::Cell;
use std::path::PathBuf;

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use time::OffsetDateTime;

use crate::api::{ClientError, HistoryEntry, Me, Order, OrderSummary};
use crate::domain::{Action, OrderStatus, Permission, RoleSet};
use crate::i18n::{Lang, T};

mod forms;
mod list;

pub use forms::{Field, Form, FormKind, Overlay, PromptKind};

use super::keys::{self, Cmd, Context, Tab};
use super::net::{Msg, Request};
use super::newapp::NewApp;
use super::review::Review;
use super::theme::Theme;
use super::widgets::input::Input;
use super::widgets::picture::ColorMode;

/// How many rows a list page asks for.
pub const PAGE: i64 = 100;

/// The connection to the platform as the status line tells it.
#[derive(Debug, Clone, PartialEq)]
pub enum Conn {
    /// Starting.
    Connecting,
    /// Live events flowing.
    Online,
    /// Lost; retrying.
    Reconnecting {
        /// Attempt number.
        attempt: u32,
    },
    /// Lost for a while (several attempts failed).
    Offline {
        /// Why, as the platform or network said.
        reason: String,
    },
}

/// A one-line message under the main area.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// Something worked.
    Info(String),
    /// Something did not.
    Error(String),
}

/// The order list of the 待办订单 tab.
#[derive(Debug, Default)]
pub struct OrderList {
    /// Loaded rows, in list order.
    pub rows: Vec<OrderSummary>,
    /// Selected row.
    pub selected: usize,
    /// First row drawn (kept by the renderer).
    pub offset: Cell<usize>,
    /// Rows that fit (kept by the renderer).
    pub viewport: Cell<usize>,
    /// Where the next page starts.
    pub next_cursor: Option<String>,
    /// A page is being fetched.
    pub loading: bool,
    /// The first page has arrived.
    pub loaded: bool,
    /// Only this status.
    pub status: Option<OrderStatus>,
    /// Search text.
    pub query: String,
    /// Oldest first instead of newest first.
    pub oldest_first: bool,
    /// Sequence number of the current query.
    pub seq: u64,
    /// Why the last fetch failed.
    pub error: Option<String>,
}

/// An open order.
#[derive(Debug, Default)]
pub struct Detail {
    /// Its number.
    pub order_no: String,
    /// The order, once loaded.
    pub order: Option<Order>,
    /// Its audit trail.
    pub history: Vec<HistoryEntry>,
    /// Being fetched.
    pub loading: bool,
    /// Why the fetch failed.
    pub error: Option<String>,
    /// Lines scrolled.
    pub scroll: u16,
    /// Where the parcel is (shipped orders), or why that is not known.
    pub tracking: Option<Result<crate::api::Tracking, String>>,
}

/// Where things were drawn, for mouse clicks.
#[derive(Debug, Default, Clone)]
pub struct Hitboxes {
    /// Each tab's columns on the tab row: (tab, x from, x to).
    pub tabs: Vec<(Tab, u16, u16)>,
    /// The row of the tab bar.
    pub tab_row: u16,
    /// First screen row of list rows and how many.
    pub rows: Option<(u16, u16)>,
}

/// The whole TUI state.
pub struct App {
    /// UI language.
    pub lang: Lang,
    /// Styles.
    pub theme: Theme,
    /// Where user themes live.
    pub theme_dir: Option<PathBuf>,
    /// `NO_COLOR` is set.
    pub no_color: bool,
    /// ASCII borders.
    pub ascii: bool,
    /// The configured printer, if any.
    pub printer: Option<String>,
    /// The platform, as shown in the status line.
    pub server_label: String,
    /// Connection state.
    pub conn: Conn,
    /// When the last event arrived.
    pub last_event: Option<OffsetDateTime>,
    /// The operator.
    pub me: Option<Me>,
    /// The tab shown.
    pub tab: Tab,
    /// Orders per status (`None` until known).
    pub counts: Option<[i64; 8]>,
    /// The 待办订单 list.
    pub list: OrderList,
    /// The open order.
    pub detail: Option<Detail>,
    /// Popup, prompt or help.
    pub overlay: Option<Overlay>,
    /// The message line.
    pub notice: Option<Notice>,
    /// The clock, for relative times.
    pub now: OffsetDateTime,
    /// Requests for the network layer.
    pub outbox: Vec<Request>,
    /// Something changed since the last frame.
    pub dirty: bool,
    /// Leave the loop.
    pub quit: bool,
    /// Where things were drawn.
    pub hitboxes: std::cell::RefCell<Hitboxes>,
    /// The 新申请 tab.
    pub newapp: NewApp,
    /// The 审核队列 tab.
    pub review: Review,
    /// The 邮寄 tab.
    pub mail: crate::tui::mailroom::MailRoom,
    /// The 开票 tab.
    pub finance: crate::tui::finance::Finance,
    /// Everything viewable, nothing changeable.
    pub read_only: bool,
    /// How scans are drawn: colours for half blocks.
    pub colors: ColorMode,
    /// A terminal graphics protocol (kitty, sixel, iTerm2) for scans, when there is one.
    pub graphics: Option<ratatui_image::picker::Picker>,
    last_full_tick: Option<OffsetDateTime>,
    counts_in_flight: bool,
    counts_again: bool,
}

impl App {
    /// A fresh app; call [`App::start`] to ask for the first data.
    pub fn new(lang: Lang, theme: Theme, server_label: String, now: OffsetDateTime) -> App {
        App {
            lang,
            theme,
            theme_dir: None,
            no_color: false,
            ascii: false,
            printer: None,
            server_label,
            conn: Conn::Connecting,
            last_event: None,
            me: None,
            tab: Tab::Pending,
            counts: None,
            list: OrderList::default(),
            detail: None,
            overlay: None,
            notice: None,
            now,
            outbox: Vec::new(),
            dirty: true,
            quit: false,
            hitboxes: Default::default(),
            newapp: NewApp::with_drafts(Vec::new()),
            review: Review::new(),
            mail: Default::default(),
            finance: Default::default(),
            read_only: false,
            colors: ColorMode::TrueColor,
            graphics: None,
            last_full_tick: None,
            counts_in_flight: false,
            counts_again: false,
        }
    }

    /// Asks for who we are, the counts and the first page.
    pub fn start(&mut self) {
        self.newapp.start();
        self.outbox.push(Request::Me);
        self.request_counts();
        self.reload_list();
    }

    fn roles(&self) -> RoleSet {
        self.me
            .as_ref()
            .map(|m| RoleSet::new(m.roles.iter().copied()))
            .unwrap_or_default()
    }

    /// May the operator use `tab`? Until we know who we are, every tab is shown usable.
    pub fn tab_allowed(&self, tab: Tab) -> bool {
        if self.read_only && tab == Tab::New {
            return false;
        }
        if self.me.is_none() {
            return true;
        }
        let roles = self.roles();
        roles.permits(match tab {
            Tab::New => Permission::CreateOrders,
            Tab::Pending => Permission::ViewOrders,
            // Support agents look at the queue read-only.
            Tab::Review => Permission::ViewOrders,
            // Anyone who sees orders sees what waits; only the mailroom and finance act.
            Tab::Mail => Permission::ViewOrders,
            Tab::Invoice => Permission::ViewOrders,
        })
    }

    /// How many orders are in `status`, when known.
    pub fn count(&self, status: OrderStatus) -> Option<i64> {
        let index = OrderStatus::ALL.iter().position(|s| *s == status)?;
        self.counts.map(|c| c[index])
    }

    /// Where the keyboard is, for the binding table.
    pub fn context(&self) -> Context {
        let roles = self.roles();
        let detail = self.tab == Tab::Pending && self.detail.is_some();
        let actions = self
            .detail
            .as_ref()
            .and_then(|d| d.order.as_ref())
            .filter(|_| !self.read_only)
            .map(|o| o.allowed_actions.clone())
            .unwrap_or_default()
            .into_iter()
            // Invoices are issued from the 开票 tab, with their form.
            .filter(|a| *a != Action::IssueInvoice)
            .collect();
        Context {
            tab: self.tab,
            detail,
            actions,
            may_reveal: self.me.as_ref().is_some_and(|m| m.may_reveal)
                && self
                    .detail
                    .as_ref()
                    .is_some_and(|d| d.order.as_ref().is_some_and(|o| !o.revealed)),
            may_note: !self.read_only && roles.permits(Permission::AddNotes),
            filtered: !self.list.query.is_empty() || self.list.status.is_some(),
            new_step: (self.tab == Tab::New).then(|| self.newapp.step()),
            typing: self.tab == Tab::New && self.newapp.typing(),
            collectible: !self.read_only
                && self
                    .detail
                    .as_ref()
                    .and_then(|d| d.order.as_ref())
                    .is_some_and(|o| {
                        // What the platform allows this operator now, not a guess from the
                        // status: choosing how to pay, or handing in the voucher.
                        o.allowed_actions.iter().any(|a| {
                            matches!(a, Action::ChooseBankTransfer | Action::UploadVoucher)
                        })
                    }),
            paying: self.newapp.sheet().and_then(|s| s.paying()),
            qr_payment: self.newapp.qr_payment != Some(false),
            returned: detail
                && self
                    .detail
                    .as_ref()
                    .and_then(|d| d.order.as_ref())
                    .is_some_and(|o| o.status == OrderStatus::Rejected),
            review: (self.tab == Tab::Review && self.tab_allowed(Tab::Review)).then(|| {
                let screen = self.review.screen.as_ref();
                let allowed = |action: Action| {
                    !self.read_only
                        && screen.is_some_and(|s| {
                            s.held()
                                && s.order
                                    .as_ref()
                                    .is_some_and(|o| o.allowed_actions.contains(&action))
                        })
                };
                keys::ReviewContext {
                    take_over: self.review.may_take_over
                        && screen.is_some_and(|s| {
                            matches!(s.hold, crate::tui::review::Hold::Refused(_))
                        }),
                    screen: screen.is_some(),
                    may_approve: allowed(Action::Approve),
                    may_return: allowed(Action::Reject),
                    attachments: screen.is_some_and(|s| s.attachments().len() > 1),
                    zoomed: screen.is_some_and(|s| s.zoom > 1),
                }
            }),
            mail: (self.tab == Tab::Mail && self.tab_allowed(Tab::Mail)).then(|| {
                keys::MailContext {
                    may_ship: self.mail.may_ship,
                    scanning: self.mail.scan.is_some(),
                    any: !self.mail.items.is_empty(),
                }
            }),
            invoice: (self.tab == Tab::Invoice && self.tab_allowed(Tab::Invoice)).then(|| {
                keys::InvoiceContext {
                    may_issue: self.finance.may_issue,
                    form: self.finance.form.is_some(),
                    typing: self.finance.typing(),
                    declining: self.finance.decline.is_some(),
                    any: !self.finance.items.is_empty(),
                }
            }),
            track_manually: detail
                && !self.read_only
                && roles.permits(Permission::Act(Action::Ship))
                && self
                    .detail
                    .as_ref()
                    .and_then(|d| d.tracking.as_ref())
                    .is_some_and(|t| t.as_ref().is_ok_and(|t| t.provider == "manual")),
            shipped: detail
                && self
                    .detail
                    .as_ref()
                    .and_then(|d| d.order.as_ref())
                    .is_some_and(|o| o.shipment.is_some()),
            verified: self
                .newapp
                .sheet()
                .is_some_and(|s| s.draft.customer.as_ref().is_some_and(|c| c.verified)),
        }
    }

    // ----- input -----

    /// A terminal event.
    pub fn on_event(&mut self, event: Event) {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => self.on_key(key),
            Event::Paste(text) => self.on_paste(&text),
            Event::Mouse(mouse) => self.on_mouse(mouse),
            Event::Resize(_, _) => self.dirty = true,
            _ => {}
        }
    }

    /// A key press.
    pub fn on_key(&mut self, key: KeyEvent) {
        self.dirty = true;
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            self.quit = true;
            return;
        }
        match self.overlay.take() {
            Some(Overlay::Help { filter, selected }) => self.help_key(filter, selected, key),
            Some(Overlay::Prompt { kind, input }) => self.prompt_key(kind, input, key),
            Some(Overlay::Form(form)) => self.form_key(form, key),
            None if self.tab == Tab::Mail && self.mail.typing() => {
                self.notice = None;
                match keys::lookup(&self.context(), &key) {
                    Some(cmd) => self.run(cmd),
                    None => self.mail.key(key, self.lang),
                }
            }
            None if self.tab == Tab::Invoice && self.finance.typing() => {
                self.notice = None;
                match keys::lookup(&self.context(), &key) {
                    Some(cmd) => self.run(cmd),
                    None => self.finance.key(key, self.lang),
                }
            }
            None if self.tab == Tab::Review
                && self
                    .review
                    .screen
                    .as_ref()
                    .is_some_and(|s| s.popup.is_some()) =>
            {
                self.review.touch();
                self.review.popup_key(key, self.lang);
            }
            None => {
                if self.tab == Tab::Review {
                    self.review.touch();
                }
                self.notice = None;
                if let Some(cmd) = keys::lookup(&self.context(), &key) {
                    self.run(cmd);
                } else if self.tab == Tab::New && self.tab_allowed(Tab::New) {
                    let now = now_ms(self.now);
                    self.newapp.key(key, self.lang, now);
                    self.follow_newapp();
                } else if self.tab == Tab::Invoice {
                    // The two choices of the form take arrows and Space.
                    self.finance.key(key, self.lang);
                }
            }
        }
    }

    /// Pasted text goes to whatever field has the focus.
    pub fn on_paste(&mut self, text: &str) {
        self.dirty = true;
        match &mut self.overlay {
            Some(Overlay::Prompt { input, .. }) | Some(Overlay::Help { filter: input, .. }) => {
                input.paste(text)
            }
            Some(Overlay::Form(form)) => {
                if let Some(field) = form.fields.get_mut(form.focus) {
                    field.input.paste(text);
                    field.error = None;
                }
            }
            None if self.tab == Tab::New => {
                let now = now_ms(self.now);
                self.newapp.paste(text, now);
            }
            None if self.tab == Tab::Mail && self.mail.typing() => self.mail.paste(text),
            None if self.tab == Tab::Invoice && self.finance.typing() => self.finance.paste(text),
            None => {
                // Pasting into the list is a search.
                let mut input = Input::new("");
                input.paste(text);
                self.overlay = Some(Overlay::Prompt {
                    kind: PromptKind::Search,
                    input,
                });
            }
        }
    }

    /// Mouse clicks and scrolling (only when mouse capture is on).
    pub fn on_mouse(&mut self, mouse: MouseEvent) {
        if self.overlay.is_some() {
            return;
        }
        let hit = self.hitboxes.borrow().clone();
        match mouse.kind {
            MouseEventKind::ScrollDown => self.run(Cmd::Down),
            MouseEventKind::ScrollUp => self.run(Cmd::Up),
            MouseEventKind::Down(MouseButton::Left) => {
                if mouse.row == hit.tab_row
                    && let Some((tab, _, _)) = hit
                        .tabs
                        .iter()
                        .find(|(_, from, to)| (*from..*to).contains(&mouse.column))
                {
                    self.run(Cmd::Tab(*tab));
                } else if let Some((top, count)) = hit.rows
                    && self.tab == Tab::Pending
                    && self.detail.is_none()
                    && (top..top + count).contains(&mouse.row)
                {
                    let index = self.list.offset.get() + usize::from(mouse.row - top);
                    if index < self.list.rows.len() {
                        if index == self.list.selected {
                            self.run(Cmd::Open);
                        } else {
                            self.list.selected = index;
                        }
                    }
                }
            }
            _ => return,
        }
        self.dirty = true;
    }

    /// The clock moved (relative times, the status line).
    /// Called every second: redraws when something on screen counts down, else every 15
    /// seconds (relative times).
    pub fn on_tick(&mut self, now: OffsetDateTime) {
        self.now = now;
        let due = self
            .last_full_tick
            .is_none_or(|last| (now - last).whole_seconds() >= 15);
        if due {
            self.last_full_tick = Some(now);
        }
        if due || (self.tab == Tab::New && self.newapp.counting_down()) {
            self.dirty = true;
        }
        let shown = self.tab == Tab::Review && self.tab_allowed(Tab::Review);
        self.review.tick(now, shown);
        if self.tab == Tab::Mail && self.tab_allowed(Tab::Mail) {
            self.mail.tick(now);
        }
        if self.tab == Tab::Invoice && self.tab_allowed(Tab::Invoice) {
            self.finance.tick(now);
        }
    }

    /// Everything the app and its tabs want sent, in order.
    pub fn take_requests(&mut self) -> Vec<Request> {
        self.review.after_draw();
        let mut out = std::mem::take(&mut self.outbox);
        out.append(&mut self.newapp.outbox);
        out.append(&mut self.review.outbox);
        out.append(&mut self.mail.outbox);
        out.append(&mut self.finance.outbox);
        out
    }

    /// After the 新申请 tab acted: open the order it asked to open.
    fn follow_newapp(&mut self) {
        if let Some(order_no) = self.newapp.open_order.take() {
            self.open(&order_no);
            self.request_counts();
            self.reload_list();
        }
    }

    // ----- commands -----

    /// Does what a key, the help or the command line asked for.
    pub fn run(&mut self, cmd: Cmd) {
        self.dirty = true;
        match cmd {
            Cmd::Tab(tab) => self.go_tab(tab),
            Cmd::NextTab => self.go_tab(Tab::ALL[(self.tab.index() + 1) % Tab::ALL.len()]),
            Cmd::PrevTab => {
                self.go_tab(Tab::ALL[(self.tab.index() + Tab::ALL.len() - 1) % Tab::ALL.len()])
            }
            Cmd::Up => self.move_by(-1),
            Cmd::Down => self.move_by(1),
            Cmd::PageUp => self.move_by(-(self.page_rows() as isize)),
            Cmd::PageDown => self.move_by(self.page_rows() as isize),
            Cmd::Top => self.move_by(isize::MIN / 2),
            Cmd::Bottom => self.move_by(isize::MAX / 2),
            Cmd::Open => {
                if let Some(no) = self.list.selected_no() {
                    self.open(&no);
                }
            }
            Cmd::Back => self.detail = None,
            Cmd::Search => {
                self.overlay = Some(Overlay::Prompt {
                    kind: PromptKind::Search,
                    input: Input::new(&self.list.query),
                })
            }
            Cmd::ClearSearch => {
                self.list.query.clear();
                self.list.status = None;
                self.reload_list();
            }
            Cmd::CommandLine => {
                self.overlay = Some(Overlay::Prompt {
                    kind: PromptKind::Command,
                    input: Input::new(""),
                })
            }
            Cmd::Help => {
                self.overlay = Some(Overlay::Help {
                    filter: Input::new(""),
                    selected: 0,
                })
            }
            Cmd::Filter(status) => {
                self.list.status = status;
                self.reload_list();
            }
            Cmd::ToggleSort => {
                self.list.oldest_first = !self.list.oldest_first;
                self.reload_list();
            }
            Cmd::Refresh => {
                self.review.refresh(self.now);
                self.mail.refresh(self.now);
                self.finance.refresh(self.now);
                if let Some(screen) = &self.review.screen {
                    self.outbox.push(Request::ReviewOpen {
                        order_no: screen.order_no.clone(),
                        claim: false,
                    });
                }
                self.newapp.start();
                self.outbox.push(Request::Me);
                self.request_counts();
                self.reload_list();
                if let Some(no) = self.detail.as_ref().map(|d| d.order_no.clone()) {
                    self.outbox.push(Request::Detail {
                        order_no: no,
                        reveal: false,
                    });
                }
            }
            Cmd::Reveal => {
                if let Some(detail) = &mut self.detail {
                    detail.loading = true;
                    self.outbox.push(Request::Detail {
                        order_no: detail.order_no.clone(),
                        reveal: true,
                    });
                }
            }
            Cmd::Act(action) => self.open_form(FormKind::Act(action)),
            Cmd::Note => self.open_form(FormKind::Note),
            Cmd::CollectPayment => {
                if let Some(order) = self.detail.as_ref().and_then(|d| d.order.clone()) {
                    let now = now_ms(self.now);
                    self.newapp.collect(&order, now);
                    self.tab = Tab::New;
                }
            }
            Cmd::New(cmd) => {
                let now = now_ms(self.now);
                self.newapp.command(cmd, now);
                self.follow_newapp();
            }
            Cmd::PrintNotice => {
                if let Some(detail) = &self.detail {
                    self.outbox.push(Request::PrintNotice {
                        order_no: detail.order_no.clone(),
                    });
                }
            }
            Cmd::Review(cmd) => {
                self.review.command(cmd, self.now, self.lang);
            }
            Cmd::Mail(cmd) => self.mail.command(cmd, self.lang),
            Cmd::Invoice(cmd) => self.finance.command(cmd, self.lang),
            Cmd::TrackingStep => self.open_form(FormKind::TrackingStep),
            Cmd::Tracking => {
                if let Some(detail) = &mut self.detail {
                    detail.tracking = None;
                    self.outbox.push(Request::Tracking {
                        order_no: detail.order_no.clone(),
                    });
                }
            }
            Cmd::ToggleLang => {
                self.lang = if self.lang == Lang::ZhCn {
                    Lang::En
                } else {
                    Lang::ZhCn
                };
            }
            Cmd::Quit => self.quit = true,
        }
    }

    fn go_tab(&mut self, tab: Tab) {
        self.tab = tab;
        if tab == Tab::Review && self.tab_allowed(tab) && !self.review.loaded {
            self.review.refresh(self.now);
        }
        if tab == Tab::Mail && self.tab_allowed(tab) {
            self.mail.refresh(self.now);
        }
        if tab == Tab::Invoice && self.tab_allowed(tab) {
            self.finance.refresh(self.now);
        }
        if !self.tab_allowed(tab) {
            let roles: Vec<&str> = self
                .roles()
                .roles()
                .iter()
                .map(|r| r.label(self.lang))
                .collect();
            self.notice = Some(Notice::Error(
                T::TabNotForRole.fill(self.lang, &[&roles.join("、"), tab.title().get(self.lang)]),
            ));
        }
    }

    // ----- platform messages -----

    /// An answer or event from the network layer.
    pub fn on_msg(&mut self, msg: Msg) {
        self.dirty = true;
        match msg {
            Msg::Me(Ok(me)) => {
                self.review.me = Some(me.id.clone());
                self.me = Some(me);
                self.review.may_decide =
                    !self.read_only && self.roles().permits(Permission::Act(Action::Approve));
                self.review.may_take_over =
                    !self.read_only && self.roles().permits(Permission::Administer);
                self.mail.may_ship =
                    !self.read_only && self.roles().permits(Permission::Act(Action::Ship));
                self.finance.may_issue =
                    !self.read_only && self.roles().permits(Permission::Act(Action::IssueInvoice));
            }
            Msg::Me(Err(e)) => self.notice = Some(Notice::Error(self.describe(&e))),
            Msg::Counts(result) => {
                self.counts_in_flight = false;
                if let Ok(counts) = result {
                    let mut all = [0i64; 8];
                    for c in counts {
                        if let Some(i) = OrderStatus::ALL.iter().position(|s| *s == c.status) {
                            all[i] = c.count;
                        }
                    }
                    self.counts = Some(all);
                }
                if std::mem::take(&mut self.counts_again) {
                    self.request_counts();
                }
            }
            Msg::Orders {
                seq,
                append,
                result,
            } => {
                if seq != self.list.seq {
                    return;
                }
                self.list.loading = false;
                match result {
                    Ok(page) => {
                        let keep = self.list.selected_no();
                        if append {
                            let known: std::collections::HashSet<String> =
                                self.list.rows.iter().map(|r| r.order_no.clone()).collect();
                            self.list.rows.extend(
                                page.items
                                    .into_iter()
                                    .filter(|r| !known.contains(&r.order_no)),
                            );
                        } else {
                            self.list.rows = page.items;
                        }
                        self.list.next_cursor = page.next_cursor;
                        self.list.loaded = true;
                        self.list.error = None;
                        self.list.reselect(keep);
                    }
                    Err(e) => self.list.error = Some(self.describe(&e)),
                }
            }
            Msg::Row { order_no, result } => self.patch_row(&order_no, result),
            Msg::Detail { order_no, result } => {
                let message = result.as_ref().err().map(|e| self.describe(e));
                if let Some(detail) = self.detail.as_mut().filter(|d| d.order_no == order_no) {
                    detail.loading = false;
                    match result {
                        Ok((order, history)) => {
                            // Shipped orders show where the parcel is (cached on the
                            // platform: asking again is cheap).
                            if order.shipment.is_some() && detail.tracking.is_none() {
                                self.outbox.push(Request::Tracking {
                                    order_no: order.order_no.clone(),
                                });
                            }
                            detail.order = Some(order);
                            detail.history = history;
                            detail.error = None;
                        }
                        Err(_) => detail.error = message,
                    }
                }
            }
            Msg::Acted {
                order_no,
                action,
                result,
            } => self.finish_form(
                &order_no,
                result.map(|order| (Some(order), action.label(self.lang).to_owned())),
            ),
            Msg::TrackingStepAdded { order_no, result } => {
                let done = T::TrackingStepAdded.get(self.lang).to_owned();
                if let (Ok(tracking), Some(detail)) = (
                    &result,
                    self.detail.as_mut().filter(|d| d.order_no == order_no),
                ) {
                    detail.tracking = Some(Ok(tracking.clone()));
                }
                self.finish_form(&order_no, result.map(|_| (None, done)));
            }
            Msg::Noted { order_no, result } => {
                let done = T::NoteAdded.get(self.lang).to_owned();
                self.finish_form(&order_no, result.map(|_| (None, done)));
            }
            Msg::FileError {
                order_no,
                path,
                problem,
            } => {
                let message = crate::tui::newapp::file_problem(&problem, &path, self.lang);
                if let Some(Overlay::Form(form)) = &mut self.overlay
                    && form.order_no == order_no
                {
                    form.submitting = false;
                    if let Some(field) = form.fields.iter_mut().find(|f| f.key == "file") {
                        field.error = Some(message);
                    } else {
                        form.error = Some(message);
                    }
                }
            }
            Msg::Online => {
                let was_down = self.conn != Conn::Connecting && self.conn != Conn::Online;
                self.conn = Conn::Online;
                if self.me.is_none() {
                    self.outbox.push(Request::Me);
                }
                if was_down {
                    // Whatever happened while we were away: the stream resumes, but lists
                    // filtered or paged may have moved too, and drafts' orders with them.
                    self.newapp.start();
                    self.request_counts();
                    self.reload_list();
                }
            }
            Msg::Reconnecting { attempt, reason } => {
                self.conn = if attempt >= 4 {
                    Conn::Offline { reason }
                } else {
                    Conn::Reconnecting { attempt }
                };
            }
            Msg::RealnameEvent(event) => {
                self.last_event = Some(self.now);
                self.newapp.realname_event(&event.session_id);
            }
            Msg::Noop => {}
            msg @ (Msg::Health(_)
            | Msg::Terms(_)
            | Msg::Projects { .. }
            | Msg::CustomerFound { .. }
            | Msg::CustomerSaved { .. }
            | Msg::RealnameSession { .. }
            | Msg::Printed { .. }
            | Msg::ScanChecked { .. }
            | Msg::Submitted { .. }
            | Msg::DraftActed { .. }
            | Msg::Bank(_)
            | Msg::DraftOrder { .. }
            | Msg::PaymentOpened { .. }) => {
                let now = now_ms(self.now);
                let lang = self.lang;
                let describe = move |e: &ClientError| describe(lang, e);
                self.newapp.on_msg(msg, lang, now, &describe);
            }
            Msg::PrintedNotice(result) => {
                let lang = self.lang;
                let describe = move |e: &ClientError| describe(lang, e);
                self.notice = Some(crate::tui::newapp::printed_notice(result, lang, &describe));
            }
            msg @ (Msg::ReviewQueue(_)
            | Msg::ReviewOpened { .. }
            | Msg::ReviewRenewed { .. }
            | Msg::ReviewDecided { .. }
            | Msg::Preview { .. }
            | Msg::Saved { .. }) => {
                let lang = self.lang;
                let describe = move |e: &ClientError| describe(lang, e);
                self.review.on_msg(msg, self.now, lang, &describe);
            }
            msg @ (Msg::MailingQueue(_) | Msg::Shipped { .. }) => {
                let lang = self.lang;
                let describe = move |e: &ClientError| describe(lang, e);
                self.mail.on_msg(msg, self.now, lang, &describe);
            }
            Msg::PrintedLabels(result) => {
                let lang = self.lang;
                let describe = move |e: &ClientError| describe(lang, e);
                self.mail.notice =
                    Some(crate::tui::newapp::printed_notice(result, lang, &describe));
            }
            msg @ (Msg::InvoicingQueue(_)
            | Msg::InvoiceIssued { .. }
            | Msg::InvoiceDeclined { .. }) => {
                let lang = self.lang;
                let describe = move |e: &ClientError| describe(lang, e);
                self.finance.on_msg(msg, self.now, lang, &describe);
            }
            Msg::Tracking { order_no, result } => {
                if let Some(detail) = &mut self.detail
                    && detail.order_no == order_no
                {
                    detail.tracking = Some(result.map_err(|e| describe(self.lang, &e)));
                }
            }
            Msg::Event(event) => {
                self.last_event = Some(self.now);
                self.mail.order_event(
                    self.now,
                    self.tab == Tab::Mail && self.tab_allowed(Tab::Mail),
                );
                self.finance.order_event(
                    self.now,
                    self.tab == Tab::Invoice && self.tab_allowed(Tab::Invoice),
                );
                self.review
                    .order_event(&event.order_no, self.now, self.tab == Tab::Review);
                self.newapp.order_event(
                    &event.order_no,
                    event.status,
                    event.version,
                    now_ms(self.now),
                );
                self.request_counts();
                self.outbox.push(Request::Row {
                    order_no: event.order_no.clone(),
                });
                if let Some(detail) = &mut self.detail
                    && detail.order_no == event.order_no
                {
                    self.outbox.push(Request::Detail {
                        order_no: event.order_no,
                        reveal: false,
                    });
                }
            }
        }
    }

    /// A platform or network error in words for the operator.
    pub fn describe(&self, error: &ClientError) -> String {
        describe(self.lang, error)
    }
}

/// A platform or network error in words for the operator.
pub fn describe(lang: Lang, error: &ClientError) -> String {
    match error {
        ClientError::Problem(problem) => {
            let fields: Vec<String> = problem
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect();
            if fields.is_empty() {
                problem.detail.clone()
            } else {
                format!("{}（{}）", problem.detail, fields.join("；"))
            }
        }
        ClientError::Network(_) => T::ErrOfflineKept.get(lang).to_owned(),
        ClientError::Unexpected { status, .. } => {
            T::ErrUnexpected.fill(lang, &[&status.to_string()])
        }
    }
}

/// Unix milliseconds of `time`.
pub fn now_ms(time: OffsetDateTime) -> i64 {
    (time.unix_timestamp_nanos() / 1_000_000) as i64
}
