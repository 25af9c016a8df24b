//! The 邮寄 tab: orders in 待邮寄 (the longest waiting first, against the promise), shipped one
//! after another by typing or scanning tracking numbers. A barcode scanner types the
//! number and Enter: scan, next order, scan. Ticked orders make a batch with one carrier;
//! with none ticked, the batch runs down the list from the selected order. The mailing
//! list and labels of the ticked (or selected) orders print as one PDF.

pub mod keys;
pub mod messages;
mod view;

use crossterm::event::{KeyCode, KeyEvent};
use futures_util::future::BoxFuture;

pub use keys::Cmd;
pub use messages::{Answer, Request};

use crate::api::{ActionRequest, Carrier, ClientError, MailingItem, Order};
use crate::domain::{Action, OrderStatus, Permission, Role, RoleSet, TrackingNo};
use crate::i18n::{Lang, T};
use crate::tui::component::{Component, Ctx, Env, Live, Signal, View};
use crate::tui::keys::{Binding, Focus};
use crate::tui::list::{Fetch, Rows};
use crate::tui::net::Net;
use crate::tui::print::printed_notice;
use crate::tui::text::{Notice, Text, compose, describe};
use crate::tui::widgets::input::Input;

/// How often the queue is fetched again while shown (ages move with the clock).
const REFRESH_SECONDS: i64 = 60;

/// The tab as the frame holds it.
pub fn tab(_init: &crate::tui::component::Init) -> Box<dyn crate::tui::component::Tab> {
    crate::tui::component::tab(Mailing::default())
}

/// Shipping one order after another.
#[derive(Debug, Clone)]
pub struct Scan {
    /// The orders, in the order they are shipped (as listed when the batch started).
    pub batch: Vec<MailingItem>,
    /// The one whose number is awaited.
    pub at: usize,
    /// The number typed or scanned.
    pub input: Input,
    /// Why the last number was refused (the field is cleared for the next scan).
    pub error: Option<Text>,
    /// The number on its way to the platform.
    pub sending: Option<String>,
    /// The number of the parcel that is up, sent and not answered (the link or the
    /// platform was down): sent again once the platform is back, or with Enter. Kept
    /// apart from the field, which may hold the next parcel's number being typed.
    pub unsent: Option<String>,
    /// A number scanned for a parcel whose label had to be printed again, with that
    /// parcel's order: put back in the field once it is, to send with Enter (not scanned
    /// twice) — for that parcel only.
    pub held: Option<(String, String)>,
    /// Since when it is on its way (a platform slow to answer is said to be).
    pub sending_since: Option<time::OffsetDateTime>,
    /// Numbers (and skips) entered while the last was still on its way, or just after a
    /// refusal, oldest first: each goes, in turn, once the parcel before is through (a
    /// scanner does not wait for answers).
    pub waiting: Vec<Queued>,
    /// Until when numbers entered are taken for the parcels after the one that is up: a
    /// number was just refused, and what a scanner sends within moments of it was scanned
    /// off the next parcels, not typed again for this one (nobody reads a refusal and
    /// types 13 characters that fast). Each such number holds it a moment longer.
    pub hold_until: Option<time::OffsetDateTime>,
    /// A number came within [`Scan::hold_until`]: nothing more is sent until the clerk
    /// says whose the queued numbers are — this parcel's on (`Ctrl-S`), or the ones after
    /// it, this one skipped (`Ctrl-N`) — or stops (`Esc`).
    pub paused: bool,
    /// How many of `waiting` were queued before the last refusal: numbers entered while
    /// the refused one was on its way, for the parcels after it whatever comes.
    pub queued_before_refusal: usize,
    /// Shipped in this batch: order and number.
    pub done: Vec<(String, String)>,
    /// Skipped in this batch.
    pub skipped: Vec<String>,
}

/// What was entered for a parcel while the one before was not through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Queued {
    /// A number scanned or typed with Enter.
    Number(String),
    /// `↓`: the parcel is skipped.
    Skip,
}

