//! The popups over an order under review: "approve?", the checklist of reasons to return
//! it (the last, "other", takes text: press its digit and type), and where to save an attachment.

use crossterm::event::{KeyCode, KeyEvent};

use crate::domain::ApprovalGap;
use crate::i18n::{Lang, T};
use crate::tui::text::Text;
use crate::tui::widgets::input::Input;

/// The reasons a reviewer picks from, in the order shown (the domain's); the last is
/// "other" with text.
pub const REASONS: [T; 9] = {
    let d = crate::domain::RETURN_REASONS;
    [d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], T::ReasonOther]
};

/// The row of "other".
pub const OTHER: usize = REASONS.len() - 1;

/// The longest reason the platform takes, in characters.
const MAX_REASON_CHARS: usize = 200;

/// A popup over the review screen (one at a time: its size is no matter).
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Popup {
    /// "Approve HN…?"
    Approve,
    /// The reasons checklist.
    Return(Checklist),
    /// Where to save the attachment.
    Save {
        /// The path typed.
        input: Input,
        /// What went wrong.
        error: Option<Text>,
        /// Completion choices.
        choices: Option<String>,
    },
}

/// The reasons ticked, and the text of "other".
#[derive(Debug, Clone)]
pub struct Checklist {
    /// Ticked reasons, by index into [`REASONS`].
    pub checked: [bool; REASONS.len()],
    /// The row with the cursor.
    pub cursor: usize,
    /// The text of "other" (typed on its row).
    pub other: Input,
    /// What is wrong with the choice.
    pub error: Option<Text>,
    /// Some reasons were ticked for the reviewer: what the order lacks for approval.
    pub gaps_ticked: bool,
    /// A person's order: no organisation's stamp to ask for.
    pub individual: bool,
    /// Not paid by bank transfer: no voucher to ask for again.
    pub not_by_transfer: bool,
    /// What the vouchers show in all (yuan, as typed): on its own row under "the voucher's
    /// amount is wrong" while that is ticked, so the customer is told the rest to transfer.
    pub total: Input,
    /// The order's amount (fen): the total said must be short of it.
    pub amount_fen: i64,
}

impl Default for Checklist {
    fn default() -> Self {
        Checklist {
            checked: [false; REASONS.len()],
            cursor: 0,
            other: Input::new(""),
            error: None,
            gaps_ticked: false,
            individual: false,
            not_by_transfer: false,
            total: Input::new(""),
            amount_fen: 0,
        }
    }
}

/// The row of "the organisation's stamp is missing": not for a person's order.
pub const STAMP: usize = 1;
const _: () = assert!(matches!(REASONS[STAMP], T::ReasonStampMissing));

/// The row of "the voucher's amount is wrong", under which its total is typed.
pub const AMOUNT: usize = 4;
const _: () = assert!(matches!(REASONS[AMOUNT], T::ReasonVoucherAmount));

/// The cursor's place on the row of the vouchers' total (after the reasons' rows).
pub const TOTAL: usize = REASONS.len();

/// What a key did to the checklist.
pub enum Step {
    /// Still open.
    Open,
    /// Closed (Esc).
    Closed,
    /// Return with these reasons, and what the vouchers showed in all (fen) when said.
    Send(Vec<String>, Option<i64>),
}

impl Checklist {
    /// A fresh checklist with the reasons for what the order lacks for approval ticked,
    /// the cursor on the first of them.
    pub fn for_gaps(gaps: &[ApprovalGap]) -> Self {
        let mut list = Checklist::default();
        for gap in gaps {
            if let Some(i) = REASONS.iter().position(|r| *r == gap.return_reason()) {
                if !list.gaps_ticked {
                    list.cursor = i;
                }
                list.checked[i] = true;
                list.gaps_ticked = true;
            }
        }
        list
    }

    /// Whether the vouchers' total has its row: under "the voucher's amount is wrong",
    /// while that is ticked.
    pub fn total_shown(&self) -> bool {
        self.checked[AMOUNT]
    }

