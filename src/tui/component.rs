//! The shape of every tab: a [`Component`] owns its state, turns keys into its own
//! commands, asks the platform through its own requests and takes their answers, follows
//! platform events, and draws itself. The frame (`app`) holds them as [`Tab`]s — the same
//! component with its types erased — and never looks inside one.

use std::any::Any;
use std::fmt::Debug;
use std::rc::Rc;

use crossterm::event::KeyEvent;
use futures_util::future::BoxFuture;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use time::OffsetDateTime;

use super::keys::{Binding, Focus};
use super::net::{Erased, Job, Net, Route};
use super::text::Notice;
use super::theme::Theme;
use super::widgets::picture::ColorMode;
use crate::api::{Carrier, DemoPart, Health, Me, Order, OrderEvent, RealnameEvent};
use crate::domain::{OrderStatus, Permission, Role, RoleSet};
use crate::i18n::{Lang, T};

/// What every component may read: who is at the counter and what the platform is like.
#[derive(Debug, Default)]
pub struct Shared {
    /// The operator, once known.
    pub me: Option<Me>,
    /// Everything viewable, nothing changeable.
    pub read_only: bool,
    /// The platform's health answer (upload limit, QR payment, where phones reach it).
    pub platform: Option<Health>,
    /// The carriers the platform ships with (names for codes).
    pub carriers: Vec<Carrier>,
    /// The platform runs inside this TUI (its settings are this counter's own).
    pub embedded: bool,
    /// The configured printer.
    pub printer: Option<String>,
}

impl Shared {
    /// The CA's own tax number / credit code, as the platform said it (empty until it has):
    /// the counter's forms refuse it as a buyer's or an applicant's as a field is left.
    pub fn seller_tax_number(&self) -> &str {
        self.platform
            .as_ref()
            .map_or("", |h| h.seller_tax_number.as_str())
    }

    /// The operator's roles (none until known).
    pub fn roles(&self) -> RoleSet {
        self.me
            .as_ref()
            .map(|m| RoleSet::new(m.roles.iter().copied()))
            .unwrap_or_default()
    }

    /// May the operator do this now? Read-only mode permits looking only.
    pub fn permits(&self, permission: Permission) -> bool {
        // Showing personal data in full is looking too (and audited by the platform).
        let looking = matches!(
            permission,
            Permission::ViewOrders | Permission::RevealPersonalData | Permission::RevealContact
        );
        (looking || !self.read_only) && self.roles().permits(permission)
    }

    /// Is this part of the platform a built-in stand-in? What it produced (an invoice
    /// number, a text message) is then said to be a demo wherever the TUI shows it.
    pub fn demo(&self, part: DemoPart) -> bool {
        self.platform
            .as_ref()
            .is_some_and(|h| h.demo_parts.contains(&part))
    }

    /// Was an order paid without money coming in: at the sandbox cashier, or by transfer to
    /// the example account? Its certificate must not go out, nor its invoice pass for one.
    pub fn paid_in_demo(&self, payment_method: Option<&str>) -> bool {
        crate::domain::paid_without_money(payment_method, self.demo(DemoPart::Bank))
    }

    /// The largest upload the platform takes (10 MB until it says).
    pub fn upload_limit(&self) -> u64 {
        self.platform
            .as_ref()
            .map(|h| h.max_upload_bytes)
            .filter(|n| *n > 0)
            .unwrap_or(10 * 1024 * 1024)
    }

    /// A carrier's name in `lang`, or its code when unknown.
    pub fn carrier_name(&self, code: &str, lang: Lang) -> String {
        self.carriers
            .iter()
            .find(|c| c.code == code)
            .map(|c| match lang {
                Lang::En if !c.name_en.is_empty() => c.name_en.clone(),
                _ => c.name.clone(),
            })
            .unwrap_or_else(|| code.to_owned())
    }
}

/// What a component reads while it handles something.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    /// The language shown.
    pub lang: Lang,
    /// The clock.
    pub now: OffsetDateTime,
    /// The operator and the platform.
    pub shared: &'a Shared,
    /// This component is the tab on screen.
    pub shown: bool,
}

