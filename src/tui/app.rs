//! The state of the TUI and how it changes. Terminal events and platform messages come in,
//! the state changes, requests go out through [`App::outbox`]; rendering (in `views`) only
//! reads. Nothing here does IO, so every behaviour can be tested by feeding it events.

use std::cell::Cell;
use std::path::PathBuf;

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use time::OffsetDateTime;

use crate::api::{
    ActionRequest, AttachmentKind, ClientError, HistoryEntry, Me, Order, OrderQuery, OrderSummary,
};
use crate::domain::{Action, ActionNeeds, OrderNo, OrderStatus, Permission, Phone, RoleSet};
use crate::i18n::{Lang, T};

use super::keys::{self, Cmd, Context, Tab};
use super::net::{Msg, Request};
use super::newapp::NewApp;
use super::theme::{self, Theme};
use super::widgets::input::Input;

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

impl OrderList {
    fn selected_no(&self) -> Option<String> {
        self.rows.get(self.selected).map(|r| r.order_no.clone())
    }

    fn reselect(&mut self, order_no: Option<String>) {
        if let Some(no) = order_no
            && let Some(i) = self.rows.iter().position(|r| r.order_no == no)
        {
            self.selected = i;
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    /// True when a row in `status` belongs in the list as filtered.
    fn admits(&self, status: OrderStatus) -> bool {
        self.status.is_none_or(|s| s == status)
    }

    /// The query for a page after `cursor`.
    pub fn query(&self, cursor: Option<String>) -> OrderQuery {
        OrderQuery {
            status: self.status.map(|s| s.as_str().to_owned()),
            q: Some(self.query.trim().to_owned()).filter(|q| !q.is_empty()),
            sort: Some(
                if self.oldest_first {
                    "oldest"
                } else {
                    "newest"
                }
                .into(),
            ),
            cursor,
            limit: Some(PAGE),
            ..Default::default()
        }
    }
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
}

/// What a form submits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    /// An order action.
    Act(Action),
    /// A note.
    Note,
}

/// One field of a popup form.
#[derive(Debug, Clone)]
pub struct Field {
    /// The API field it fills (errors come back under this name).
    pub key: &'static str,
    /// Its label.
    pub label: T,
    /// What is typed.
    pub input: Input,
    /// Must not be blank.
    pub required: bool,
    /// The message next to the field.
    pub error: Option<String>,
    /// A hint under the field (completion choices).
    pub hint: Option<String>,
}

/// A popup that asks for what an action needs.
#[derive(Debug, Clone)]
pub struct Form {
    /// The order.
    pub order_no: String,
    /// The version the operator saw.
    pub version: i64,
    /// What it does.
    pub kind: FormKind,
    /// Its fields (none: a confirmation).
    pub fields: Vec<Field>,
    /// The focused field.
    pub focus: usize,
    /// Sent, waiting for the answer.
    pub submitting: bool,
    /// A message that is not about one field.
    pub error: Option<String>,
}

/// What the one-line prompt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// `/` search.
    Search,
    /// `:` command.
    Command,
}