    /// The rows in the order shown, by cursor place: the reasons, with the total's row
    /// under the voucher's amount while it is shown.
    pub fn rows(&self) -> Vec<usize> {
        let mut rows: Vec<usize> = (0..REASONS.len()).collect();
        if self.total_shown() {
            rows.insert(AMOUNT + 1, TOTAL);
        }
        rows
    }

    /// Moves the cursor `by` rows as shown (up when negative), stopping at either end.
    fn move_cursor(&mut self, by: isize) {
        let rows = self.rows();
        let at = rows.iter().position(|r| *r == self.cursor).unwrap_or(0);
        let to = at.saturating_add_signed(by).min(rows.len() - 1);
        self.cursor = rows[to];
    }

    /// Whether reason `i` can be asked of this order ([`crate::domain::reason_applies`]).
    pub fn applies(&self, i: usize) -> bool {
        REASONS.get(i).is_none_or(|reason| {
            crate::domain::reason_applies(*reason, !self.individual, !self.not_by_transfer)
        })
    }

    /// What reason `i` is marked with when it cannot be asked of this order.
    pub fn not_for_this(&self, i: usize) -> Option<T> {
        self.why_not(i).map(|(mark, _)| mark)
    }

    /// Reason `i` cannot be asked of this order: its mark on the list, and what a press
    /// of it is told.
    fn why_not(&self, i: usize) -> Option<(T, T)> {
        if self.applies(i) {
            return None;
        }
        Some(if i == STAMP {
            (T::ReturnOrganisationsOnly, T::ReturnStampIndividual)
        } else {
            (T::ReturnTransferOnly, T::ReturnVoucherNotTransfer)
        })
    }

    /// A key. On the "other" row letters and digits type its text (and tick it); elsewhere
    /// digits tick a reason, the last digit moves to "other" ready to type.
    pub fn key(&mut self, key: KeyEvent) -> Step {
        let step = self.key_inner(key);
        // A person has no organisation's stamp, an order paid online no voucher: told so,
        // not ticked (it would ask the customer for what they cannot have).
        for i in 0..OTHER {
            if let Some((_, refused)) = self.why_not(i).filter(|_| self.checked[i]) {
                self.checked[i] = false;
                self.error = Some(refused.into());
            }
        }
        // The total's row goes with its reason (what was typed in it stays, for a tick
        // again); the cursor does not stay on a row not shown.
        if self.cursor == TOTAL && !self.total_shown() {
            self.cursor = AMOUNT;
        }
        step
    }