impl Env<'_> {
    /// Unix milliseconds now.
    pub fn now_ms(&self) -> i64 {
        (self.now.unix_timestamp_nanos() / 1_000_000) as i64
    }
}

/// What a component gets while it handles something: what it may read, and where its
/// requests and signals go.
pub struct Ctx<'a, R> {
    /// What it may read.
    pub env: Env<'a>,
    requests: &'a mut Vec<R>,
    signals: &'a mut Vec<Signal>,
}

impl<'a, R> Ctx<'a, R> {
    /// A context writing into these vectors (the frame's, or a test's).
    pub fn new(env: Env<'a>, requests: &'a mut Vec<R>, signals: &'a mut Vec<Signal>) -> Self {
        Ctx {
            env,
            requests,
            signals,
        }
    }

    /// Asks the platform (answered later through [`Component::answer`]).
    pub fn ask(&mut self, request: R) {
        self.requests.push(request);
    }

    /// Tells the frame something for another tab.
    pub fn signal(&mut self, signal: Signal) {
        self.signals.push(signal);
    }
}

impl<'a, R> std::ops::Deref for Ctx<'a, R> {
    type Target = Env<'a>;

    fn deref(&self) -> &Env<'a> {
        &self.env
    }
}

/// What a component needs to draw.
pub struct View<'a> {
    /// The language shown.
    pub lang: Lang,
    /// The clock.
    pub now: OffsetDateTime,
    /// Styles.
    pub theme: &'a Theme,
    /// Box characters or ASCII.
    pub ascii: bool,
    /// `NO_COLOR` is set.
    pub no_color: bool,
    /// How scans are drawn with half blocks.
    pub colors: ColorMode,
    /// A terminal graphics protocol for scans, when there is one.
    pub graphics: Option<&'a ratatui_image::picker::Picker>,
    /// The operator and the platform.
    pub shared: &'a Shared,
    /// The orders per status, as the tab bar shows them.
    pub(crate) counts: &'a super::counts::StatusCounts,
    /// The frame's own message, for a tab that keeps every row ([`Component::keeps_rows`])
    /// to draw where it has room.
    pub beside: Option<&'a Notice>,
}

impl View<'_> {
    /// The symbols for this terminal.
    pub fn glyphs(&self) -> &'static super::widgets::Glyphs {
        super::widgets::glyphs(self.ascii)
    }

    /// A message as every screen shows it: its tone's colour and mark, then its words.
    pub fn notice_line(&self, notice: &Notice) -> Line<'static> {
        use super::text::Tone;
        let g = self.glyphs();
        let (style, mark) = match notice.tone {
            Tone::Done => (self.theme.success, g.check),
            Tone::Info => (self.theme.info, ""),
            Tone::Warning => (self.theme.warning, g.warning),
            Tone::Error => (self.theme.error, "!"),
            Tone::Working => (self.theme.dim, ""),
        };
        let text = notice.text.get(self.lang);
        let text = if mark.is_empty() || text.starts_with(mark) {
            format!(" {text}")
        } else {
            format!(" {mark} {text}")
        };
        Line::from(text).style(style)
    }

    /// A queue's lead for an operator who may not take its action (only the mailroom
    /// ships, only finance invoices): `said` ("只读查看：…") first, so that keys that do
    /// nothing are not a mystery; nothing for one who may.
    pub fn watching_only(
        &self,
        action: crate::domain::Action,
        said: crate::i18n::T,
    ) -> Option<ratatui::text::Span<'static>> {
        (!self.shared.permits(Permission::Act(action))).then(|| {
            // A reviewer in read-only mode is told it is the mode, not that reviewers
            // decide (they are one).
            let said =
                if self.shared.read_only && self.shared.roles().permits(Permission::Act(action)) {
                    crate::i18n::T::ReadOnlyNoActions
                } else {
                    said
                };
            ratatui::text::Span::styled(format!("{}  ", said.get(self.lang)), self.theme.warning)
        })
    }

    /// For a queue that lists `listed` of the orders in `status`, oldest first, from an
    /// answer that held `fetched`: when that answer was full ([`crate::api::QUEUE_LIMIT`])
    /// and the platform holds more, a line saying how many in all — `共 5652 单，这里列出最早的
    /// 500 单` — so that a summary of the listed is not read as the whole queue's. A shorter
    /// answer was the whole queue: a count that ran ahead of it (an event, the queue not yet
    /// fetched again) says nothing.
    pub fn listed_of(
        &self,
        status: OrderStatus,
        listed: usize,
        fetched: usize,
    ) -> Option<Line<'static>> {
        let all = self.waiting_beyond(status, listed, fetched)?;
        let text = T::QueueListedOfAll.fill(self.lang, &[&listed.to_string(), &all.to_string()]);
        Some(Line::from(text).style(self.theme.warning))
    }

    /// How many orders wait in `status` when more than the `listed` do ([`Self::listed_of`]).
    pub fn waiting_beyond(
        &self,
        status: OrderStatus,
        listed: usize,
        fetched: usize,
    ) -> Option<i64> {
        let all = self.counts.get(status)?;
        (fetched >= crate::api::QUEUE_LIMIT && all > listed as i64).then_some(all)
    }

    /// A queue's counts for its summary line, from the `listed` orders of an answer that
    /// held `fetched`: how many wait (all of them, when more than are listed), and a count
    /// of the listed (overdue ones, say) as a floor when the rest are not listed
    /// (`500+`): a supervisor reading the line must not take 500 for what waits.
    pub fn queue_counts(
        &self,
        status: OrderStatus,
        listed: usize,
        fetched: usize,
        of_listed: &[usize],
    ) -> (String, Vec<String>) {
        match self.waiting_beyond(status, listed, fetched) {
            Some(all) => (
                all.to_string(),
                of_listed
                    .iter()
                    .map(|n| {
                        if *n == listed {
                            format!("{n}+")
                        } else {
                            n.to_string()
                        }
                    })
                    .collect(),
            ),
            None => (
                listed.to_string(),
                of_listed.iter().map(usize::to_string).collect(),
            ),
        }
    }
}