/// How long after a refusal (or the last number entered in that time) numbers entered
/// are taken for the parcels after the one that is up.
const HOLD_AFTER_REFUSAL: time::Duration = time::Duration::milliseconds(1500);

impl Scan {
    /// The numbers queued (not the skips), oldest first.
    pub fn queued_numbers(&self) -> Vec<&str> {
        self.waiting
            .iter()
            .filter_map(|q| match q {
                Queued::Number(n) => Some(n.as_str()),
                Queued::Skip => None,
            })
            .collect()
    }

    /// A refusal of the parcel that is up: what is entered in the next moments is held
    /// (a scanner running ahead, or the parcel scanned again: only the clerk knows). Not
    /// for the last parcel: nothing comes after it.
    fn refused(&mut self, now: time::OffsetDateTime, why: Text) {
        self.error = Some(why);
        self.queued_before_refusal = self.waiting.len();
        self.hold_until = (self.at + 1 < self.batch.len()).then_some(now + HOLD_AFTER_REFUSAL);
    }

    /// The order whose number is awaited.
    pub fn current(&self) -> Option<&MailingItem> {
        self.batch.get(self.at)
    }

    /// All done (or skipped).
    pub fn finished(&self) -> bool {
        self.at >= self.batch.len()
    }
}

/// The state of the 邮寄 tab.
#[derive(Debug)]
pub struct Mailing {
    /// Orders waiting, the longest waiting first.
    pub queue: Rows<MailingItem>,
    /// Keeping them live.
    pub fetch: Fetch,
    /// The carriers on offer.
    pub carriers: Vec<Carrier>,
    /// The carrier chosen, by index.
    pub carrier: usize,
    /// Ticked orders.
    pub ticked: Vec<String>,
    /// The promise in working days.
    pub promise_days: i64,
    /// The last outcome.
    pub notice: Option<Notice>,
    /// Scanning, when it is.
    pub scan: Option<Scan>,
}

impl Default for Mailing {
    fn default() -> Self {
        Mailing {
            queue: Rows::default(),
            fetch: Fetch::new(Some(REFRESH_SECONDS)).watching(OrderStatus::PendingShipment),
            carriers: Vec::new(),
            carrier: 0,
            ticked: Vec::new(),
            promise_days: 0,
            notice: None,
            scan: None,
        }
    }
}

impl Mailing {
    /// The carrier chosen.
    pub fn chosen_carrier(&self) -> Option<&Carrier> {
        self.carriers.get(self.carrier)
    }

    /// A carrier's name in `lang`.
    pub fn carrier_name(carrier: &Carrier, lang: Lang) -> &str {
        match lang {
            Lang::En if !carrier.name_en.is_empty() => &carrier.name_en,
            _ => &carrier.name,
        }
    }

    /// The orders whose labels print: while scanning, the parcel up if its label must be
    /// printed again, else the batch's parcels still to go; the ticked ones; or the
    /// selected one.
    fn label_orders(&self) -> Vec<String> {
        if let Some(scan) = &self.scan {
            if let Some(item) = scan.current().filter(|i| i.relabel) {
                return vec![item.order.order_no.to_string()];
            }
            return scan.batch[scan.at.min(scan.batch.len())..]
                .iter()
                .map(|i| i.order.order_no.to_string())
                .collect();
        }
        let items = self.queue.items();
        let ticked: Vec<String> = items
            .iter()
            .filter(|i| self.ticked.contains(&i.order.order_no.to_string()))
            .map(|i| i.order.order_no.to_string())
            .collect();
        if !ticked.is_empty() {
            return ticked;
        }
        self.queue.selected_key().into_iter().collect()
    }

