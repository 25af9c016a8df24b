//! The 审核队列 tab: the queue (the longest waiting first, against the promise), and the review
//! screen — the order beside its scans, claimed while open and renewed while the reviewer
//! works, decided by keyboard: approve, return with reasons from a checklist, next.

pub mod keys;
pub mod messages;
pub mod popup;
mod screen;
mod view;

use crossterm::event::KeyEvent;
use futures_util::future::BoxFuture;

pub use keys::Cmd;
pub use messages::{Answer, Request};
pub use popup::{Checklist, Popup, REASONS};
pub use screen::{Hold, Picture, Screen};

use crate::api::{DemoPart, ReviewItem};
use crate::domain::{Action, OrderStatus, Permission, Role, RoleSet};
use crate::i18n::T;
use crate::tui::component::{Component, Ctx, Env, Live, Signal, View};
use crate::tui::keys::{Binding, Focus};
use crate::tui::list::{Fetch, Rows};
use crate::tui::net::Net;
use crate::tui::text::{Notice, Text, describe};

/// How often the queue is fetched again while shown (ages move with the clock).
const REFRESH_SECONDS: i64 = 60;

/// The tab as the frame holds it.
pub fn tab(_init: &crate::tui::component::Init) -> Box<dyn crate::tui::component::Tab> {
    crate::tui::component::tab(Review::default())
}

/// The state of the 审核队列 tab.
#[derive(Debug)]
pub struct Review {
    /// The queue.
    pub queue: Rows<ReviewItem>,
    /// Keeping it live.
    pub fetch: Fetch,
    /// The promise, in working days, as the platform said.
    pub promise_days: i64,
    /// The open order.
    pub screen: Option<Screen>,
    /// A message for the reviewer.
    pub notice: Option<Notice>,
    /// When "nothing else to take" was said: the orders there were then (one skipped with
    /// `n`, given back and listed again, is no order arrived).
    pub nothing_among: Option<Vec<String>>,
    /// Orders skipped with `n` this session: passed over after a decision while others
    /// wait, so that "the oldest next" does not bring the one just skipped straight back.
    pub skipped: Vec<String>,
    /// The screen was opened from another tab (`a` or `x` on an order in 待办订单): `Esc`
    /// goes back there, where the operator was.
    opened_elsewhere: bool,
    /// Orders given back while the platform was out of reach: given back again once it
    /// answers (a colleague saw them held for the rest of the claim), and when.
    unreleased: Vec<String>,
    release_again_at: Option<time::OffsetDateTime>,
}

/// Seconds before a claim that could not be given back is given back again.
const RELEASE_AGAIN_SECONDS: i64 = 5;

impl Default for Review {
    fn default() -> Self {
        Review {
            queue: Rows::default(),
            fetch: Fetch::new(Some(REFRESH_SECONDS)).watching(OrderStatus::PendingReview),
            promise_days: 0,
            screen: None,
            notice: None,
            nothing_among: None,
            skipped: Vec::new(),
            opened_elsewhere: false,
            unreleased: Vec::new(),
            release_again_at: None,
        }
    }
}

/// Whether `item` is one this reviewer may take: nobody holds it (at `now`, when known: a
/// claim that lapsed since the queue was read holds nothing), and it is not one they may
/// not decide (their own intake, for those who decide).
fn takeable(item: &ReviewItem, decides: bool, now: Option<time::OffsetDateTime>) -> bool {
    let held = match now {
        Some(now) => live_claim(item, now).is_some(),
        None => item.claim.is_some(),
    };
    !(held || item.own && decides)
}

/// The claim on `item` while it holds at `now`: one that lapsed since the queue was read
/// holds nothing (nothing tells the queue it lapsed).
pub(super) fn live_claim(item: &ReviewItem, now: time::OffsetDateTime) -> Option<&crate::api::Claim> {
    item.claim.as_ref().filter(|claim| {
        crate::tui::format::parse_time(&claim.expires_at).is_none_or(|until| until > now)
    })
}

