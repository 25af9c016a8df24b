//! The frame around the tabs: which tab is shown, the overlays (help, command line), the
//! status of the link, and the routing — keys to the shown tab or the frame, answers to
//! whoever asked, platform events to every tab, signals from one tab to another. It
//! knows tabs only as [`Tab`]s: their titles and their calls, never their insides.
//! Nothing here does IO, so every behaviour can be tested by feeding it events.

/// Calls `method` of tab `i` with what it may read (built from the fields, so the tab can
/// be borrowed mutably meanwhile).
macro_rules! call {
    ($app:ident, $i:expr, $method:ident $(, $arg:expr)*) => {{
        let i = $i;
        let shown = i == $app.shown && $app.allowed(i);
        let env = $crate::tui::app::env(&$app.shared, $app.lang, $app.now, shown);
        $app.tabs[i].$method(env $(, $arg)*)
    }};
}

mod overlay;
mod platform;
mod view;

use std::cell::RefCell;
use std::path::PathBuf;

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use time::OffsetDateTime;

pub use overlay::Overlay;
pub use platform::{FrameAnswer, FrameRequest};
pub use view::{MIN_HEIGHT, MIN_WIDTH, draw};

use super::component::{AnyCmd, Component, Env, Live, Out, Shared, Signal, Tab};
use super::keys::{self, Focus, Frame};
use super::net::{Job, Msg, Route};
use super::text::{Notice, Text};
use super::theme::Theme;
use super::widgets::picture::ColorMode;
use crate::domain::OrderStatus;
use crate::i18n::{Lang, T};

/// Seconds of reconnecting after which the status line says 离线.
const OFFLINE_AFTER: i64 = 10;

/// The connection to the platform as the status line tells it.
#[derive(Debug, Clone, PartialEq)]
pub enum Conn {
    /// Starting.
    Connecting,
    /// The platform spoke within the last few seconds.
    Online,
    /// Lost or silent; retrying.
    Reconnecting {
        /// Attempt number.
        attempt: u32,
    },
    /// The platform answers but refuses the token: revoked, or the operator disabled.
    Refused,
    /// Lost for a while (several attempts failed).
    Offline {
        /// Why, as the platform or network said.
        reason: String,
    },
}

/// Where things were drawn, for mouse clicks.
#[derive(Debug, Default, Clone)]
pub struct Hitboxes {
    /// Each tab's columns on the tab row: (position, x from, x to).
    pub tabs: Vec<(usize, u16, u16)>,
    /// The row of the tab bar.
    pub tab_row: u16,
    /// The main area.
    pub main: ratatui::layout::Rect,
}

/// The whole TUI.
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
    /// How scans are drawn with half blocks.
    pub colors: ColorMode,
    /// A terminal graphics protocol (kitty, sixel, iTerm2) for scans, when there is one.
    pub graphics: Option<ratatui_image::picker::Picker>,
    /// The platform, as shown in the status line.
    pub server_label: ServerLabel,
    /// Connection state.
    pub conn: Conn,
    /// Since when the event stream is lost, and why (last said).
    link_lost: Option<(OffsetDateTime, String)>,
    /// When the last event arrived.
    pub last_event: Option<OffsetDateTime>,
    /// What every tab may read: the operator, the platform, read-only mode.
    pub shared: Shared,
    /// The clock, for relative times.
    pub now: OffsetDateTime,
    /// Something changed since the last frame.
    pub dirty: bool,
    /// Leave the loop.
    pub quit: bool,
    /// Where things were drawn.
    pub hitboxes: RefCell<Hitboxes>,
    tabs: Vec<Box<dyn Tab>>,
    shown: usize,
    navigated: bool,
    /// The tab a signal was shown from, and the tab it brought up: [`Signal::Return`]
    /// from the second goes back to the first. Any other change of tab forgets it.
    came_from: Option<(usize, usize)>,
    overlay: Option<Overlay>,
    notice: Option<Notice>,
    jobs: Vec<Job>,
    size: (u16, u16),
    last_full_tick: Option<OffsetDateTime>,
    counts: crate::tui::counts::StatusCounts,
}