/// Something that happened on the platform or to the link, for every component.
#[derive(Debug, Clone)]
pub enum Live {
    /// An order changed.
    Order(OrderEvent),
    /// A real-name verification changed.
    Realname(RealnameEvent),
    /// The link came back after a drop: anything may have moved meanwhile.
    Resumed,
    /// The operator asked for everything again (Ctrl-R).
    Refresh,
    /// The shown language changed.
    Language,
    /// The platform's facts arrived (upload limit, where phones reach it).
    Platform,
}

/// A message from one tab for another, routed by the frame: the first tab that takes it
/// is shown.
#[derive(Debug, Clone)]
pub enum Signal {
    /// Show this order.
    OpenOrder(String),
    /// Take payment for this order at the counter.
    CollectPayment(Box<Order>),
    /// Decide this order under review where it is reviewed: beside its scans, with the
    /// return checklist (from 待办订单, `a` and `x` went to a free-text form of their own).
    ReviewOrder(String),
    /// Find orders by this phone number (or its last digits).
    FindPhone(String),
    /// A form the operator had open was closed or refilled by someone else's change (a
    /// colleague acted first, the customer sent a request): the frame holds the keys until
    /// the operator has read why, so that what they were typing does not run the list's
    /// keys (`d` declining the next order's invoice, Enter opening its form). No tab takes
    /// it.
    Interrupted(Notice),
    /// Why it was interrupted, said better now that it is known (its event arrived after
    /// the form closed): replaces the words of the interruption still on screen; nothing
    /// once the operator has read it and gone on. No tab takes it.
    Reworded(Notice),
    /// What a signal brought this tab to (an order opened with `:order` from 开票) was
    /// closed: the frame shows the tab it came from again. No tab takes it.
    Return,
}