impl Review {
    fn refresh(&mut self, ctx: &mut Ctx<Request>) {
        if let Some(seq) = self.fetch.ask(ctx.now) {
            ctx.ask(Request::Queue { seq });
        }
    }

    /// The order this operator holds now, if any.
    pub fn held_order(&self) -> Option<&str> {
        self.screen
            .as_ref()
            .filter(|s| matches!(s.hold, Hold::Held(_) | Hold::Claiming))
            .map(|s| s.order_no.as_str())
    }

    /// Opens `order_no` for review, claiming it when this operator decides (never their
    /// own submission: that one they only look at).
    pub fn open(&mut self, ctx: &mut Ctx<Request>, order_no: &str) {
        self.close(ctx);
        self.notice = None;
        // Opened here (from the queue, `n`): Esc stays in this tab.
        self.opened_elsewhere = false;
        // Taken up again: not given back behind the reviewer's back.
        self.unreleased.retain(|n| n != order_no);
        let own = self.queue.find(order_no).is_some_and(|i| i.own);
        let reviews = ctx.shared.permits(Permission::Act(Action::Approve));
        let claim = reviews && !own;
        let mut screen = Screen::new(order_no, claim, ctx.now);
        if reviews && own {
            // Say why there is nothing to decide here, rather than only "read-only".
            screen.hold = Hold::Own;
        }
        self.screen = Some(screen);
        ctx.ask(Request::Open {
            order_no: order_no.to_owned(),
            claim,
            reveal: false,
        });
        self.queue.select(order_no);
    }

    /// Back to the queue, giving the claim up.
    pub fn close(&mut self, ctx: &mut Ctx<Request>) {
        if let Some(screen) = self.screen.take()
            && matches!(screen.hold, Hold::Held(_) | Hold::Claiming)
        {
            ctx.ask(Request::Release {
                order_no: screen.order_no,
            });
        }
    }

    /// The next order in the queue that nobody else is reviewing: after one decided, the
    /// longest waiting (the queue's order — an older one given back
    /// meanwhile was skipped until the list wrapped); after one skipped (`n`), the one
    /// after it.
    fn next(&mut self, ctx: &mut Ctx<Request>, decided: bool) {
        let now = ctx.now;
        let current = self.screen.as_ref().map(|s| s.order_no.clone());
        let items = self.queue.items();
        let start = if decided {
            0
        } else {
            current
                .as_deref()
                .and_then(|no| items.iter().position(|i| i.order.order_no == no))
                .map(|i| i + 1)
                .unwrap_or(self.queue.selected_index())
        };
        let decides = ctx.shared.permits(Permission::Act(Action::Approve));
        if !decided && let Some(no) = &current {
            self.skipped.retain(|s| s != no);
            self.skipped.push(no.clone());
            // A day's skips at most, the oldest forgotten first.
            if self.skipped.len() > 200 {
                self.skipped.remove(0);
            }
        }
        let skipped = &self.skipped;
        let candidates = || {
            items
                .iter()
                .skip(start)
                .chain(items.iter().take(start))
                .filter(|i| {
                    Some(i.order.order_no.as_str()) != current.as_deref()
                        && takeable(i, decides, Some(now))
                })
        };
        let next = candidates()
            .find(|i| !decided || !skipped.iter().any(|no| no == i.order.order_no.as_str()))
            .or_else(|| candidates().next())
            .map(|i| i.order.order_no.to_string());
        match next {
            Some(order_no) => {
                self.open(ctx, &order_no);
                if decided && let Some(screen) = &mut self.screen {
                    screen.opened_by_itself = Some(now);
                }
            }
            None => {
                // The order skipped (still listed: `n`, given back), not one decided.
                self.nothing_among = Some(
                    current
                        .iter()
                        .filter(|no| items.iter().any(|i| i.order.order_no.as_str() == no.as_str()))
                        .cloned()
                        .collect(),
                );
                self.close(ctx);
                self.notice = Some(Notice::info(T::NothingMoreToReview));
            }
        }
    }
}