/// Something drawn over the main area that takes the keyboard.
#[derive(Debug, Clone)]
pub enum Overlay {
    /// `?` help: filter text and selected row.
    Help {
        /// What is typed to find a command.
        filter: Input,
        /// Selected row of the matches.
        selected: usize,
    },
    /// `/` or `:`.
    Prompt {
        /// Which.
        kind: PromptKind,
        /// What is typed.
        input: Input,
    },
    /// An action or note form.
    Form(Form),
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
        if self.me.is_none() {
            return true;
        }
        let roles = self.roles();
        roles.permits(match tab {
            Tab::New => Permission::CreateOrders,
            Tab::Pending => Permission::ViewOrders,
            Tab::Review => Permission::Act(Action::Approve),
            Tab::Mail => Permission::Act(Action::Ship),
            Tab::Invoice => Permission::Act(Action::IssueInvoice),
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
            .map(|o| o.allowed_actions.clone())
            .unwrap_or_default();
        Context {
            tab: self.tab,
            detail,
            actions,
            may_reveal: self.me.as_ref().is_some_and(|m| m.may_reveal)
                && self
                    .detail
                    .as_ref()
                    .is_some_and(|d| d.order.as_ref().is_some_and(|o| !o.revealed)),
            may_note: roles.permits(Permission::AddNotes),
            filtered: !self.list.query.is_empty() || self.list.status.is_some(),
            new_step: (self.tab == Tab::New).then(|| self.newapp.step()),
            typing: self.tab == Tab::New && self.newapp.typing(),
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
            None => {
                self.notice = None;
                if let Some(cmd) = keys::lookup(&self.context(), &key) {
                    self.run(cmd);
                } else if self.tab == Tab::New && self.tab_allowed(Tab::New) {
                    let now = now_ms(self.now);
                    self.newapp.key(key, self.lang, now);
                    self.follow_newapp();
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
    }

    /// Everything the app and its tabs want sent, in order.
    pub fn take_requests(&mut self) -> Vec<Request> {
        let mut out = std::mem::take(&mut self.outbox);
        out.append(&mut self.newapp.outbox);
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
            Cmd::New(cmd) => {
                let now = now_ms(self.now);
                self.newapp.command(cmd, now);
                self.follow_newapp();
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

    fn page_rows(&self) -> usize {
        self.list.viewport.get().max(1)
    }

    fn move_by(&mut self, delta: isize) {
        if self.tab != Tab::Pending {
            return;
        }
        if let Some(detail) = &mut self.detail {
            let step = delta.clamp(-1000, 1000);
            detail.scroll = (i64::from(detail.scroll) + step as i64).clamp(0, 10_000) as u16;
            return;
        }
        if self.list.rows.is_empty() {
            return;
        }
        let last = self.list.rows.len() as isize - 1;
        self.list.selected = (self.list.selected as isize)
            .saturating_add(delta)
            .clamp(0, last) as usize;
        self.maybe_load_more();
    }

    /// Fetches the next page when the selection nears the end of what is loaded.
    fn maybe_load_more(&mut self) {
        let near_end = self.list.selected + self.page_rows() + 10 >= self.list.rows.len();
        if near_end && !self.list.loading && self.list.next_cursor.is_some() {
            self.list.loading = true;
            self.outbox.push(Request::Orders {
                seq: self.list.seq,
                query: self.list.query(self.list.next_cursor.clone()),
                append: true,
            });
        }
    }

    fn reload_list(&mut self) {
        self.list.seq += 1;
        self.list.loading = true;
        self.list.next_cursor = None;
        self.outbox.push(Request::Orders {
            seq: self.list.seq,
            query: self.list.query(None),
            append: false,
        });
    }

    fn request_counts(&mut self) {
        if self.counts_in_flight {
            self.counts_again = true;
        } else {
            self.counts_in_flight = true;
            self.outbox.push(Request::Counts);
        }
    }

    /// Opens an order by number, whether or not it is in the list.
    pub fn open(&mut self, order_no: &str) {
        self.tab = Tab::Pending;
        self.detail = Some(Detail {
            order_no: order_no.to_owned(),
            loading: true,
            ..Default::default()
        });
        self.outbox.push(Request::Detail {
            order_no: order_no.to_owned(),
            reveal: false,
        });
    }

    fn open_form(&mut self, kind: FormKind) {
        let Some(order) = self.detail.as_ref().and_then(|d| d.order.as_ref()) else {
            return;
        };
        let field = |key: &'static str, label: T, required: bool| Field {
            key,
            label,
            input: Input::new(""),
            required,
            error: None,
            hint: None,
        };
        let fields = match kind {
            FormKind::Note => vec![field("text", T::FieldNote, true)],
            FormKind::Act(action) => match action.needs() {
                ActionNeeds::Nothing => vec![],
                ActionNeeds::Reason => vec![field("reason", T::FieldReason, true)],
                ActionNeeds::OptionalNote => vec![field("reason", T::FieldOptionalNote, false)],
                ActionNeeds::Reasons => vec![field("reasons", T::FieldReasons, true)],
                ActionNeeds::Voucher | ActionNeeds::Attachments => {
                    vec![field("file", T::FieldFilePath, true)]
                }
                ActionNeeds::Shipment => vec![
                    field("carrier", T::FieldCarrier, true),
                    field("tracking_no", T::FieldTrackingNo, true),
                ],
                ActionNeeds::Invoice => vec![field("invoice_no", T::FieldInvoiceNo, true)],
            },
        };
        self.overlay = Some(Overlay::Form(Form {
            order_no: order.order_no.clone(),
            version: order.version,
            kind,
            fields,
            focus: 0,
            submitting: false,
            error: None,
        }));
    }

    // ----- overlays -----

    fn help_key(&mut self, mut filter: Input, mut selected: usize, key: KeyEvent) {
        let matches = self.help_matches(&filter.text());
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Enter => {
                if let Some((_, cmd, _)) = matches.get(selected) {
                    let cmd = *cmd;
                    self.run(cmd);
                }
                return;
            }
            KeyCode::Up => selected = selected.saturating_sub(1),
            KeyCode::Down => selected = (selected + 1).min(matches.len().saturating_sub(1)),
            _ => {
                filter.key(key);
                selected = 0;
            }
        }
        self.overlay = Some(Overlay::Help { filter, selected });
    }

    /// The commands the help offers for `filter`: (keys, command, label).
    pub fn help_matches(&self, filter: &str) -> Vec<(String, Cmd, String)> {
        let needle = filter.trim().to_lowercase();
        keys::bindings(&self.context())
            .into_iter()
            .filter(|b| b.cmd != Cmd::Help)
            .filter(|b| {
                let keys = b.keys.iter().any(|k| k.display().to_lowercase() == needle);
                let words = format!(
                    "{} {}",
                    b.cmd.label(self.lang),
                    b.cmd.short_label(self.lang)
                )
                .to_lowercase();
                needle.is_empty() || keys || words.contains(&needle)
            })
            .map(|b| {
                let keys: Vec<String> = b.keys.iter().map(|k| k.display()).collect();
                (keys.join(" "), b.cmd, b.cmd.label(self.lang))
            })
            .collect()
    }

    fn prompt_key(&mut self, kind: PromptKind, mut input: Input, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => {}
            KeyCode::Enter => match kind {
                PromptKind::Search => {
                    self.list.query = input.text().trim().to_owned();
                    self.detail = None;
                    self.reload_list();
                }
                PromptKind::Command => self.command(&input.text()),
            },
            _ => {
                input.key(key);
                self.overlay = Some(Overlay::Prompt { kind, input });
            }
        }
    }

    /// Runs a `:` command line.
    pub fn command(&mut self, line: &str) {
        let line = line.trim().trim_start_matches(':');
        let (name, arg) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let arg = arg.trim();
        match name {
            "q" | "quit" | "exit" => self.quit = true,
            "help" | "h" => self.run(Cmd::Help),
            "order" | "o" => match OrderNo::parse(arg) {
                Ok(no) => self.open(no.as_str()),
                Err(e) => self.notice = Some(Notice::Error(e.render(self.lang))),
            },
            "phone" | "p" => match Phone::parse(arg) {
                Ok(phone) => {
                    self.tab = Tab::Pending;
                    self.detail = None;
                    self.list.status = None;
                    self.list.query = phone.to_string();
                    self.reload_list();
                }
                Err(e) => self.notice = Some(Notice::Error(e.render(self.lang))),
            },
            "lang" => match Lang::parse(arg) {
                Some(lang) => self.lang = lang,
                None => {
                    self.notice = Some(Notice::Error(T::CmdLangUsage.get(self.lang).to_owned()))
                }
            },
            "theme" => match theme::load(arg, self.theme_dir.as_deref(), self.no_color) {
                Ok(theme) => {
                    self.theme = theme;
                    self.notice = Some(Notice::Info(T::ThemeChanged.fill(self.lang, &[arg])));
                }
                Err(e) => self.notice = Some(Notice::Error(e.to_string())),
            },
            "" => {}
            other => self.notice = Some(Notice::Error(T::CmdUnknown.fill(self.lang, &[other]))),
        }
    }

    fn form_key(&mut self, mut form: Form, key: KeyEvent) {
        if form.submitting {
            // Waiting for the platform; only Esc (give up waiting) is taken.
            if key.code != KeyCode::Esc {
                self.overlay = Some(Overlay::Form(form));
            }
            return;
        }
        let last = form.fields.len().saturating_sub(1);
        let on_file = form.fields.get(form.focus).is_some_and(|f| f.key == "file");
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Tab if on_file => {
                if let Some(field) = form.fields.get_mut(form.focus) {
                    let done = super::widgets::path::complete(&field.input.text());
                    field.input.set_text(&done.text);
                    field.hint = (!done.choices.is_empty()).then(|| done.choices.join("  "));
                    field.error = None;
                }
            }
            KeyCode::Tab | KeyCode::Down => form.focus = (form.focus + 1).min(last),
            KeyCode::BackTab | KeyCode::Up => form.focus = form.focus.saturating_sub(1),
            KeyCode::Enter if form.focus < last => form.focus += 1,
            KeyCode::Enter => {
                self.submit_form(form);
                return;
            }
            KeyCode::Char('y') if form.fields.is_empty() => {
                self.submit_form(form);
                return;
            }
            _ => {
                if let Some(field) = form.fields.get_mut(form.focus) {
                    field.input.key(key);
                    field.error = None;
                }
            }
        }
        self.overlay = Some(Overlay::Form(form));
    }

    fn submit_form(&mut self, mut form: Form) {
        let mut complete = true;
        for field in &mut form.fields {
            field.error = None;
            if field.required && field.input.is_blank() {
                field.error = Some(T::ErrRequired.get(self.lang).to_owned());
                complete = false;
            }
        }
        if !complete {
            form.focus = form
                .fields
                .iter()
                .position(|f| f.error.is_some())
                .unwrap_or(0);
            self.overlay = Some(Overlay::Form(form));
            return;
        }
        let value = |key: &str| {
            form.fields
                .iter()
                .find(|f| f.key == key)
                .map(|f| f.input.text().trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let request = match form.kind {
            FormKind::Note => Request::Note {
                order_no: form.order_no.clone(),
                text: value("text").unwrap_or_default(),
            },
            FormKind::Act(action) => {
                let reasons = value("reasons")
                    .map(|all| {
                        all.split(['；', ';', '，', ','])
                            .map(str::trim)
                            .filter(|r| !r.is_empty())
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                let upload = value("file").map(|path| {
                    let kind = if action == Action::UploadVoucher {
                        AttachmentKind::Voucher
                    } else {
                        AttachmentKind::Correction
                    };
                    (kind, expand_home(&path))
                });
                Request::Act {
                    order_no: form.order_no.clone(),
                    action,
                    body: ActionRequest {
                        version: Some(form.version),
                        reason: value("reason"),
                        reasons,
                        carrier: value("carrier"),
                        tracking_no: value("tracking_no"),
                        invoice_no: value("invoice_no"),
                        ..Default::default()
                    },
                    upload,
                }
            }
        };
        form.submitting = true;
        form.error = None;
        self.outbox.push(request);
        self.overlay = Some(Overlay::Form(form));
    }

    // ----- platform messages -----

    /// An answer or event from the network layer.
    pub fn on_msg(&mut self, msg: Msg) {
        self.dirty = true;
        match msg {
            Msg::Me(Ok(me)) => self.me = Some(me),
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
            Msg::Noted { order_no, result } => {
                let done = T::NoteAdded.get(self.lang).to_owned();
                self.finish_form(&order_no, result.map(|_| (None, done)));
            }
            Msg::FileError {
                order_no,
                path,
                kind,
            } => {
                let text = match kind {
                    std::io::ErrorKind::NotFound => T::FileNotFound,
                    std::io::ErrorKind::PermissionDenied => T::FilePermission,
                    std::io::ErrorKind::IsADirectory => T::FileIsDirectory,
                    _ => T::FileUnreadable,
                };
                let message = text.fill(self.lang, &[&path.display().to_string()]);
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
                    // filtered or paged may have moved too.
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
            | Msg::Submitted { .. }) => {
                let now = now_ms(self.now);
                let lang = self.lang;
                let describe = move |e: &ClientError| describe(lang, e);
                self.newapp.on_msg(msg, lang, now, &describe);
            }
            Msg::Event(event) => {
                self.last_event = Some(self.now);
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

    /// Brings one list row up to date after an event: replaced, removed when it no longer
    /// matches the filter, or added when new and it belongs in what is loaded.
    fn patch_row(&mut self, order_no: &str, result: Result<Option<OrderSummary>, ClientError>) {
        let Ok(row) = result else { return };
        let keep = self.list.selected_no();
        let position = self.list.rows.iter().position(|r| r.order_no == order_no);
        match (position, row) {
            (Some(i), Some(row)) if self.list.admits(row.status) => self.list.rows[i] = row,
            (Some(i), _) => {
                self.list.rows.remove(i);
            }
            (None, Some(row))
                if self.list.admits(row.status)
                    && self.list.query.is_empty()
                    && self.list.loaded =>
            {
                let oldest = self.list.oldest_first;
                let before = |other: &OrderSummary| {
                    if oldest {
                        other.order_no < row.order_no
                    } else {
                        other.order_no > row.order_no
                    }
                };
                let at = self.list.rows.iter().take_while(|r| before(r)).count();
                // Past the loaded rows it will come with the next page.
                if at < self.list.rows.len() || self.list.next_cursor.is_none() {
                    self.list.rows.insert(at, row);
                }
            }
            _ => {}
        }
        self.list.reselect(keep);
    }

    fn finish_form(
        &mut self,
        order_no: &str,
        result: Result<(Option<Order>, String), ClientError>,
    ) {
        let form = match self.overlay.take() {
            Some(Overlay::Form(form)) if form.order_no == order_no => Some(form),
            other => {
                self.overlay = other;
                None
            }
        };
        match result {
            Ok((order, done)) => {
                self.notice = Some(Notice::Info(
                    T::ActionDone.fill(self.lang, &[&done, order_no]),
                ));
                if let Some(detail) = self.detail.as_mut().filter(|d| d.order_no == order_no) {
                    if let Some(order) = order {
                        detail.order = Some(order);
                    }
                    self.outbox.push(Request::Detail {
                        order_no: order_no.to_owned(),
                        reveal: false,
                    });
                }
            }
            Err(e) => {
                let message = self.describe(&e);
                let Some(mut form) = form else {
                    self.notice = Some(Notice::Error(message));
                    return;
                };
                form.submitting = false;
                let mut placed = false;
                if let Some(problem) = e.problem() {
                    for error in &problem.errors {
                        let key = error.field.split(['[', '.']).next().unwrap_or_default();
                        let key = if key == "attachment_ids" { "file" } else { key };
                        if let Some(field) = form.fields.iter_mut().find(|f| f.key == key) {
                            field.error = Some(error.message.clone());
                            placed = true;
                        }
                    }
                }
                if !placed {
                    form.error = Some(message);
                }
                self.overlay = Some(Overlay::Form(form));
            }
        }
    }

    /// A platform or network error in words for the operator.
    pub fn describe(&self, error: &ClientError) -> String {
        describe(self.lang, error)
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