/// The platform the status line names, in the language of the moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerLabel {
    /// The platform this process runs (`内置平台` and its address).
    Embedded(String),
    /// A platform elsewhere, by its address.
    Remote(String),
}

impl ServerLabel {
    /// The words shown.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            ServerLabel::Embedded(addr) => format!("{} {addr}", T::EmbeddedPlatform.get(lang)),
            ServerLabel::Remote(url) => url.clone(),
        }
    }

    /// What says which platform it is, whole: the embedded platform's name and address, a
    /// remote one's host (without the scheme or path). The status line keeps it before the
    /// time of the last update.
    pub fn whole(&self, lang: Lang) -> String {
        match self {
            ServerLabel::Embedded(_) => self.text(lang),
            ServerLabel::Remote(url) => {
                let host = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
                host.split('/').next().unwrap_or(host).to_owned()
            }
        }
    }

    /// The words shown in `width` columns, giving way in whole parts: the embedded
    /// platform keeps its name without the address (which platform a clerk is on matters
    /// more than its port); a remote one keeps its host without the scheme or path, and
    /// only then is cut. `None` when not even that fits.
    pub fn text_within(&self, lang: Lang, width: usize, ellipsis: &str) -> Option<String> {
        use unicode_width::UnicodeWidthStr;
        let full = self.text(lang);
        if full.width() <= width {
            return Some(full);
        }
        match self {
            ServerLabel::Embedded(_) => {
                let name = T::EmbeddedPlatform.get(lang);
                (name.width() <= width).then(|| name.to_owned())
            }
            ServerLabel::Remote(_) => {
                let host = self.whole(lang);
                let host = host.as_str();
                if host.width() <= width {
                    Some(host.to_owned())
                } else {
                    (width >= 8).then(|| crate::tui::text::fit(host, width, ellipsis))
                }
            }
        }
    }
}

impl From<&str> for ServerLabel {
    fn from(url: &str) -> ServerLabel {
        ServerLabel::Remote(url.to_owned())
    }
}

impl App {
    /// An app with `tabs` (see `tabs::all`); call [`App::start`] to ask for the first data.
    pub fn new(
        lang: Lang,
        theme: Theme,
        server_label: ServerLabel,
        now: OffsetDateTime,
        tabs: Vec<Box<dyn Tab>>,
    ) -> App {
        App {
            lang,
            theme,
            theme_dir: None,
            no_color: false,
            ascii: false,
            colors: ColorMode::TrueColor,
            graphics: None,
            server_label,
            conn: Conn::Connecting,
            link_lost: None,
            last_event: None,
            shared: Shared::default(),
            now,
            dirty: true,
            quit: false,
            hitboxes: Default::default(),
            tabs,
            shown: 0,
            navigated: false,
            came_from: None,
            overlay: None,
            notice: None,
            jobs: Vec::new(),
            size: (MIN_WIDTH, MIN_HEIGHT),
            last_full_tick: None,
            counts: Default::default(),
        }
    }

    /// Asks for who we are, the platform's facts, the counts, and each tab's first data.
    pub fn start(&mut self) {
        // Known already when the start-up asked (to settle the drafts): not asked twice.
        if self.shared.me.is_none() {
            self.frame_ask(FrameRequest::Me);
        }
        self.frame_ask(FrameRequest::Health);
        self.frame_ask(FrameRequest::Carriers);
        self.request_counts();
        for i in 0..self.tabs.len() {
            let out = self.tabs[i].start(env(&self.shared, self.lang, self.now, false));
            self.absorb(i, out);
        }
        // The first tab this session may use (read-only: not 新申请, which only says so).
        if !self.allowed(self.shown)
            && let Some(first) = (0..self.tabs.len()).find(|i| self.allowed(*i))
        {
            self.shown = first;
        }
        self.show(self.shown);
        if self.shared.me.is_some() {
            self.go_home();
        }
    }