impl Review {
    /// "Nothing else to take", still on screen when the queue has one to take again (a
    /// correction sent back, a new order): said so in its place, the rest of the message
    /// (what was just done, the demo text's warning) kept.
    fn more_arrived(&mut self, shared: &crate::tui::component::Shared, lang: crate::i18n::Lang) {
        let decides = shared.permits(Permission::Act(Action::Approve));
        // One that left the queue and comes back (a correction) is an arrival.
        let queue = self.queue.items();
        if let Some(known) = self.nothing_among.as_mut() {
            known.retain(|no| queue.iter().any(|i| i.order.order_no.as_str() == no.as_str()));
        }
        let known = self.nothing_among.as_deref().unwrap_or_default();
        let arrived = self.queue.items().iter().any(|i| {
            takeable(i, decides, None) && !known.iter().any(|no| no == i.order.order_no.as_str())
        });
        let nothing = T::NothingMoreToReview.get(lang);
        let Some(notice) = self.notice.as_mut().filter(|_| arrived) else {
            return;
        };
        let text = notice.text.get(lang);
        if text.contains(nothing) {
            notice.text = crate::tui::text::Text::platform(
                text.replace(nothing, T::ReviewMoreArrived.get(lang)),
                lang,
            );
        }
    }
}

impl Component for Review {
    type Cmd = Cmd;
    type Request = Request;
    type Answer = Answer;

    fn title(&self) -> T {
        T::TabReview
    }

    fn about(&self) -> T {
        T::AboutReview
    }

    fn permission(&self) -> Permission {
        // Support agents look at the queue read-only.
        Permission::ViewOrders
    }

    fn home(&self, roles: &RoleSet) -> Option<u8> {
        roles.roles().contains(&Role::Reviewer).then_some(2)
    }

    fn counts(&self) -> Option<OrderStatus> {
        Some(OrderStatus::PendingReview)
    }

    fn shown(&mut self, ctx: &mut Ctx<Request>) {
        if let Some(seq) = self.fetch.tick(ctx.now, true) {
            ctx.ask(Request::Queue { seq });
        }
    }

    fn focus(&self) -> Focus {
        match &self.screen {
            Some(screen) if screen.popup.is_some() => Focus::Modal,
            _ => Focus::Free,
        }
    }

    fn bindings(&self, env: &Env) -> Vec<Binding<Cmd>> {
        keys::bindings(self, env)
    }

    fn command(&mut self, ctx: &mut Ctx<Request>, cmd: Cmd) {
        if let Some(screen) = &mut self.screen {
            // The reviewer is at work on the open order: its claim is renewed.
            screen.active = true;
            screen.opened_by_itself = None;
        }
        match cmd {
            Cmd::Move(motion) => {
                if self.screen.is_none() {
                    self.queue.go(motion);
                }
            }
            Cmd::Open => {
                if let Some(no) = self.queue.selected_key() {
                    self.open(ctx, &no);
                }
            }
            Cmd::Back => {
                if !self.screen.as_ref().is_some_and(|s| s.deciding) {
                    // The decision on its way says where things stand; until then, stay.
                    let was_open = self.screen.is_some();
                    self.close(ctx);
                    self.notice = None;
                    // Opened from the order's view: back there.
                    if was_open && std::mem::take(&mut self.opened_elsewhere) {
                        ctx.signal(Signal::Return);
                    }
                }
            }
            Cmd::Next => self.next(ctx, false),
            // The order again, its personal data in full (the platform records who looked):
            // a corrected address read before it is approved.
            Cmd::Reveal => {
                let may = ctx.shared.permits(Permission::RevealPersonalData);
                if let Some(screen) = &self.screen
                    && may
                {
                    ctx.ask(Request::Open {
                        order_no: screen.order_no.clone(),
                        claim: false,
                        reveal: true,
                    });
                }
            }
            Cmd::TakeOver => {
                let may = ctx.shared.permits(Permission::Administer);
                if let Some(screen) = &mut self.screen
                    && may
                    && matches!(screen.hold, Hold::Refused(_))
                {
                    screen.hold = Hold::Claiming;
                    ctx.ask(Request::TakeOver {
                        order_no: screen.order_no.clone(),
                    });
                }
            }
            other => {
                if let Some(notice) = self.screen.as_mut().and_then(|s| s.command(other)) {
                    self.notice = Some(notice);
                }
            }
        }
    }