    fn start(&mut self, env: &Env) {
        if !env.shared.permits(Permission::Act(Action::Ship)) || self.queue.is_empty() {
            return;
        }
        if self.chosen_carrier().is_none() {
            self.notice = Some(Notice::error(T::MailNoCarrier));
            return;
        }
        let items = self.queue.items();
        let ticked: Vec<MailingItem> = items
            .iter()
            .filter(|i| self.ticked.contains(&i.order.order_no.to_string()))
            .cloned()
            .collect();
        let batch = if ticked.is_empty() {
            items[self.queue.selected_index().min(items.len() - 1)..].to_vec()
        } else {
            ticked
        };
        self.scan = Some(Scan {
            batch,
            at: 0,
            input: Input::new(""),
            error: None,
            sending: None,
            sending_since: None,
            held: None,
            unsent: None,
            hold_until: None,
            paused: false,
            queued_before_refusal: 0,
            waiting: Vec::new(),
            done: Vec::new(),
            skipped: Vec::new(),
        });
    }

    fn stop(&mut self, lang: Lang) {
        if let Some(scan) = &self.scan
            && scan.sending.is_some()
        {
            // Its answer says whether it went; stop after that.
            self.notice = Some(Notice::error(T::MailWaitForAnswer));
            return;
        }
        if let Some(scan) = self.scan.take() {
            // Those not reached are still to be mailed: said, so none is taken for sent.
            let left = scan.batch.len().saturating_sub(scan.at);
            let summary = if left == 0 {
                Text::with(
                    T::MailBatchSummary,
                    [scan.done.len().to_string(), scan.skipped.len().to_string()],
                )
            } else {
                Text::with(
                    T::MailBatchSummaryLeft,
                    [
                        scan.done.len().to_string(),
                        scan.skipped.len().to_string(),
                        left.to_string(),
                    ],
                )
            };
            let text = match &self.notice {
                // The last order's message stays, with the batch after it.
                Some(last) if !scan.done.is_empty() => compose(
                    T::TwoSentences,
                    &[&last.text, &summary],
                    lang,
                ),
                _ => summary,
            };
            // A warning among it (an order that left the batch) is not marked done.
            let warned = self
                .notice
                .as_ref()
                .is_some_and(|n| n.tone == crate::tui::text::Tone::Warning);
            // Numbers entered and never sent (more than the parcels, or behind a refusal
            // when the batch was stopped): said, so their parcels are scanned again.
            let unused = scan.queued_numbers().join(" ");
            self.notice = Some(if !unused.is_empty() {
                let extra = Text::with(T::MailUnused, [unused]);
                Notice::warning(compose(T::TwoSentences, &[&text, &extra], lang))
            } else if warned {
                Notice::warning(text)
            } else {
                Notice::done(text)
            });
            // The ticks of orders not shipped stay (each shipped one was unticked as it
            // went): stopped half-way, the rest are the next batch, not to be found and
            // ticked again.
        }
    }

    /// Orders of the batch still to come that left the queue meanwhile (shipped by another
    /// mailroom clerk, or cancelled) are taken out of it and named, rather than offered to
    /// be scanned and refused.
    fn drop_shipped_elsewhere(&mut self, ctx: &mut Ctx<Request>) {
        let lang = ctx.lang;
        let Some(scan) = &mut self.scan else {
            return;
        };
        // The one being sent is left alone: it leaves the queue because it went.
        let first = scan.at + usize::from(scan.sending.is_some());
        if first >= scan.batch.len() {
            return;
        }
        let was_up = scan.current().map(|i| i.order.order_no.to_string());
        let tail = scan.batch.split_off(first);
        let (kept, gone): (Vec<_>, Vec<_>) = tail
            .into_iter()
            .partition(|item| self.queue.find(item.order.order_no.as_str()).is_some());
        // Those still to come are as the queue says now: an address corrected meanwhile
        // shows (with its label to print again), and the number goes with their version.
        let queue = &self.queue;
        scan.batch.extend(kept.into_iter().map(|item| {
            queue
                .find(item.order.order_no.as_str())
                .cloned()
                .unwrap_or(item)
        }));
        // Its label printed again: the refusal to scan it goes, and the number scanned for
        // it comes back into the field, for Enter to send.
        let up = scan.current().map(|i| (i.order.order_no.to_string(), i.relabel));
        // A number the platform did not answer was for the parcel that was up: if that
        // one left, the number is not the next parcel's.
        // So were a refusal of it and the pause after: what is queued goes on to the
        // parcel now up.
        if up.as_ref().map(|(no, _)| no) != was_up.as_ref() {
            scan.unsent = None;
            scan.error = None;
            scan.hold_until = None;
            scan.paused = false;
        }
        if scan.held.as_ref().is_some_and(|(order, _)| up.as_ref().map(|(no, _)| no) != Some(order)) {
            // The parcel it was kept for is no longer up (gone from the queue): neither
            // its number nor why it waited are the next one's.
            scan.held = None;
            scan.error = None;
        }
        if up.is_some_and(|(_, relabel)| !relabel) && scan.held.is_some() {
            scan.error = None;
            scan.hold_until = None;
            scan.paused = false;
            if let Some((_, number)) = scan.held.take()
                && scan.input.is_blank()
            {
                scan.input = Input::new(&number);
            }
        }
        if gone.is_empty() {
            return;
        }
        let names: Vec<String> = gone.iter().map(|i| i.order.order_no.to_string()).collect();
        scan.input = Input::new("");
        self.notice = Some(Notice::warning(Text::with(
            T::MailLeftQueue,
            [names.join(T::ListJoin.get(lang))],
        )));
        if scan.finished() {
            self.stop(lang);
        } else {
            self.drain(ctx);
        }
    }