    /// The terminal's size (keys are ignored while it is too small to lay out).
    pub fn resize(&mut self, width: u16, height: u16) {
        self.size = (width, height);
        self.dirty = true;
    }

    // ----- tabs -----

    /// How many tabs.
    pub fn tab_count(&self) -> usize {
        self.tabs.len()
    }

    /// The position of the tab shown.
    pub fn shown(&self) -> usize {
        self.shown
    }

    /// The titles of every tab, in order.
    pub fn titles(&self) -> Vec<T> {
        self.tabs.iter().map(|t| t.title()).collect()
    }

    /// The position of the tab whose component is a `C`.
    pub fn position<C: Component>(&self) -> Option<usize> {
        self.tabs.iter().position(|t| t.as_any().is::<C>())
    }

    /// The component `C` (for tests and the benchmark).
    pub fn tab<C: Component>(&self) -> Option<&C> {
        self.tabs
            .iter()
            .find_map(|t| t.as_any().downcast_ref::<C>())
    }

    /// The component `C`, to change (for tests).
    pub fn tab_mut<C: Component>(&mut self) -> Option<&mut C> {
        self.tabs
            .iter_mut()
            .find_map(|t| t.as_any_mut().downcast_mut::<C>())
    }

    /// Shows the tab whose component is a `C`.
    pub fn show_tab<C: Component>(&mut self) {
        if let Some(i) = self.position::<C>() {
            self.go_tab(i);
        }
    }

    /// Hands `answer` to the component `C` as if the platform had sent it (tests).
    pub fn answer<C: Component>(&mut self, answer: C::Answer) {
        if let Some(i) = self.position::<C>() {
            self.on_msg(Msg::Answer {
                to: Route::Tab(i),
                answer: Box::new(answer),
            });
        }
    }

    /// Runs a command of the component `C` as if its key were pressed (tests).
    pub fn command<C: Component>(&mut self, cmd: C::Cmd) {
        if let Some(i) = self.position::<C>() {
            let any = AnyCmd::new(cmd);
            let out = call!(self, i, command, &any);
            self.absorb(i, out);
            self.dirty = true;
        }
    }

    /// May the operator use tab `i`? Until we know who we are, every tab is usable.
    pub fn allowed(&self, i: usize) -> bool {
        let Some(tab) = self.tabs.get(i) else {
            return false;
        };
        if self.shared.read_only && !tab.read_only_usable() {
            return false;
        }
        self.shared.me.is_none() || self.shared.roles().permits(tab.permission())
    }

    /// How many orders are in `status`, when known.
    pub fn count(&self, status: OrderStatus) -> Option<i64> {
        self.counts.get(status)
    }

