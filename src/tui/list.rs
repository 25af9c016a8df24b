//! What every list of the TUI shares: [`Rows`] (the rows, the selection that follows its
//! order when the list moves, the scroll, the same keys everywhere) and [`Fetch`] (the
//! live fetcher: one request at a time, late answers dropped, again when something
//! changed, retried when it failed, marked stale until it is up to date).

use std::cell::Cell;

use crossterm::event::KeyCode;
use time::OffsetDateTime;

use super::keys::{Binding, Key};
use super::text::Text;
use crate::domain::OrderStatus;
use crate::i18n::{Lang, T};

/// The words a list of orders says on its last row what is out of sight with: below,
/// above, and both.
const ROW_WORDS: crate::tui::widgets::paint::MoreWords =
    (T::RowsMoreBelow, T::RowsMoreAbove, T::RowsMoreBoth);

/// A row that knows which order it is.
pub trait Keyed {
    /// Its key (the order number).
    fn key(&self) -> &str;
}

impl Keyed for crate::api::OrderSummary {
    fn key(&self) -> &str {
        self.order_no.as_str()
    }
}

impl Keyed for crate::api::ReviewItem {
    fn key(&self) -> &str {
        self.order.order_no.as_str()
    }
}

impl Keyed for crate::api::MailingItem {
    fn key(&self) -> &str {
        self.order.order_no.as_str()
    }
}

impl Keyed for crate::api::InvoicingItem {
    fn key(&self) -> &str {
        self.order.order_no.as_str()
    }
}

/// A move of the selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    /// One up.
    Up,
    /// One down.
    Down,
    /// A screen up.
    PageUp,
    /// A screen down.
    PageDown,
    /// The first row.
    Top,
    /// The last row.
    Bottom,
}

/// The keys of [`Motion`]: ↑↓ j k, PgUp PgDn (and Space when `space_pages`), g Home,
/// G End — the same in every list.
pub fn motion_bindings<C>(
    wrap: impl Fn(Motion) -> C,
    lang: Lang,
    space_pages: bool,
) -> Vec<Binding<C>> {
    let t = |t: T| t.get(lang).to_owned();
    let mut page_down = vec![Key::code(KeyCode::PageDown)];
    if space_pages {
        page_down.push(Key::ch(' '));
    }
    vec![
        Binding::new(
            &[Key::code(KeyCode::Up), Key::ch('k')],
            wrap(Motion::Up),
            t(T::CmdUp),
        ),
        Binding::new(
            &[Key::code(KeyCode::Down), Key::ch('j')],
            wrap(Motion::Down),
            t(T::CmdDown),
        ),
        Binding::new(
            &[Key::code(KeyCode::PageUp)],
            wrap(Motion::PageUp),
            t(T::CmdPageUp),
        ),
        Binding::new(&page_down, wrap(Motion::PageDown), t(T::CmdPageDown)),
        Binding::new(
            &[Key::ch('g'), Key::code(KeyCode::Home)],
            wrap(Motion::Top),
            t(T::CmdTop),
        ),
        Binding::new(
            &[Key::ch('G'), Key::code(KeyCode::End)],
            wrap(Motion::Bottom),
            t(T::CmdBottom),
        ),
    ]
}

/// The rows of a list, the selected one, and what is scrolled into view.
#[derive(Debug)]
pub struct Rows<T> {
    items: Vec<T>,
    /// How many the last [`Rows::replace`] gave.
    fetched: usize,
    selected: usize,
    /// The operator has moved the selection: from then on it stays on its order as rows
    /// come and go. Until then it stays on the first row, the newest (a list opened for
    /// the first time after orders came in shows them at the top, selected).
    moved: bool,
    offset: Cell<usize>,
    viewport: Cell<usize>,
}

impl<T> Default for Rows<T> {
    fn default() -> Self {
        Rows {
            items: Vec::new(),
            fetched: 0,
            selected: 0,
            moved: false,
            offset: Cell::new(0),
            viewport: Cell::new(10),
        }
    }
}