    /// `↓`: the parcel that is up is skipped — at once, or in its turn when numbers
    /// entered before are still to go (a skip pressed right after a number is for the
    /// parcel after it).
    fn skip(&mut self, ctx: &mut Ctx<Request>) {
        let Some(scan) = &mut self.scan else {
            return;
        };
        if scan.sending.is_some() {
            scan.waiting.push(Queued::Skip);
            return;
        }
        // Nothing on its way (a refusal, or a pause after one, stands): the parcel up is
        // skipped now, and the numbers queued go to the ones after it.
        scan.paused = false;
        self.skip_now(ctx.lang, true);
        self.drain(ctx);
    }

    /// Skips the parcel that is up. `clear` empties the field (a skip pressed now: what
    /// was typed was for this parcel); a skip taken from the queue leaves what is being
    /// typed for the parcels after.
    fn skip_now(&mut self, lang: Lang, clear: bool) {
        let Some(scan) = &mut self.scan else {
            return;
        };
        if let Some(item) = scan.current() {
            scan.skipped.push(item.order.order_no.to_string());
            scan.at += 1;
            scan.error = None;
            // A number kept for the parcel skipped is not the next one's.
            scan.held = None;
            scan.unsent = None;
            scan.hold_until = None;
            if clear {
                scan.input = Input::new("");
            }
            if scan.finished() {
                self.stop(lang);
            }
        }
    }

    /// What was entered ahead goes, in turn, while the parcel that is up is free: a number
    /// is sent (and waits for its answer), a skip skips. Stops at a refusal — the parcel
    /// that is up needs its own number first, and the rest stay queued for the parcels
    /// after it — and at a label to print again.
    fn drain(&mut self, ctx: &mut Ctx<Request>) {
        loop {
            let Some(scan) = &mut self.scan else {
                return;
            };
            if scan.sending.is_some()
                || scan.unsent.is_some()
                || scan.paused
                || scan.error.is_some()
                || scan.finished()
                || scan.waiting.is_empty()
            {
                return;
            }
            match scan.waiting.remove(0) {
                Queued::Skip => self.skip_now(ctx.lang, false),
                Queued::Number(number) => self.send(ctx, number),
            }
        }
    }

    /// Enter in the scan: the number in the field goes, or waits its turn behind the one
    /// on its way; a number the platform did not answer goes again first.
    fn submit(&mut self, ctx: &mut Ctx<Request>) {
        let Some(scan) = &mut self.scan else {
            return;
        };
        let typed = scan.input.text();
        // A scanner that reads nothing sends a bare Enter: nothing typed.
        let typed = (!typed.trim().is_empty()).then_some(typed);
        let held = scan.hold_until.is_some_and(|until| ctx.now < until);
        if let Some(typed) = &typed
            && (scan.sending.is_some() || scan.unsent.is_some() || held || scan.paused)
        {
            // After the one that is up, or held after a refusal until the clerk says.
            scan.waiting.push(Queued::Number(typed.clone()));
            scan.input = Input::new("");
            if held {
                scan.paused = true;
                scan.hold_until = Some(ctx.now + HOLD_AFTER_REFUSAL);
            }
        }
        if scan.sending.is_some() || held || scan.paused {
            return;
        }
        if let Some(number) = scan.unsent.take() {
            scan.error = None;
            self.send(ctx, number);
            return;
        }
        if let Some(typed) = typed {
            scan.input = Input::new("");
            self.send(ctx, typed);
        }
    }