    fn env(&self, i: usize) -> Env<'_> {
        env(
            &self.shared,
            self.lang,
            self.now,
            i == self.shown && self.allowed(i),
        )
    }

    /// Takes what tab `i` asked for: its requests go out, its signals to the others.
    fn absorb(&mut self, i: usize, out: Out) {
        for mut job in out.jobs {
            job.to = Route::Tab(i);
            self.jobs.push(job);
        }
        for signal in out.signals {
            if let Signal::Interrupted(notice) = signal {
                // Only the shown tab is being typed into; a hidden one keeps its message.
                if i == self.shown {
                    self.overlay = Some(Overlay::Halt { notice });
                    self.dirty = true;
                }
                continue;
            }
            if let Signal::Return = signal {
                if let Some((from, to)) = self.came_from.take()
                    && to == i
                    && i == self.shown
                {
                    self.go_tab(from);
                }
                continue;
            }
            if let Signal::Reworded(better) = signal {
                if i == self.shown
                    && let Some(Overlay::Halt { notice }) = self.overlay.as_mut()
                {
                    *notice = better;
                    self.dirty = true;
                }
                continue;
            }
            self.deliver(&signal, Some(i));
        }
    }

    /// Hands a signal to each tab in turn (not the sender); the first that takes it is
    /// shown.
    fn deliver(&mut self, signal: &Signal, from: Option<usize>) {
        for i in 0..self.tabs.len() {
            if Some(i) == from || !self.allowed(i) {
                continue;
            }
            let (taken, out) = call!(self, i, signal, signal);
            self.absorb(i, out);
            if taken {
                let from = self.shown;
                self.go_tab(i);
                self.came_from = (from != i).then_some((from, i));
                return;
            }
        }
    }

    fn go_tab(&mut self, i: usize) {
        if i >= self.tabs.len() {
            return;
        }
        self.navigated = true;
        self.came_from = None;
        self.show(i);
    }

    fn show(&mut self, i: usize) {
        self.shown = i;
        self.dirty = true;
        if self.allowed(i) {
            let out = call!(self, i, shown);
            self.absorb(i, out);
        } else if let Some(me) = &self.shared.me {
            // Said as the tab's own screen says it: read-only first, then the role. Not
            // before the operator is known (the roles would read as empty).
            let title = self.tabs[i].title().get(self.lang).to_owned();
            let text = if self.shared.read_only {
                Text::with(T::TabNotReadOnly, [title])
            } else {
                let roles = super::component::role_names(&me.roles, self.lang);
                Text::with(T::TabNotForRole, [roles, title])
            };
            self.notice = Some(Notice::error(text));
        }
    }

    /// Opens on the tab where the operator works (once their roles are known), unless
    /// they already went somewhere themselves.
    fn go_home(&mut self) {
        if self.navigated {
            return;
        }
        let roles = self.shared.roles();
        let home = (0..self.tabs.len())
            .filter(|i| self.allowed(*i))
            .filter_map(|i| self.tabs[i].home(&roles).map(|rank| (rank, i)))
            .max_by_key(|(rank, i)| (*rank, std::cmp::Reverse(*i)))
            .map(|(_, i)| i);
        if let Some(i) = home
            && i != self.shown
        {
            self.show(i);
        }
    }

    /// Everything the app and its tabs want sent, in order.
    pub fn take_jobs(&mut self) -> Vec<Job> {
        if self.allowed(self.shown) {
            let i = self.shown;
            let out = call!(self, i, after_draw);
            self.absorb(i, out);
        }
        std::mem::take(&mut self.jobs)
    }

    /// The last requests before leaving (claims given back).
    pub fn leave(&mut self) -> Vec<Job> {
        for i in 0..self.tabs.len() {
            let out = call!(self, i, leave);
            self.absorb(i, out);
        }
        std::mem::take(&mut self.jobs)
    }

    // ----- input -----

    /// A terminal event.
    pub fn on_event(&mut self, event: Event) {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => self.on_key(key),
            Event::Paste(text) => self.on_paste(&text),
            Event::Mouse(mouse) => self.on_mouse(mouse),
            Event::Resize(w, h) => self.resize(w, h),
            _ => {}
        }
    }

    fn too_small(&self) -> bool {
        self.size.0 < MIN_WIDTH || self.size.1 < MIN_HEIGHT
    }

    /// The focus of the shown tab (a tab the operator cannot use takes no keys).
    fn focus(&self) -> Focus {
        if self.allowed(self.shown) {
            self.tabs[self.shown].focus()
        } else {
            Focus::Free
        }
    }

    /// A key press.
    pub fn on_key(&mut self, key: KeyEvent) {
        self.dirty = true;
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            self.quit = true;
            return;
        }
        if self.too_small() {
            // Nothing is shown to type into: keys would change what cannot be seen. Only
            // leaving works (q too: no field can take it).
            let frame = keys::frame_bindings(Focus::Free, &self.titles(), self.lang);
            if keys::lookup(&frame, &key) == Some(Frame::Quit) {
                self.quit = true;
            }
            return;
        }
        if let Some(overlay) = self.overlay.take() {
            self.overlay_key(overlay, key);
            return;
        }
        self.notice = None;
        let i = self.shown;
        let usable = self.allowed(i);
        if usable {
            let env = self.env(i);
            let bindings = self.tabs[i].bindings(&env);
            if let Some(cmd) = keys::lookup(&bindings, &key) {
                let out = call!(self, i, command, &cmd);
                self.absorb(i, out);
                return;
            }
        }
        let frame = keys::frame_bindings(self.focus(), &self.titles(), self.lang);
        if let Some(cmd) = keys::lookup(&frame, &key) {
            self.frame_command(cmd);
            return;
        }
        if usable {
            let (used, out) = call!(self, i, key, key);
            self.absorb(i, out);
            // `/` where nothing is searched (a queue): where it is, rather than nothing.
            if !used
                && key.code == KeyCode::Char('/')
                && key.modifiers.difference(KeyModifiers::SHIFT).is_empty()
                && self.focus() == Focus::Free
                && self.notice.is_none()
            {
                self.notice = Some(Notice::info(T::SearchInOrders));
            }
        }
    }

    /// Pasted text goes to whatever field has the focus.
    pub fn on_paste(&mut self, text: &str) {
        self.dirty = true;
        if self.too_small() {
            return;
        }
        if let Some(overlay) = &mut self.overlay {
            overlay.paste(text);
            return;
        }
        let i = self.shown;
        if self.allowed(i) {
            let (_, out) = call!(self, i, paste, text);
            self.absorb(i, out);
        }
    }

    /// Mouse clicks and scrolling (only when mouse capture is on).
    pub fn on_mouse(&mut self, mouse: MouseEvent) {
        if self.overlay.is_some() || self.too_small() {
            return;
        }
        let hit = self.hitboxes.borrow().clone();
        let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
        match mouse.kind {
            MouseEventKind::ScrollDown => self.on_key(key(KeyCode::Down)),
            MouseEventKind::ScrollUp => self.on_key(key(KeyCode::Up)),
            MouseEventKind::Down(MouseButton::Left) => {
                if mouse.row == hit.tab_row
                    && let Some((i, _, _)) = hit
                        .tabs
                        .iter()
                        .find(|(_, from, to)| (*from..*to).contains(&mouse.column))
                {
                    self.go_tab(*i);
                } else if (hit.main.y..hit.main.bottom()).contains(&mouse.row)
                    && self.allowed(self.shown)
                {
                    let i = self.shown;
                    let out = call!(self, i, click, mouse.row - hit.main.y);
                    self.absorb(i, out);
                }
            }
            _ => return,
        }
        self.dirty = true;
    }

    /// Called every second: countdowns redraw at once, other relative times every 15 s;
    /// each tab refreshes what it keeps live.
    pub fn on_tick(&mut self, now: OffsetDateTime) {
        self.now = now;
        // A platform that stays silent (a stopped process, a dead link whose every attempt
        // waits out its timeout) reads 离线 after a while, not 重连中 for minutes.
        if let (Conn::Reconnecting { .. }, Some((since, reason))) = (&self.conn, &self.link_lost)
            && (now - *since).whole_seconds() >= OFFLINE_AFTER
        {
            self.conn = Conn::Offline {
                reason: reason.clone(),
            };
            self.dirty = true;
        }
        let due = self
            .last_full_tick
            .is_none_or(|last| (now - last).whole_seconds() >= 15);
        if due {
            self.last_full_tick = Some(now);
            self.dirty = true;
        }
        if self.tabs.get(self.shown).is_some_and(|t| t.counting()) {
            self.dirty = true;
        }
        for i in 0..self.tabs.len() {
            if !self.allowed(i) {
                continue;
            }
            let out = call!(self, i, tick);
            if !out.jobs.is_empty() {
                self.dirty = true;
            }
            self.absorb(i, out);
        }
    }

    /// Does what a frame key asked for.
    pub fn frame_command(&mut self, cmd: Frame) {
        self.dirty = true;
        let count = self.tabs.len();
        match cmd {
            Frame::GoTab(i) => self.go_tab(i),
            Frame::NextTab => self.go_tab((self.shown + 1) % count),
            Frame::PrevTab => self.go_tab((self.shown + count - 1) % count),
            Frame::Help => self.overlay = Some(Overlay::help()),
            Frame::CommandLine(typed) => self.overlay = Some(Overlay::command(typed)),
            Frame::Refresh => {
                self.frame_ask(FrameRequest::Me);
                self.frame_ask(FrameRequest::Health);
                self.request_counts();
                self.broadcast(&Live::Refresh);
            }
            Frame::ToggleLang => self.set_lang(match self.lang {
                Lang::ZhCn => Lang::En,
                Lang::En => Lang::ZhCn,
            }),
            Frame::Quit => self.quit = true,
        }
    }

    fn set_lang(&mut self, lang: Lang) {
        if lang != self.lang {
            self.lang = lang;
            self.broadcast(&Live::Language);
        }
    }

    fn broadcast(&mut self, event: &Live) {
        for i in 0..self.tabs.len() {
            if !self.allowed(i) {
                continue;
            }
            let out = call!(self, i, live, event);
            self.absorb(i, out);
        }
    }

    // ----- platform messages -----

    /// An answer or event from the network side.
    pub fn on_msg(&mut self, msg: Msg) {
        self.dirty = true;
        match msg {
            Msg::Answer {
                to: Route::Tab(i),
                answer,
            } => {
                if i < self.tabs.len() {
                    let out = call!(self, i, answer, answer);
                    self.absorb(i, out);
                }
            }
            Msg::Answer {
                to: Route::Frame,
                answer,
            } => {
                if let Ok(answer) = answer.downcast::<FrameAnswer>() {
                    self.frame_answer(*answer);
                }
            }
            Msg::Online => {
                self.link_lost = None;
                // "Cannot reach the platform" (who we are, asked at start) is so no longer.
                crate::tui::text::forget_offline(&mut self.notice);
                let was_down = !matches!(self.conn, Conn::Connecting | Conn::Online);
                self.conn = Conn::Online;
                // Back after a drop: the operator's roles may have changed meanwhile (the
                // platform ends their stream when they do).
                if self.shared.me.is_none() || was_down {
                    self.frame_ask(FrameRequest::Me);
                }
                // Started while the platform was out of reach: its facts (which parts are
                // demos, the carriers) are asked for now — the status line lacked 演示.
                if was_down && self.shared.platform.is_none() {
                    self.frame_ask(FrameRequest::Health);
                }
                if was_down && self.shared.carriers.is_empty() {
                    self.frame_ask(FrameRequest::Carriers);
                }
                if was_down {
                    // Whatever happened while we were away: the stream resumes, but lists
                    // and drafts' orders may have moved too.
                    self.request_counts();
                    self.broadcast(&Live::Resumed);
                }
            }
            Msg::Reconnecting { attempt, reason } => {
                let since = match &self.link_lost {
                    Some((since, _)) => *since,
                    None => self.now,
                };
                self.link_lost = Some((since, reason.clone()));
                self.conn = if attempt >= 4 || (self.now - since).whole_seconds() >= OFFLINE_AFTER {
                    Conn::Offline { reason }
                } else {
                    Conn::Reconnecting { attempt }
                };
            }
            Msg::Refused => self.conn = Conn::Refused,
            Msg::Event(event) => {
                self.last_event = Some(self.now);
                // The event says how the counts move: nothing to ask.
                self.counts.event(&event);
                self.broadcast(&Live::Order(event));
            }
            Msg::RealnameEvent(event) => {
                self.last_event = Some(self.now);
                self.broadcast(&Live::Realname(event));
            }
        }
    }

    fn frame_ask(&mut self, request: FrameRequest) {
        self.jobs.push(platform::job(request));
    }

    fn request_counts(&mut self) {
        if self.counts.ask() {
            self.frame_ask(FrameRequest::Counts);
        }
    }

    /// A message for the frame's line (tests).
    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    /// The overlay shown, if any.
    pub fn overlay(&self) -> Option<&Overlay> {
        self.overlay.as_ref()
    }
}

/// What a tab reads while it handles something.
fn env(shared: &Shared, lang: Lang, now: OffsetDateTime, shown: bool) -> Env<'_> {
    Env {
        lang,
        now,
        shared,
        shown,
    }
}