/// A component: a tab with its state, keys, requests and view.
pub trait Component: 'static {
    /// What its keys ask for.
    type Cmd: Copy + Debug + 'static;
    /// What it asks of the platform.
    type Request: Debug + Send + 'static;
    /// What comes back.
    type Answer: Debug + Send + 'static;

    /// The tab's title.
    fn title(&self) -> T;
    /// What the tab is for (told to roles that cannot use it).
    fn about(&self) -> T;
    /// What the operator needs to use it.
    fn permission(&self) -> Permission;
    /// How far up the list of tabs it is for an operator with `roles` (the TUI opens on
    /// the highest); `None` when it is not where they work.
    fn home(&self, roles: &RoleSet) -> Option<u8>;
    /// The status whose live count the tab bar shows.
    fn counts(&self) -> Option<OrderStatus> {
        None
    }
    /// Usable in read-only mode.
    fn read_only_usable(&self) -> bool {
        true
    }

    /// The first data, when the TUI starts (a tab that loads when shown needs none).
    fn start(&mut self, _ctx: &mut Ctx<Self::Request>) {}
    /// It became the tab on screen.
    fn shown(&mut self, _ctx: &mut Ctx<Self::Request>) {}
    /// How much of the keyboard it takes now.
    fn focus(&self) -> Focus {
        Focus::Free
    }
    /// A device types into it now (a barcode scanner, at 邮寄): what is typed into the help
    /// and matches nothing there was the device's, and is handed over, not dropped.
    fn scanning(&self) -> bool {
        false
    }
    /// Its key bindings now.
    fn bindings(&self, env: &Env) -> Vec<Binding<Self::Cmd>>;
    /// Runs a command (from a key or the help).
    fn command(&mut self, ctx: &mut Ctx<Self::Request>, cmd: Self::Cmd);
    /// A key no binding took (typing). Returns true when it was used.
    fn key(&mut self, _ctx: &mut Ctx<Self::Request>, _key: KeyEvent) -> bool {
        false
    }
    /// Pasted text. Returns true when it was used.
    fn paste(&mut self, _ctx: &mut Ctx<Self::Request>, _text: &str) -> bool {
        false
    }
    /// A click on screen row `row` of its area (mouse capture on).
    fn click(&mut self, _ctx: &mut Ctx<Self::Request>, _row: u16) {}
    /// The platform answered.
    fn answer(&mut self, ctx: &mut Ctx<Self::Request>, answer: Self::Answer);
    /// Something happened on the platform or the link.
    fn live(&mut self, _ctx: &mut Ctx<Self::Request>, _event: &Live) {}
    /// A message from another tab; true when this one takes it (and should be shown).
    fn signal(&mut self, _ctx: &mut Ctx<Self::Request>, _signal: &Signal) -> bool {
        false
    }
    /// Every second.
    fn tick(&mut self, _ctx: &mut Ctx<Self::Request>) {}
    /// True while something on screen counts down (redraw every second).
    fn counting(&self) -> bool {
        false
    }
    /// The operator leaves: give back what is held.
    fn leave(&mut self, _ctx: &mut Ctx<Self::Request>) {}
    /// After a frame was drawn: requests that depend on what was drawn (a picture at the
    /// size it was given).
    fn after_draw(&mut self, _ctx: &mut Ctx<Self::Request>) {}
    /// True when it takes the whole screen (a QR code enlarged), without the frame.
    fn fullscreen(&self) -> bool {
        false
    }
    /// Its message line.
    fn notice(&self) -> Option<&Notice> {
        None
    }
    /// True while every row of its area is needed (a QR code at 80×24): the frame's own
    /// message then takes no row under it but is given to it ([`View::beside`]) to draw.
    fn keeps_rows(&self) -> bool {
        false
    }
    /// Draws it into `area`.
    fn draw(&self, frame: &mut Frame, area: Rect, view: &View);
    /// Draws what writes terminal escape sequences on purpose (graphics protocols), after
    /// the screen was made safe.
    fn draw_after(&self, _frame: &mut Frame, _view: &View) {}
    /// Starts a request: the future answers it; `None` when it needs no answer.
    fn run(request: Self::Request, net: &Net) -> Option<BoxFuture<'static, Self::Answer>>;
}

/// A request of component `C`, answered to `to`.
pub fn job<C: Component>(to: Route, request: C::Request) -> Job {
    Job::new(to, request, run_erased::<C>)
}

fn run_erased<C: Component>(request: Erased, net: &Net) -> Option<BoxFuture<'static, Erased>> {
    let request = request.downcast::<C::Request>().ok()?;
    let future = C::run(*request, net)?;
    Some(Box::pin(async move { Box::new(future.await) as Erased }))
}