    /// Sends `typed` as the number of the parcel that is up. Never touches the field: it
    /// holds what is typed for the parcels after (a scanner does not wait for answers).
    fn send(&mut self, ctx: &mut Ctx<Request>, typed: String) {
        let carrier = self.chosen_carrier().cloned();
        let Some(scan) = &mut self.scan else {
            return;
        };
        let (Some(item), Some(carrier)) = (scan.current().cloned(), carrier) else {
            return;
        };
        // Its label shows the address before a correction: not mailed until it is printed
        // again (a scanner's Enter would send it before anyone read the warning).
        // The first number scanned for it is kept; another one scanned meanwhile (the next
        // parcel's, the scanner running ahead) is not taken for it: said, and not kept.
        if item.relabel {
            let typed = typed.trim().to_owned();
            // (Its own hold: the first number is kept; another is said and not taken.)
            scan.error = Some(match &scan.held {
                Some((_, held)) if *held != typed => {
                    Text::with(T::MailRelabelHeldOther, [held.clone(), typed])
                }
                _ => {
                    scan.held = Some((item.order.order_no.to_string(), typed));
                    Text::from(T::MailRelabelFirst)
                }
            });
            return;
        }
        let name = Self::carrier_name(&carrier, ctx.lang);
        // Checked here first, then again on the platform.
        let number = match TrackingNo::parse(carrier.format, name, &typed) {
            Ok(number) => number.as_str().to_owned(),
            Err(e) => {
                let why = compose(
                    T::TypedAndWhy,
                    &[&Text::plain(typed.trim()), &Text::from(e)],
                    ctx.lang,
                );
                scan.refused(ctx.now, why);
                return;
            }
        };
        if let Some((other, _)) = scan.done.iter().find(|(_, n)| *n == number) {
            let why = Text::with(T::ErrTrackingNoUsed, [number.clone(), other.clone()]);
            scan.refused(ctx.now, why);
            return;
        }
        scan.error = None;
        scan.hold_until = None;
        scan.sending = Some(number.clone());
        scan.sending_since = Some(ctx.now);
        ctx.ask(Request::Ship {
            order_no: item.order.order_no.to_string(),
            body: ActionRequest {
                version: Some(item.order.version),
                carrier: Some(carrier.code.clone()),
                tracking_no: Some(number),
                ..ActionRequest::default()
            },
        });
    }