impl<T: Keyed> Rows<T> {
    /// The rows.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// How many the last answer that replaced them held (rows taken out since, one by one,
    /// are not subtracted).
    pub fn fetched(&self) -> usize {
        self.fetched
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The selected row's position.
    pub fn selected_index(&self) -> usize {
        self.selected
    }

    /// The selected row.
    pub fn selected(&self) -> Option<&T> {
        self.items.get(self.selected)
    }

    /// The selected row's key.
    pub fn selected_key(&self) -> Option<String> {
        self.selected().map(|r| r.key().to_owned())
    }

    /// The row with `key`.
    pub fn find(&self, key: &str) -> Option<&T> {
        self.items.iter().find(|r| r.key() == key)
    }

    /// Replaces every row; the selection stays on the same order when it is still there.
    pub fn replace(&mut self, items: Vec<T>) {
        let keep = self.selected_key();
        self.items = items;
        self.fetched = self.items.len();
        self.reselect(keep);
    }

    /// Adds rows after the last (a next page), skipping any already there.
    pub fn extend(&mut self, items: Vec<T>) {
        let keep = self.selected_key();
        for item in items {
            if self.find(item.key()).is_none() {
                self.items.push(item);
            }
        }
        self.reselect(keep);
    }

    /// Replaces the row with the same key (true), or nothing (false).
    pub fn update(&mut self, item: T) -> bool {
        match self.items.iter().position(|r| r.key() == item.key()) {
            Some(i) => {
                self.items[i] = item;
                true
            }
            None => false,
        }
    }

    /// Puts `item` at `at`; the selection stays on its order.
    pub fn insert(&mut self, at: usize, item: T) {
        let keep = self.selected_key();
        self.items.insert(at.min(self.items.len()), item);
        self.reselect(keep);
    }

    /// Removes the row with `key`; the selection moves to its neighbour.
    pub fn remove(&mut self, key: &str) -> Option<T> {
        let i = self.items.iter().position(|r| r.key() == key)?;
        let keep = (i != self.selected).then(|| self.selected_key()).flatten();
        let gone = self.items.remove(i);
        self.reselect(keep);
        Some(gone)
    }

    /// Selects the row with `key`, if there is one.
    pub fn select(&mut self, key: &str) -> bool {
        match self.items.iter().position(|r| r.key() == key) {
            Some(i) => {
                self.moved = true;
                self.selected = i;
                true
            }
            None => false,
        }
    }

    /// Selects the row at `index` (clamped).
    pub fn select_index(&mut self, index: usize) {
        self.moved = true;
        self.selected = index.min(self.items.len().saturating_sub(1));
    }

    /// Back to the first row, as a list first shown: the answer to a new question.
    pub fn to_top(&mut self) {
        self.selected = 0;
        self.moved = false;
        self.offset.set(0);
    }

    fn reselect(&mut self, key: Option<String>) {
        if !self.moved {
            self.selected = 0;
            return;
        }
        if let Some(key) = key {
            self.select(&key);
        }
        self.selected = self.selected.min(self.items.len().saturating_sub(1));
    }

    /// Moves the selection.
    pub fn go(&mut self, motion: Motion) {
        if self.items.is_empty() {
            return;
        }
        let last = self.items.len() - 1;
        let page = self.viewport.get().max(1);
        self.moved = true;
        self.selected = match motion {
            Motion::Up => self.selected.saturating_sub(1),
            Motion::Down => (self.selected + 1).min(last),
            Motion::PageUp => self.selected.saturating_sub(page),
            Motion::PageDown => (self.selected + page).min(last),
            Motion::Top => 0,
            Motion::Bottom => last,
        };
    }

    /// True when the selection is within `margin` rows of the last loaded row (time to
    /// fetch the next page).
    pub fn near_end(&self, margin: usize) -> bool {
        self.selected + self.viewport.get() + margin >= self.items.len()
    }

    /// For the view: `rows` fit; returns the first row to draw, keeping the selection
    /// (or `cursor`, when given) in view.
    pub fn scroll(&self, rows: usize, cursor: Option<usize>) -> usize {
        self.viewport.set(rows.max(1));
        let cursor = cursor.unwrap_or(self.selected);
        let mut offset = self.offset.get();
        if cursor < offset {
            offset = cursor;
        } else if rows > 0 && cursor >= offset + rows {
            offset = cursor + 1 - rows;
        }
        offset = offset.min(self.items.len().saturating_sub(rows.max(1)));
        self.offset.set(offset);
        offset
    }

    /// For the view: `rows` for the items; when they do not all fit, the last row is kept
    /// to say how many are out of sight ([`Self::scroll`] for the rest). Returns the first
    /// item drawn, how many are drawn, and the words for the last row.
    pub fn window(
        &self,
        rows: usize,
        cursor: Option<usize>,
        lang: Lang,
    ) -> (usize, usize, Option<String>) {
        if self.items.len() <= rows {
            return (self.scroll(rows, cursor), rows, None);
        }
        let rows = rows.saturating_sub(1).max(1);
        let offset = self.scroll(rows, cursor);
        let below = self.items.len().saturating_sub(offset + rows);
        let words = crate::tui::widgets::paint::more_words(offset, below, ROW_WORDS, lang);
        (offset, rows, words)
    }

    /// The first row drawn last time.
    pub fn offset(&self) -> usize {
        self.offset.get()
    }

    /// Rows that fit on screen (for paging).
    pub fn viewport(&self) -> usize {
        self.viewport.get()
    }
}

/// How often a retry is made after a failed fetch.
pub const RETRY_SECONDS: i64 = 5;

/// A list kept up to date with the platform.
#[derive(Debug, Clone)]
pub struct Fetch {
    seq: u64,
    asked: Option<u64>,
    again: bool,
    fetched_at: Option<OffsetDateTime>,
    failed_at: Option<OffsetDateTime>,
    // A change not fetched yet (the list is fetched when next shown).
    stale: bool,
    // A live change was lost (its own fetch failed): shown as stale until reloaded.
    lost: bool,
    every: Option<i64>,
    // The statuses the list shows: an order event touching none of them leaves it alone
    // (empty: every order event may change it).
    watching: Vec<OrderStatus>,
    /// An answer arrived at least once.
    pub loaded: bool,
    /// Why the last fetch failed (the rows shown are the last good ones).
    pub error: Option<Text>,
    /// The platform refused the question itself (e.g. a search too broad): asking again
    /// would get the same answer, so it is not retried until the question changes.
    pub refused: bool,
    // The number of the question that last changed what is asked (a search typed, a
    // filter picked), and of the latest question answered: while the first is newer, the
    // rows shown answer an earlier question.
    question: u64,
    answered: u64,
}

/// What to do with an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    /// It answers the latest question: use it.
    Use,
    /// It answers an older question: drop it.
    Drop,
}