    fn key(&mut self, ctx: &mut Ctx<Request>, key: KeyEvent) -> bool {
        let Some(screen) = &mut self.screen else {
            return false;
        };
        screen.active = true;
        screen.opened_by_itself = None;
        let before = screen.deciding;
        let used = screen.popup_key(ctx, key);
        // A decision on its way says so at once: the last order's "approved" (or nothing)
        // had stayed on the line for the seconds a slow link takes, read as this one's.
        if !before && screen.deciding {
            self.notice = Some(Notice::working());
        }
        used
    }

    fn paste(&mut self, _ctx: &mut Ctx<Request>, text: &str) -> bool {
        match self.screen.as_mut().and_then(|s| s.popup.as_mut()) {
            Some(Popup::Return(list)) => list.paste(text),
            Some(Popup::Save { input, .. }) => input.paste(text),
            _ => return false,
        }
        true
    }

    fn answer(&mut self, ctx: &mut Ctx<Request>, answer: Answer) {
        let lang = ctx.lang;
        match answer {
            Answer::Released { order_no, result } => {
                match result {
                    Ok(()) => {
                        if self.unreleased.contains(&order_no) {
                            self.unreleased.retain(|n| *n != order_no);
                            self.notice =
                                Some(Notice::info(Text::with(T::ReleasedLate, [order_no])));
                        }
                    }
                    // Taken up again meanwhile: theirs, not given back behind their back.
                    Err(_) if self.held_order() == Some(order_no.as_str()) => {}
                    // Out of reach: said, and given back once the platform answers.
                    Err(e) if e.is_transient() => {
                        if !self.unreleased.contains(&order_no) {
                            self.notice = Some(Notice::warning(Text::with(
                                T::ReleaseFailed,
                                [order_no.clone()],
                            )));
                            self.unreleased.push(order_no);
                        }
                        self.release_again_at =
                            Some(ctx.now + time::Duration::seconds(RELEASE_AGAIN_SECONDS));
                    }
                    // Held no more (lapsed, taken over): nothing left to give back.
                    Err(_) => self.unreleased.retain(|n| *n != order_no),
                }
            }
            Answer::Queue { seq, result } => {
                let (queue, again) = self.fetch.take(seq, result, lang, ctx.now);
                if let Some(queue) = queue {
                    // Read again: a passing trouble said before is over.
                    crate::tui::text::forget_offline(&mut self.notice);
                    self.promise_days = queue.promise_working_days;
                    self.queue.replace(queue.items);
                    self.more_arrived(ctx.shared, lang);
                }
                if let Some(seq) = again {
                    ctx.ask(Request::Queue { seq });
                }
            }
            Answer::Decided {
                order_no,
                action,
                result,
            } => {
                let Some(screen) = self.screen.as_mut().filter(|s| s.order_no == order_no) else {
                    return;
                };
                screen.deciding = false;
                match result {
                    Ok(order) => {
                        let done = if action == Action::Approve {
                            T::ReviewApproved
                        } else if ctx.env.shared.demo(DemoPart::Sms) {
                            // Only logged: the clerk must tell the customer otherwise.
                            T::ReviewReturnedDemoSms
                        } else {
                            T::ReviewReturned
                        };
                        // The claim ended with the decision: nothing to give back.
                        screen.hold = Hold::Watching;
                        screen.last_return = None;
                        screen.order = Some(order);
                        self.queue.remove(&order_no);
                        self.next(ctx, true);
                        // The next order opened is claimed: said, with how to give it back,
                        // so no one walks away holding it unawares.
                        let opened = self
                            .screen
                            .as_ref()
                            .map(|s| s.order_no.clone())
                            .filter(|no| *no != order_no)
                            .map(|no| T::ReviewNextOpened.fill(lang, &[&no]));
                        let more = self
                            .notice
                            .take()
                            .filter(|n| n.tone != crate::tui::text::Tone::Working)
                            .map(|n| n.text.get(lang))
                            .or(opened);
                        let text = done.fill(lang, &[&order_no]);
                        let text = match more {
                            Some(more) => crate::tui::text::sentences(lang, &text, &more),
                            None => text,
                        };
                        self.notice = Some(Notice::done(crate::tui::text::Text::platform(
                            text, lang,
                        )));
                        self.refresh(ctx);
                    }
                    Err(e) => {
                        let message = describe(&e, lang);
                        match e.problem() {
                            Some(problem) if problem.status == 409 => {
                                if problem.code == "claimed_by_other" {
                                    screen.other_held = true;
                                    screen.hold = Hold::Refused(crate::tui::text::Text::platform(
                                        problem.detail.clone(),
                                        lang,
                                    ));
                                }
                                // Where the order stands now.
                                ctx.ask(Request::Open {
                                    order_no: order_no.clone(),
                                    claim: false,
                                    reveal: false,
                                });
                            }
                            Some(problem) if problem.status == 422 && action == Action::Reject => {
                                // Bad reasons: back to the checklist with what was typed
                                // (on the total's row, when it was the total).
                                let total = problem.errors.iter().any(|e| e.field == "voucher_total_fen");
                                screen.popup = screen.last_return.take().map(|mut list| {
                                    if total && list.total_shown() {
                                        list.cursor = popup::TOTAL;
                                    }
                                    list.error = Some(message.clone());
                                    Popup::Return(list)
                                });
                            }
                            _ => {}
                        }
                        self.notice = Some(Notice::error(message));
                    }
                }
            }
            other => match &mut self.screen {
                Some(screen) => {
                    let in_review =
                        |s: &screen::Screen| s.order.as_ref().map(|o| o.status == OrderStatus::PendingReview);
                    let was_in_review = in_review(screen);
                    let was_held = screen.held();
                    if let Some(notice) = screen.answer(ctx, other) {
                        self.notice = Some(notice);
                    } else if was_held
                        && !screen.held()
                        && self
                            .notice
                            .as_ref()
                            .is_some_and(|n| n.tone == crate::tui::text::Tone::Done)
                    {
                        // Taken over, or decided, by someone else: the header says so, and
                        // the line saying the next order is this reviewer's ("已打开下一单
                        // …，由你审核") no longer is. A refusal's words stay.
                        self.notice = None;
                    } else if (screen.held()
                        || (was_in_review == Some(true) && in_review(screen) == Some(false)))
                        && self.notice.as_ref().is_some_and(|n| {
                            matches!(
                                n.text.msg.text,
                                T::ReviewNotYours | T::ReviewClaiming | T::ReviewWatchingOnly
                            )
                        })
                    {
                        // The claim is the reviewer's now, or the order was decided by
                        // someone else: why they could not decide is no longer so.
                        self.notice = None;
                    }
                }
                None => match other {
                    // Left meanwhile: give back a claim that arrived too late.
                    Answer::Opened {
                        order_no,
                        claim: Some(Ok(_)),
                        ..
                    }
                    | Answer::Renewed {
                        order_no,
                        result: Ok(_),
                    } => ctx.ask(Request::Release { order_no }),
                    _ => {}
                },
            },
        }
    }