    fn shipped(
        &mut self,
        ctx: &mut Ctx<Request>,
        order_no: &str,
        result: Result<Box<Order>, ClientError>,
    ) {
        let lang = ctx.lang;
        let Some(scan) = &mut self.scan else {
            return;
        };
        if scan.current().map(|i| i.order.order_no.as_str()) != Some(order_no) {
            return;
        }
        let Some(number) = scan.sending.take() else {
            return;
        };
        scan.sending_since = None;
        match result {
            Ok(order) => {
                let code = order.shipment.as_ref().map(|s| s.carrier.clone()).unwrap_or_default();
                let name = self
                    .carriers
                    .iter()
                    .find(|c| c.code == code)
                    .map_or(code, |c| Self::carrier_name(c, lang).to_owned());
                scan.done.push((order_no.to_owned(), number.clone()));
                scan.at += 1;
                scan.error = None;
                scan.held = None;
                // Texts only logged: the customer hears nothing of the parcel.
                let sms = if ctx.env.shared.demo(crate::api::DemoPart::Sms) {
                    crate::i18n::Arg::Text(T::MailShippedDemoSms)
                } else {
                    crate::i18n::Arg::Plain(String::new())
                };
                self.notice = Some(Notice::done(Text::with(
                    T::MailShipped,
                    [order_no.to_owned().into(), name.into(), number.into(), sms],
                )));
                self.ticked.retain(|t| t != order_no);
                // What was scanned meanwhile is for the next order; what is being typed
                // stays in the field.
                if scan.finished() {
                    self.stop(lang);
                } else {
                    self.drain(ctx);
                }
            }
            Err(e) => {
                let why = compose(
                    T::TypedAndWhy,
                    &[&Text::plain(number.clone()), &field_error(&e, lang)],
                    lang,
                );
                if e.problem().is_some() {
                    scan.refused(ctx.now, why);
                } else {
                    scan.error = Some(why);
                }
                // Numbers scanned meanwhile stay queued for the parcels after this one:
                // never put in this order's field.
                if e.problem().is_none() {
                    // Not refused, not answered (the link or the platform is down): this
                    // parcel's number is kept for it, shown in its field while nothing is
                    // typed there, and goes again by itself once the platform is back (or
                    // with Enter).
                    scan.unsent = Some(number);
                }
            }
        }
    }
}

/// The message for the tracking number when the platform names that field, else the
/// whole problem.
fn field_error(error: &ClientError, lang: Lang) -> Text {
    if let ClientError::Problem(problem) = error
        && let Some(field) = problem
            .errors
            .iter()
            .find(|e| e.field == "tracking_no" || e.field == "carrier")
    {
        return Text::platform(field.message.clone(), lang);
    }
    describe(error, lang)
}

impl Component for Mailing {
    type Cmd = Cmd;
    type Request = Request;
    type Answer = Answer;

    fn title(&self) -> T {
        T::TabMailing
    }

    fn about(&self) -> T {
        T::AboutMailing
    }

    fn permission(&self) -> Permission {
        // Anyone who sees orders sees what waits; only the mailroom ships.
        Permission::ViewOrders
    }

    fn home(&self, roles: &RoleSet) -> Option<u8> {
        roles.roles().contains(&Role::Mailroom).then_some(2)
    }

    fn counts(&self) -> Option<OrderStatus> {
        Some(OrderStatus::PendingShipment)
    }

    fn shown(&mut self, ctx: &mut Ctx<Request>) {
        if let Some(seq) = self.fetch.tick(ctx.now, true) {
            ctx.ask(Request::Queue { seq });
        }
    }

    fn focus(&self) -> Focus {
        if self.scan.is_some() {
            Focus::Field
        } else {
            Focus::Free
        }
    }

    fn scanning(&self) -> bool {
        self.scan.is_some()
    }

    fn bindings(&self, env: &Env) -> Vec<Binding<Cmd>> {
        keys::bindings(self, env)
    }

    fn command(&mut self, ctx: &mut Ctx<Request>, cmd: Cmd) {
        self.notice = None;
        match cmd {
            Cmd::Move(motion) => {
                if self.scan.is_none() {
                    self.queue.go(motion);
                }
            }
            Cmd::View => {
                if self.scan.is_none()
                    && let Some(no) = self.queue.selected_key()
                {
                    ctx.signal(Signal::OpenOrder(no));
                }
            }
            Cmd::Toggle => {
                if let Some(no) = self.queue.selected_key() {
                    match self.ticked.iter().position(|t| *t == no) {
                        Some(i) => {
                            self.ticked.remove(i);
                        }
                        None => self.ticked.push(no),
                    }
                    self.queue.go(crate::tui::list::Motion::Down);
                }
            }
            Cmd::ToggleAll => {
                if self.ticked.len() == self.queue.len() {
                    self.ticked.clear();
                } else {
                    self.ticked = self.queue.items().iter().map(|i| i.order.order_no.to_string()).collect();
                }
            }
            Cmd::NextCarrier => {
                if !self.carriers.is_empty() {
                    self.carrier = (self.carrier + 1) % self.carriers.len();
                }
            }
            Cmd::Start => self.start(ctx),
            Cmd::Stop => self.stop(ctx.lang),
            Cmd::Skip => self.skip(ctx),
            Cmd::UseQueued => {
                if let Some(scan) = self.scan.as_mut().filter(|s| s.paused) {
                    // The first number entered after the refusal is this parcel's, scanned
                    // again; those queued before it stay the next parcels', then the rest.
                    let before = scan.queued_before_refusal.min(scan.waiting.len());
                    let mut after = scan.waiting.split_off(before);
                    let first = after
                        .iter()
                        .position(|q| matches!(q, Queued::Number(_)))
                        .map(|i| after.remove(i));
                    let earlier = std::mem::take(&mut scan.waiting);
                    scan.waiting = first.into_iter().chain(earlier).chain(after).collect();
                    scan.paused = false;
                    scan.hold_until = None;
                    scan.error = None;
                    self.drain(ctx);
                }
            }
            Cmd::Labels => {
                let order_nos = self.label_orders();
                if !order_nos.is_empty() {
                    self.notice = Some(Notice::working());
                    ctx.ask(Request::Labels { order_nos });
                }
            }
        }
    }