impl Fetch {
    /// A fetcher that also refreshes every `every` seconds while its list is shown (ages
    /// and deadlines move with the clock).
    pub fn new(every: Option<i64>) -> Fetch {
        Fetch {
            seq: 0,
            asked: None,
            again: false,
            fetched_at: None,
            failed_at: None,
            stale: true,
            lost: false,
            every,
            watching: Vec::new(),
            loaded: false,
            error: None,
            refused: false,
            question: 0,
            answered: 0,
        }
    }

    /// The list shows orders in `status` only: an order event that neither leaves nor
    /// enters it (nor changes an order in it) does not ask for the list again.
    pub fn watching(mut self, status: OrderStatus) -> Fetch {
        self.watching.push(status);
        self
    }

    /// The question's number to send now, or `None` when one is on its way (it is asked
    /// again once that answer is in).
    pub fn ask(&mut self, now: OffsetDateTime) -> Option<u64> {
        if self.asked.is_some() {
            self.again = true;
            return None;
        }
        Some(self.send(now))
    }

    /// A new question that makes any answer on its way obsolete (the query changed).
    pub fn restart(&mut self, now: OffsetDateTime) -> u64 {
        self.again = false;
        self.question = self.send(now);
        self.question
    }

    /// Whether the rows shown answer the question as it stands: false from a new search or
    /// filter until its answer (or its refusal) is in — an `Enter` typed ahead of it would
    /// open a row of the previous answer.
    pub fn answers_question(&self) -> bool {
        self.answered >= self.question
    }