    fn key_inner(&mut self, key: KeyEvent) -> Step {
        let on_other = self.cursor == OTHER;
        match key.code {
            KeyCode::Esc => return Step::Closed,
            KeyCode::Enter => return self.submit(),
            KeyCode::Up | KeyCode::BackTab => self.move_cursor(-1),
            KeyCode::Down | KeyCode::Tab => self.move_cursor(1),
            // On the total's row an amount is typed: digits (full-width too, from an input
            // method), its point, a ¥; 元 after it is what the label says already. Nothing
            // else goes anywhere — not to "other", where it would reach the customer as a
            // reason.
            KeyCode::Char(c) if self.cursor == TOTAL => self.type_total(&c.to_string()),
            KeyCode::Backspace | KeyCode::Delete | KeyCode::Left | KeyCode::Right | KeyCode::Home
            | KeyCode::End
                if self.cursor == TOTAL =>
            {
                self.total.key(key);
                self.error = None;
            }
            // On "other", Space ticks it, then types (a reviewer writing the reason starts
            // with a space as often as not); Backspace on its empty text unticks it.
            KeyCode::Char(' ') if !on_other || !self.checked[OTHER] => {
                self.checked[self.cursor] = !self.checked[self.cursor];
                self.error = None;
            }
            KeyCode::Backspace if on_other && self.other.is_blank() => {
                self.other = Input::new("");
                self.checked[OTHER] = false;
                self.error = None;
            }
            KeyCode::Char(c @ '1'..='9') if !on_other => {
                self.error = None;
                let i = usize::from(c as u8 - b'1');
                self.checked[i] = !self.checked[i];
                self.cursor = i;
                if i == OTHER {
                    // Ready to type the reason.
                    self.checked[OTHER] = true;
                }
            }
            // Letters typed on another row are the start of "other": taken there, not lost.
            KeyCode::Char(c)
                if !on_other
                    && !c.is_control()
                    && key.modifiers.difference(crossterm::event::KeyModifiers::SHIFT).is_empty() =>
            {
                self.cursor = OTHER;
                self.checked[OTHER] = true;
                self.other.key(key);
                self.error = None;
            }
            _ if on_other => {
                if self.other.key(key) {
                    self.error = None;
                }
                if self.other.text().chars().count() > MAX_REASON_CHARS {
                    let cut: String = self.other.text().chars().take(MAX_REASON_CHARS).collect();
                    self.other = Input::new(&cut);
                    self.error = Some(Text::with(T::ReasonTooLong, [MAX_REASON_CHARS.to_string()]));
                }
                self.checked[OTHER] = !self.other.text().trim().is_empty() || self.checked[OTHER];
            }
            _ => {}
        }
        Step::Open
    }

    /// Pasted text goes to "other", or to the total on its row.
    pub fn paste(&mut self, text: &str) {
        if self.cursor == TOTAL {
            self.type_total(text.trim());
            return;
        }
        self.cursor = OTHER;
        self.other.paste(text);
        self.checked[OTHER] = true;
    }