    fn live(&mut self, ctx: &mut Ctx<Request>, event: &Live) {
        match event {
            Live::Order(event) => {
                if let Some(screen) = &self.screen
                    && screen.order_no == event.order_no
                    && !screen.deciding
                {
                    ctx.ask(Request::Open {
                        order_no: screen.order_no.clone(),
                        claim: false,
                        reveal: false,
                    });
                }
            }
            Live::Resumed | Live::Refresh => {
                crate::tui::text::forget_offline(&mut self.notice);
                if let Some(screen) = &self.screen {
                    ctx.ask(Request::Open {
                        order_no: screen.order_no.clone(),
                        claim: false,
                        reveal: false,
                    });
                }
            }
            Live::Language => {
                if let Some(screen) = &mut self.screen {
                    screen.reword(ctx.lang);
                }
            }
            Live::Realname(_) | Live::Platform => {}
        }
        if let Some(seq) = self.fetch.live(event, ctx.now, ctx.shown) {
            ctx.ask(Request::Queue { seq });
        }
    }

    fn signal(&mut self, ctx: &mut Ctx<Request>, signal: &Signal) -> bool {
        match signal {
            Signal::ReviewOrder(order_no) => {
                match self.held_order().map(str::to_owned) {
                    // On screen already: shown, nothing given back or claimed again.
                    // (Chosen now: the reviewer's own, not one opened by itself.)
                    Some(held) if held == *order_no => {
                        self.opened_elsewhere = true;
                        if let Some(screen) = &mut self.screen {
                            screen.opened_by_itself = None;
                        }
                    }
                    // Another order held here (a checklist half typed, perhaps): kept, and
                    // said — it is not given back behind the reviewer's back.
                    Some(held) => {
                        self.notice = Some(Notice::warning(Text::with(
                            T::ReviewBusyWith,
                            [held, order_no.clone()],
                        )));
                    }
                    None => {
                        self.open(ctx, order_no);
                        self.opened_elsewhere = true;
                        self.notice = Some(Notice::info(T::ReviewHereFromOrders));
                    }
                }
                true
            }
            _ => false,
        }
    }