    fn key(&mut self, ctx: &mut Ctx<Request>, key: KeyEvent) -> bool {
        let Some(scan) = &mut self.scan else {
            return false;
        };
        match key.code {
            KeyCode::Enter => self.submit(ctx),
            _ => {
                // A refusal stays in sight while numbers wait behind it (a scanner's next
                // characters must not hide it).
                let held = scan.hold_until.is_some_and(|until| ctx.now < until);
                if scan.input.key(key) && scan.waiting.is_empty() && !held {
                    scan.error = None;
                }
            }
        }
        true
    }

    fn paste(&mut self, _ctx: &mut Ctx<Request>, text: &str) -> bool {
        match &mut self.scan {
            Some(scan) => {
                scan.input.paste(text.trim());
                true
            }
            None => false,
        }
    }

    fn answer(&mut self, ctx: &mut Ctx<Request>, answer: Answer) {
        let lang = ctx.lang;
        match answer {
            Answer::Queue { seq, result } => {
                let (queue, again) = self.fetch.take(seq, result, lang, ctx.now);
                if let Some(queue) = queue {
                    // Read again: a passing trouble said before is over.
                    crate::tui::text::forget_offline(&mut self.notice);
                    let carrier = self.chosen_carrier().map(|c| c.code.clone());
                    self.carriers = queue.carriers;
                    self.carrier = carrier
                        .and_then(|code| self.carriers.iter().position(|c| c.code == code))
                        .unwrap_or(0);
                    self.promise_days = queue.promise_working_days;
                    self.queue.replace(queue.items);
                    let queue = &self.queue;
                    self.ticked.retain(|t| queue.find(t).is_some());
                    self.drop_shipped_elsewhere(ctx);
                }
                if let Some(seq) = again {
                    ctx.ask(Request::Queue { seq });
                }
            }
            Answer::Shipped { order_no, result } => self.shipped(ctx, &order_no, result),
            Answer::Printed(result) => {
                // Labels printed again: the queue says which no longer need it.
                if result.is_ok()
                    && let Some(seq) = self.fetch.changed(ctx.now, true)
                {
                    ctx.ask(Request::Queue { seq });
                }
                self.notice = Some(printed_notice(&result, lang));
            }
        }
    }

    fn live(&mut self, ctx: &mut Ctx<Request>, event: &Live) {
        if matches!(event, Live::Resumed) {
            crate::tui::text::forget_offline(&mut self.notice);
            // The number the outage held up goes now, for the parcel it was scanned for.
            if let Some(scan) = &mut self.scan
                && scan.sending.is_none()
                && let Some(number) = scan.unsent.take()
            {
                scan.error = None;
                self.send(ctx, number);
            }
        }
        if matches!(event, Live::Language)
            && let Some(scan) = &mut self.scan
        {
            // The platform's words under the number go, as the message line's do.
            crate::tui::text::drop_stale(&mut scan.error, ctx.lang);
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