    /// `text` typed or pasted on the total's row: digits (full-width too, from an input
    /// method or a copied slip), its point, thousands' commas (`¥1,000.00`), a ¥; 元 is
    /// what the label says already. Text
    /// with anything else is not taken — not sent to "other", where it would reach the
    /// customer as a reason — and said.
    fn type_total(&mut self, text: &str) {
        let folded = crate::domain::normalize_width(text).replace('元', "");
        if folded
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '¥' | '￥'))
        {
            self.total.paste(&folded);
            self.error = None;
        } else {
            self.error = Some(T::ReturnTotalDigits.into());
        }
    }

    fn submit(&mut self) -> Step {
        // Reasons are kept in Chinese: they go into the customer's SMS and notice.
        let mut reasons: Vec<String> = REASONS[..OTHER]
            .iter()
            .zip(self.checked)
            .filter(|(_, on)| *on)
            .map(|(t, _)| t.get(Lang::ZhCn).to_owned())
            .collect();
        let text = self.other.text().trim().to_owned();
        if self.checked[OTHER] && text.is_empty() {
            self.error = Some(T::ReturnOtherNeeded.into());
            self.cursor = OTHER;
            return Step::Open;
        }
        if !text.is_empty() {
            reasons.push(text);
        }
        if reasons.is_empty() {
            self.error = Some(T::ReturnPickOne.into());
            return Step::Open;
        }
        // The vouchers' total, when said, by the platform's own rule.
        let typed = self.total.text();
        let total = if self.total_shown() && !typed.trim().is_empty() {
            let checked = crate::domain::Money::parse_yuan(&typed).and_then(|total| {
                crate::domain::check_voucher_total(&reasons, self.amount_fen, total.fen())
                    .map(|()| total.fen())
            });
            match checked {
                Ok(fen) => Some(fen),
                Err(e) => {
                    self.error = Some(e.into());
                    self.cursor = TOTAL;
                    return Step::Open;
                }
            }
        } else {
            None
        };
        Step::Send(reasons, total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    /// An order paid online has no voucher: its two reasons are not ticked, said so, and
    /// marked on their rows; paid by transfer they are ticked.
    #[test]
    fn an_order_paid_online_is_not_returned_for_a_voucher() {
        let voucher = |t: T| REASONS.iter().position(|r| *r == t).expect("on the list");
        for reason in [T::ReasonVoucherAmount, T::ReasonVoucherUnreadable] {
            let i = voucher(reason);
            let mut online = Checklist {
                not_by_transfer: true,
                ..Checklist::default()
            };
            online.key(key(KeyCode::Char(char::from(b'1' + i as u8))));
            assert!(!online.checked[i]);
            assert_eq!(online.error, Some(T::ReturnVoucherNotTransfer.into()));
            assert_eq!(online.not_for_this(i), Some(T::ReturnTransferOnly));
            let mut transfer = Checklist::default();
            transfer.key(key(KeyCode::Char(char::from(b'1' + i as u8))));
            assert!(transfer.checked[i] && transfer.error.is_none());
        }
    }

    /// Ticking "the voucher's amount is wrong" opens a row under it for what the vouchers
    /// showed in all: typed there, checked by the platform's rule (short of the order's
    /// amount), sent in fen; unticked, it is neither shown nor sent.
    #[test]
    fn the_vouchers_total_is_typed_under_its_reason() {
        let mut list = Checklist {
            amount_fen: 40_000,
            ..Checklist::default()
        };
        assert!(!list.rows().contains(&TOTAL));
        list.key(key(KeyCode::Char('5')));
        assert!(list.checked[AMOUNT]);
        assert_eq!(list.rows()[AMOUNT + 1], TOTAL);
        list.key(key(KeyCode::Down));
        assert_eq!(list.cursor, TOTAL);
        // Digits type the amount here (they tick reasons elsewhere).
        for c in "400".chars() {
            list.key(key(KeyCode::Char(c)));
        }
        assert!(matches!(list.key(key(KeyCode::Enter)), Step::Open));
        assert!(list.error.is_some(), "not short of ¥400.00");
        assert_eq!(list.cursor, TOTAL);
        list.key(key(KeyCode::Backspace));
        list.key(key(KeyCode::Backspace));
        list.key(key(KeyCode::Char('.')));
        list.key(key(KeyCode::Char('5')));
        match list.key(key(KeyCode::Enter)) {
            Step::Send(reasons, total) => {
                assert_eq!(reasons, ["转账凭证金额不符"]);
                assert_eq!(total, Some(450));
            }
            _ => panic!("sent"),
        }
        // Typed with an input method (full-width), with 元 after it: the amount. Anything
        // else stays off the row and out of "other" (it would reach the customer as a
        // reason): said.
        list.total = Input::new("");
        list.cursor = TOTAL;
        for c in "１２０．５元".chars() {
            list.key(key(KeyCode::Char(c)));
        }
        assert_eq!(list.total.text(), "120.5");
        assert_eq!(list.error, None);
        // Pasted off a slip, the same.
        list.total = Input::new("");
        list.paste("１２０．５元 ");
        assert_eq!((list.total.text(), list.error.clone()), ("120.5".to_owned(), None));
        for c in "rmb-".chars() {
            list.key(key(KeyCode::Char(c)));
        }
        assert_eq!(list.error, Some(T::ReturnTotalDigits.into()));
        assert_eq!((list.cursor, list.total.text()), (TOTAL, "120.5".to_owned()));
        assert!(!list.checked[OTHER] && list.other.text().is_empty());
        match list.key(key(KeyCode::Enter)) {
            Step::Send(reasons, total) => {
                assert_eq!(reasons, ["转账凭证金额不符"]);
                assert_eq!(total, Some(12_050));
            }
            _ => panic!("sent"),
        }
        // Up from the next reason comes back onto it.
        list.cursor = AMOUNT + 1;
        list.key(key(KeyCode::Up));
        assert_eq!(list.cursor, TOTAL);
        // Down from the total goes on to the next reason; unticked, its row goes and the
        // total is not sent.
        list.cursor = TOTAL;
        list.key(key(KeyCode::Down));
        assert_eq!(list.cursor, AMOUNT + 1);
        list.key(key(KeyCode::Char('5')));
        list.key(key(KeyCode::Char('1')));
        assert!(!list.rows().contains(&TOTAL));
        match list.key(key(KeyCode::Enter)) {
            Step::Send(reasons, total) => {
                assert_eq!(reasons, ["申请表缺少签字"]);
                assert_eq!(total, None);
            }
            _ => panic!("sent"),
        }
    }

    #[test]
    fn a_persons_order_is_not_returned_for_an_organisations_stamp() {
        let mut list = Checklist {
            individual: true,
            ..Checklist::default()
        };
        list.key(key(KeyCode::Char('2')));
        assert!(!list.checked[STAMP]);
        assert_eq!(list.error, Some(T::ReturnStampIndividual.into()));
        list.cursor = STAMP;
        list.key(key(KeyCode::Char(' ')));
        assert!(!list.checked[STAMP]);
        let mut organisation = Checklist::default();
        organisation.key(key(KeyCode::Char('2')));
        assert!(organisation.checked[STAMP]);
    }

    #[test]
    fn text_typed_after_ticking_other_is_its_reason() {
        let mut list = Checklist::default();
        list.key(key(KeyCode::Char('1')));
        list.key(key(KeyCode::Char('9')));
        for c in "印章模糊 2 处".chars() {
            list.key(key(KeyCode::Char(c)));
        }
        match list.key(key(KeyCode::Enter)) {
            Step::Send(reasons, None) => assert_eq!(reasons, ["申请表缺少签字", "印章模糊 2 处"]),
            _ => panic!("sent"),
        }
    }

    #[test]
    fn space_after_choosing_other_types_and_backspace_on_nothing_unticks_it() {
        let mut list = Checklist::default();
        list.key(key(KeyCode::Char('9')));
        list.key(key(KeyCode::Char(' ')));
        assert!(list.checked[OTHER], "still ticked");
        for c in "印章模糊".chars() {
            list.key(key(KeyCode::Char(c)));
        }
        match list.key(key(KeyCode::Enter)) {
            Step::Send(reasons, None) => assert_eq!(reasons, ["印章模糊"]),
            _ => panic!("sent"),
        }
        let mut list = Checklist::default();
        list.key(key(KeyCode::Char('9')));
        list.key(key(KeyCode::Backspace));
        assert!(!list.checked[OTHER]);
        list.key(key(KeyCode::Char(' ')));
        assert!(list.checked[OTHER], "Space ticks it again");
    }

    #[test]
    fn letters_typed_on_another_row_go_to_other() {
        let mut list = Checklist::default();
        list.key(key(KeyCode::Down));
        for c in "xyz".chars() {
            list.key(key(KeyCode::Char(c)));
        }
        assert_eq!((list.cursor, list.other.text()), (OTHER, "xyz".to_owned()));
        assert!(list.checked[OTHER]);
    }

    #[test]
    fn other_without_text_asks_for_it() {
        let mut list = Checklist::default();
        list.key(key(KeyCode::Char('9')));
        assert!(matches!(list.key(key(KeyCode::Enter)), Step::Open));
        assert_eq!(list.error, Some(T::ReturnOtherNeeded.into()));
        let mut empty = Checklist::default();
        assert!(matches!(empty.key(key(KeyCode::Enter)), Step::Open));
        assert_eq!(empty.error, Some(T::ReturnPickOne.into()));
        // Ticking a reason answers the message: it goes.
        empty.key(key(KeyCode::Char('2')));
        assert_eq!(empty.error, None);
        empty.key(key(KeyCode::Enter));
        empty.key(key(KeyCode::Char('2')));
        empty.key(key(KeyCode::Enter));
        empty.key(key(KeyCode::Char(' ')));
        assert_eq!(empty.error, None);
    }
}