    fn tick(&mut self, ctx: &mut Ctx<Request>) {
        if let Some(seq) = self.fetch.tick(ctx.now, ctx.shown) {
            ctx.ask(Request::Queue { seq });
        }
        if self.release_again_at.is_some_and(|at| at <= ctx.now) {
            self.release_again_at = None;
            // Not one taken up again, nor one the queue shows someone else holding now (an
            // administrator's give-back would free their claim).
            let me = ctx.shared.me.as_ref().map(|m| m.id.clone());
            let held = self.held_order().map(str::to_owned);
            let queue = &self.queue;
            self.unreleased.retain(|n| {
                Some(n) != held.as_ref()
                    && queue
                        .find(n)
                        .and_then(|item| item.claim.as_ref())
                        .is_none_or(|c| c.by.id == me)
            });
            for order_no in &self.unreleased {
                ctx.ask(Request::Release {
                    order_no: order_no.clone(),
                });
            }
        }
        // An order opened by itself after a decision, never touched: the reviewer has
        // walked away; given back (as Esc does) so a colleague can take it, and said.
        if let Some(order_no) = self
            .screen
            .as_ref()
            .filter(|s| s.untouched(ctx.now))
            .map(|s| s.order_no.clone())
        {
            self.close(ctx);
            self.queue.select(&order_no);
            let minutes = (screen::UNTOUCHED_SECONDS / 60).to_string();
            self.notice = Some(Notice::info(crate::tui::text::Text::with(
                T::ReviewGivenBackUntouched,
                [order_no, minutes],
            )));
        }
        // The claim is renewed whatever tab is shown, while the reviewer works on it.
        if let Some(screen) = &mut self.screen {
            screen.tick(ctx);
        }
    }

    fn leave(&mut self, ctx: &mut Ctx<Request>) {
        // An order held for review is given back so a colleague can take it now.
        if let Some(order_no) = self.held_order() {
            let order_no = order_no.to_owned();
            ctx.ask(Request::Release { order_no });
        }
    }

    fn after_draw(&mut self, ctx: &mut Ctx<Request>) {
        if let Some(screen) = &mut self.screen {
            screen.after_draw(ctx);
        }
    }

    fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    fn draw(&self, frame: &mut ratatui::Frame, area: ratatui::layout::Rect, view: &View) {
        view::draw(self, frame, area, view);
    }

    fn draw_after(&self, frame: &mut ratatui::Frame, view: &View) {
        if let Some(screen) = &self.screen {
            view::draw_graphics(screen, frame, view);
        }
    }

    fn run(request: Request, net: &Net) -> Option<BoxFuture<'static, Answer>> {
        messages::run(request, net)
    }
}