    fn send(&mut self, now: OffsetDateTime) -> u64 {
        self.seq += 1;
        self.asked = Some(self.seq);
        self.fetched_at = Some(now);
        self.seq
    }

    /// The number of the latest question (for follow-up pages of it).
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// An answer to question `seq` arrived (`ok`: it could be used). Returns whether to use
    /// it, and the number of a question to send now (asked again meanwhile, or failed).
    pub fn answered(
        &mut self,
        seq: u64,
        result: Result<(), Text>,
        now: OffsetDateTime,
    ) -> (Take, Option<u64>) {
        if seq != self.seq {
            return (Take::Drop, None);
        }
        self.asked = None;
        match result {
            Ok(()) => {
                self.answered = seq;
                self.loaded = true;
                self.refused = false;
                self.error = None;
                self.failed_at = None;
                self.stale = false;
                self.lost = false;
            }
            Err(why) => {
                self.error = Some(why);
                self.failed_at = Some(now);
                self.stale = true;
            }
        }
        let again = std::mem::take(&mut self.again).then(|| self.send(now));
        (Take::Use, again)
    }

    /// An answer arrived: the value when it answers the latest question and came through
    /// (a failure is kept on the fetcher, in `lang`), and a question to send now.
    pub fn take<T>(
        &mut self,
        seq: u64,
        result: Result<T, crate::api::ClientError>,
        lang: Lang,
        now: OffsetDateTime,
    ) -> (Option<T>, Option<u64>) {
        // A list holds nothing typed: the platform unreachable is said plainly (the forms'
        // "what you typed is kept" is not for it).
        let outcome = result.as_ref().map(|_| ()).map_err(|e| match e {
            crate::api::ClientError::Network(_) => {
                super::text::Text::from(crate::i18n::T::ErrOffline)
            }
            other => super::text::describe(other, lang),
        });
        let (take, again) = self.answered(seq, outcome, now);
        if take == Take::Use
            && let Err(error) = &result
            && !error.is_transient()
        {
            // Refused, not failed: say why, and do not ask the same again.
            self.answered = seq;
            self.refused = true;
            self.failed_at = None;
            self.stale = false;
            self.loaded = true;
            if let Some(message) = super::text::field_message(error, lang) {
                self.error = Some(message);
            }
        }
        match take {
            Take::Use => (result.ok(), again),
            Take::Drop => (None, again),
        }
    }

    /// A platform event or the link coming back: the list is asked for again (now when
    /// shown, else when next shown). An order event about statuses the list does not
    /// show, a realname event or a language switch changes nothing.
    pub fn live(
        &mut self,
        event: &super::component::Live,
        now: OffsetDateTime,
        shown: bool,
    ) -> Option<u64> {
        use super::component::Live;
        match event {
            Live::Order(order) if self.touches(order) => self.changed(now, shown),
            Live::Resumed | Live::Refresh => self.changed(now, shown),
            Live::Order(_) | Live::Realname(_) | Live::Language | Live::Platform => None,
        }
    }

    /// Whether an order event may change the list: it left or is in a status shown.
    fn touches(&self, event: &crate::api::OrderEvent) -> bool {
        self.watching.is_empty()
            || self.watching.contains(&event.status)
            || event.from.is_some_and(|from| self.watching.contains(&from))
    }