/// What the tabs are made from.
#[derive(Debug, Clone, Default)]
pub struct Init {
    /// Where drafts of new applications are kept, this platform's folder
    /// (`newapp::draft::dir`; `None`: none loaded).
    pub drafts: Option<std::path::PathBuf>,
}

/// A component as a tab for the frame.
pub fn tab<C: Component>(component: C) -> Box<dyn Tab> {
    Box::new(Slot(component))
}

/// What a tab asked for while handling something.
#[derive(Debug, Default)]
pub struct Out {
    /// Requests, in order.
    pub jobs: Vec<Job>,
    /// Messages for other tabs.
    pub signals: Vec<Signal>,
}

/// A command of some tab, its type erased (from its bindings, run later from the help).
#[derive(Clone)]
pub struct AnyCmd(Rc<dyn Any>);

impl AnyCmd {
    /// Erases `cmd`.
    pub fn new<C: 'static>(cmd: C) -> AnyCmd {
        AnyCmd(Rc::new(cmd))
    }
}

impl Debug for AnyCmd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AnyCmd")
    }
}

/// A component as the frame holds it: the same calls, types erased.
pub trait Tab {
    /// The component itself (tests reach its state through this).
    fn as_any(&self) -> &dyn Any;
    /// The component itself, to change.
    fn as_any_mut(&mut self) -> &mut dyn Any;
    /// See [`Component::title`].
    fn title(&self) -> T;
    /// See [`Component::about`].
    fn about(&self) -> T;
    /// See [`Component::permission`].
    fn permission(&self) -> Permission;
    /// See [`Component::home`].
    fn home(&self, roles: &RoleSet) -> Option<u8>;
    /// See [`Component::counts`].
    fn counts(&self) -> Option<OrderStatus>;
    /// See [`Component::read_only_usable`].
    fn read_only_usable(&self) -> bool;
    /// See [`Component::focus`].
    fn focus(&self) -> Focus;
    /// See [`Component::scanning`].
    fn scanning(&self) -> bool;
    /// See [`Component::bindings`].
    fn bindings(&self, env: &Env) -> Vec<Binding<AnyCmd>>;
    /// See [`Component::start`].
    fn start(&mut self, env: Env) -> Out;
    /// See [`Component::shown`].
    fn shown(&mut self, env: Env) -> Out;
    /// See [`Component::command`].
    fn command(&mut self, env: Env, cmd: &AnyCmd) -> Out;
    /// See [`Component::key`].
    fn key(&mut self, env: Env, key: KeyEvent) -> (bool, Out);
    /// See [`Component::paste`].
    fn paste(&mut self, env: Env, text: &str) -> (bool, Out);
    /// See [`Component::click`].
    fn click(&mut self, env: Env, row: u16) -> Out;
    /// See [`Component::answer`]; an answer of another type is ignored.
    fn answer(&mut self, env: Env, answer: Erased) -> Out;
    /// See [`Component::live`].
    fn live(&mut self, env: Env, event: &Live) -> Out;
    /// See [`Component::signal`].
    fn signal(&mut self, env: Env, signal: &Signal) -> (bool, Out);
    /// See [`Component::tick`].
    fn tick(&mut self, env: Env) -> Out;
    /// See [`Component::counting`].
    fn counting(&self) -> bool;
    /// See [`Component::leave`].
    fn leave(&mut self, env: Env) -> Out;
    /// See [`Component::after_draw`].
    fn after_draw(&mut self, env: Env) -> Out;
    /// See [`Component::fullscreen`].
    fn fullscreen(&self) -> bool;
    /// See [`Component::notice`].
    fn notice(&self) -> Option<&Notice>;
    /// See [`Component::keeps_rows`].
    fn keeps_rows(&self) -> bool;
    /// See [`Component::draw`].
    fn draw(&self, frame: &mut Frame, area: Rect, view: &View);
    /// See [`Component::draw_after`].
    fn draw_after(&self, frame: &mut Frame, view: &View);
}

/// A component held as a [`Tab`].
pub struct Slot<C: Component>(pub C);