    /// Something changed on the platform: ask now if the list is shown, else mark it
    /// stale and ask when it is next shown.
    pub fn changed(&mut self, now: OffsetDateTime, shown: bool) -> Option<u64> {
        self.stale = true;
        if shown { self.ask(now) } else { None }
    }

    /// A live change could not be applied (its fetch failed): the list is stale and asked
    /// for in full.
    pub fn lost_update(&mut self, now: OffsetDateTime, shown: bool) -> Option<u64> {
        self.lost = true;
        self.changed(now, shown)
    }

    /// Every second (and when shown): the periodic refresh while shown, a retry after a
    /// failure, the fetch a hidden stale list was waiting for.
    pub fn tick(&mut self, now: OffsetDateTime, shown: bool) -> Option<u64> {
        if self.asked.is_some() {
            return None;
        }
        let since = |at: Option<OffsetDateTime>| at.map(|t| (now - t).whole_seconds());
        let retry = self.failed_at.is_some() && since(self.failed_at) >= Some(RETRY_SECONDS);
        let due = shown
            && self
                .every
                .is_some_and(|every| since(self.fetched_at).is_none_or(|s| s >= every));
        if (shown && self.stale && self.failed_at.is_none()) || retry || due {
            return self.ask(now);
        }
        None
    }

    /// True while the list may be behind the platform (a change not yet fetched, or a
    /// fetch that failed).
    pub fn is_stale(&self) -> bool {
        self.loaded && !self.refused && (self.lost || self.error.is_some())
    }

    /// True while a question is on its way.
    pub fn busy(&self) -> bool {
        self.asked.is_some()
    }