impl<C: Component> Slot<C> {
    fn with<T>(&mut self, env: Env, f: impl FnOnce(&mut C, &mut Ctx<C::Request>) -> T) -> (T, Out) {
        let mut requests = Vec::new();
        let mut signals = Vec::new();
        let result = {
            let mut ctx = Ctx::new(env, &mut requests, &mut signals);
            f(&mut self.0, &mut ctx)
        };
        // The frame fills in where answers go.
        let jobs = requests
            .into_iter()
            .map(|r| job::<C>(Route::Frame, r))
            .collect();
        (result, Out { jobs, signals })
    }
}

impl<C: Component> Tab for Slot<C> {
    fn as_any(&self) -> &dyn Any {
        &self.0
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        &mut self.0
    }
    fn title(&self) -> T {
        self.0.title()
    }
    fn about(&self) -> T {
        self.0.about()
    }
    fn permission(&self) -> Permission {
        self.0.permission()
    }
    fn home(&self, roles: &RoleSet) -> Option<u8> {
        self.0.home(roles)
    }
    fn counts(&self) -> Option<OrderStatus> {
        self.0.counts()
    }
    fn read_only_usable(&self) -> bool {
        self.0.read_only_usable()
    }
    fn focus(&self) -> Focus {
        self.0.focus()
    }
    fn scanning(&self) -> bool {
        self.0.scanning()
    }
    fn bindings(&self, env: &Env) -> Vec<Binding<AnyCmd>> {
        self.0
            .bindings(env)
            .into_iter()
            .map(|b| b.map(|cmd| AnyCmd(Rc::new(cmd))))
            .collect()
    }
    fn start(&mut self, env: Env) -> Out {
        self.with(env, |c, ctx| c.start(ctx)).1
    }
    fn shown(&mut self, env: Env) -> Out {
        self.with(env, |c, ctx| c.shown(ctx)).1
    }
    fn command(&mut self, env: Env, cmd: &AnyCmd) -> Out {
        match cmd.0.downcast_ref::<C::Cmd>().copied() {
            Some(cmd) => self.with(env, |c, ctx| c.command(ctx, cmd)).1,
            None => Out::default(),
        }
    }
    fn key(&mut self, env: Env, key: KeyEvent) -> (bool, Out) {
        self.with(env, |c, ctx| c.key(ctx, key))
    }
    fn paste(&mut self, env: Env, text: &str) -> (bool, Out) {
        self.with(env, |c, ctx| c.paste(ctx, text))
    }
    fn click(&mut self, env: Env, row: u16) -> Out {
        self.with(env, |c, ctx| c.click(ctx, row)).1
    }
    fn answer(&mut self, env: Env, answer: Erased) -> Out {
        match answer.downcast::<C::Answer>() {
            Ok(answer) => self.with(env, |c, ctx| c.answer(ctx, *answer)).1,
            Err(_) => Out::default(),
        }
    }
    fn live(&mut self, env: Env, event: &Live) -> Out {
        self.with(env, |c, ctx| c.live(ctx, event)).1
    }
    fn signal(&mut self, env: Env, signal: &Signal) -> (bool, Out) {
        self.with(env, |c, ctx| c.signal(ctx, signal))
    }
    fn tick(&mut self, env: Env) -> Out {
        self.with(env, |c, ctx| c.tick(ctx)).1
    }
    fn counting(&self) -> bool {
        self.0.counting()
    }
    fn leave(&mut self, env: Env) -> Out {
        self.with(env, |c, ctx| c.leave(ctx)).1
    }
    fn after_draw(&mut self, env: Env) -> Out {
        self.with(env, |c, ctx| c.after_draw(ctx)).1
    }
    fn fullscreen(&self) -> bool {
        self.0.fullscreen()
    }
    fn notice(&self) -> Option<&Notice> {
        self.0.notice()
    }
    fn keeps_rows(&self) -> bool {
        self.0.keeps_rows()
    }
    fn draw(&self, frame: &mut Frame, area: Rect, view: &View) {
        self.0.draw(frame, area, view)
    }
    fn draw_after(&self, frame: &mut Frame, view: &View) {
        self.0.draw_after(frame, view)
    }
}

/// The role labels of `roles`, joined for a sentence.
pub fn role_names(roles: &[Role], lang: Lang) -> String {
    let names: Vec<&str> = roles.iter().map(|r| r.label(lang)).collect();
    names.join(if lang == Lang::ZhCn { "、" } else { ", " })
}