    /// "Not up to date (why) — retrying", while the list is behind the platform.
    pub fn stale_text(&self, lang: Lang) -> Option<String> {
        if !self.is_stale() {
            return None;
        }
        Some(match &self.error {
            Some(error) => T::ListStaleWhy.fill(lang, &[&error.get(lang)]),
            None => T::ListStale.get(lang).to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[derive(Debug, Clone, PartialEq)]
    struct Row(&'static str);

    impl Keyed for Row {
        fn key(&self) -> &str {
            self.0
        }
    }

    fn rows(keys: &[&'static str]) -> Rows<Row> {
        let mut rows = Rows::default();
        rows.replace(keys.iter().map(|k| Row(k)).collect());
        rows
    }

    #[test]
    fn the_selection_follows_its_order_when_the_list_moves() {
        let mut list = rows(&["a", "b", "c"]);
        list.go(Motion::Down);
        assert_eq!(list.selected_key().as_deref(), Some("b"));
        list.replace(vec![Row("z"), Row("a"), Row("b"), Row("c")]);
        assert_eq!(list.selected_key().as_deref(), Some("b"));
        list.remove("b");
        assert_eq!(list.selected_key().as_deref(), Some("c"));
        list.replace(vec![Row("x")]);
        assert_eq!(list.selected_key().as_deref(), Some("x"));
        list.replace(vec![]);
        assert_eq!(list.selected(), None);
    }

    #[test]
    fn an_untouched_list_keeps_the_newest_selected_as_rows_arrive() {
        let mut list = rows(&["a", "b"]);
        list.insert(0, Row("n1"));
        list.insert(0, Row("n2"));
        assert_eq!(list.selected_key().as_deref(), Some("n2"));
        list.replace(vec![Row("n3"), Row("n2"), Row("n1"), Row("a")]);
        assert_eq!(list.selected_key().as_deref(), Some("n3"));
        // Once moved, the selection stays on its order.
        list.go(Motion::Down);
        list.insert(0, Row("n4"));
        assert_eq!(list.selected_key().as_deref(), Some("n2"));
    }

    #[test]
    fn every_list_goes_to_top_bottom_and_by_pages() {
        let mut list = rows(&["a", "b", "c", "d", "e", "f", "g"]);
        list.scroll(3, None);
        list.go(Motion::Bottom);
        assert_eq!(list.selected_index(), 6);
        assert_eq!(list.scroll(3, None), 4);
        list.go(Motion::Top);
        assert_eq!(list.selected_index(), 0);
        list.go(Motion::PageDown);
        assert_eq!(list.selected_index(), 3);
        list.go(Motion::PageUp);
        list.go(Motion::Up);
        assert_eq!(list.selected_index(), 0);
        let mut empty: Rows<Row> = Rows::default();
        empty.go(Motion::Bottom);
        assert_eq!(empty.selected(), None);
    }

    #[test]
    fn motion_keys_include_g_and_home_everywhere() {
        use crossterm::event::{KeyEvent, KeyModifiers};
        let bindings = motion_bindings(|m| m, Lang::ZhCn, false);
        let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
        let find = |code| super::super::keys::lookup(&bindings, &key(code));
        assert_eq!(find(KeyCode::Char('g')), Some(Motion::Top));
        assert_eq!(find(KeyCode::Home), Some(Motion::Top));
        assert_eq!(find(KeyCode::Char('G')), Some(Motion::Bottom));
        assert_eq!(find(KeyCode::End), Some(Motion::Bottom));
        assert_eq!(find(KeyCode::Char(' ')), None);
    }

    #[test]
    fn one_question_at_a_time_and_late_answers_are_dropped() {
        let now = datetime!(2026-11-28 08:00 UTC);
        let mut fetch = Fetch::new(None);
        let first = fetch.ask(now).expect("asks");
        assert_eq!(fetch.ask(now), None, "one on its way");
        let (take, again) = fetch.answered(first, Ok(()), now);
        assert_eq!(take, Take::Use);
        let second = again.expect("asked again meanwhile");
        let third = fetch.restart(now);
        assert_eq!(fetch.answered(second, Ok(()), now).0, Take::Drop);
        assert_eq!(fetch.answered(third, Ok(()), now), (Take::Use, None));
        assert!(!fetch.is_stale());
    }

    #[test]
    fn a_failed_fetch_is_retried_and_the_list_marked_stale_meanwhile() {
        let now = datetime!(2026-11-28 08:00 UTC);
        let mut fetch = Fetch::new(None);
        let seq = fetch.ask(now).expect("asks");
        fetch.answered(seq, Ok(()), now);
        let seq = fetch.lost_update(now, true).expect("reload");
        let (_, again) = fetch.answered(seq, Err(T::ErrOfflineKept.into()), now);
        assert_eq!(again, None);
        assert!(fetch.is_stale() && fetch.error.is_some());
        assert_eq!(fetch.tick(now + time::Duration::seconds(1), true), None);
        let retry = fetch.tick(now + time::Duration::seconds(RETRY_SECONDS), false);
        let retry = retry.expect("retried even while hidden");
        fetch.answered(retry, Ok(()), now);
        assert!(!fetch.is_stale() && fetch.error.is_none());
    }

    #[test]
    fn a_hidden_list_is_fetched_when_shown_and_refreshed_while_shown() {
        let now = datetime!(2026-11-28 08:00 UTC);
        let mut fetch = Fetch::new(Some(60));
        assert!(fetch.tick(now, false).is_none(), "hidden: not yet");
        let seq = fetch.tick(now, true).expect("shown: fetched");
        fetch.answered(seq, Ok(()), now);
        assert_eq!(fetch.changed(now, false), None);
        assert!(!fetch.is_stale(), "not yet fetched is not stale");
        assert!(fetch.tick(now, true).is_some(), "shown again: fetched");
        let mut fetch = Fetch::new(Some(60));
        let seq = fetch.ask(now).expect("asks");
        fetch.answered(seq, Ok(()), now);
        assert!(
            fetch
                .tick(now + time::Duration::seconds(30), true)
                .is_none()
        );
        assert!(
            fetch
                .tick(now + time::Duration::seconds(60), true)
                .is_some()
        );
    }
}
