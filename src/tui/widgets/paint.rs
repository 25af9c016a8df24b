//! Putting text on screen so that it is read whole: lines that fit (or are cut on purpose,
//! with an ellipsis), paragraphs wrapped by the same rule everywhere (Chinese between
//! characters, English between words), block titles — each remembered, when a test asks,
//! with where it was meant to appear; popups remembered too, hiding what they cover. And
//! the last step of every frame: no control or bidi character reaches the terminal.

use std::cell::RefCell;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use unicode_width::UnicodeWidthStr;

use crate::tui::text::{screen_safe, unsafe_char, wrap};

/// One text the program meant to show, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    /// The rectangle it was drawn into.
    pub area: Rect,
    /// The text.
    pub text: String,
    /// Wrapped over the area's rows (else one row).
    pub wrapped: bool,
}

/// Everything one frame meant to show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// Texts still visible (those under a later popup are dropped).
    pub texts: Vec<Shown>,
    /// Popups, in the order drawn.
    pub popups: Vec<Rect>,
}

thread_local! {
    static RECORD: RefCell<Option<Record>> = const { RefCell::new(None) };
}

/// Starts remembering what is drawn (on this thread), for a test of the screen.
pub fn record_start() {
    RECORD.with(|r| *r.borrow_mut() = Some(Record::default()));
}

/// What was drawn since [`record_start`]; remembering stops.
pub fn record_take() -> Option<Record> {
    RECORD.with(|r| r.borrow_mut().take())
}

fn note(area: Rect, text: &str, wrapped: bool) {
    RECORD.with(|r| {
        if let Some(record) = r.borrow_mut().as_mut() {
            let text = screen_safe(text).trim_end().to_owned();
            if !text.trim().is_empty() && area.width > 0 && area.height > 0 {
                record.texts.push(Shown {
                    area,
                    text,
                    wrapped,
                });
            }
        }
    });
}

/// Remembers a popup at `area`: what it covers is no longer meant to be seen.
pub(crate) fn note_popup(area: Rect) {
    RECORD.with(|r| {
        if let Some(record) = r.borrow_mut().as_mut() {
            record
                .texts
                .retain(|t| t.area.intersection(area).is_empty());
            record.popups.push(area);
        }
    });
}

fn plain(line: &Line) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

/// Draws one line in the first row of `area`; it must fit (cut on purpose before, when
/// it may not).
pub fn line(frame: &mut Frame, area: Rect, line: Line) {
    if area.height == 0 {
        return;
    }
    let row = Rect::new(area.x, area.y, area.width, 1);
    note(row, &plain(&line), false);
    frame.render_widget(Paragraph::new(line), row);
}

/// Draws `lines`, one per row from the top of `area`, each as is.
pub fn lines(frame: &mut Frame, area: Rect, lines: Vec<Line>) {
    for (i, l) in lines.into_iter().enumerate() {
        let y = area.y + i as u16;
        if y >= area.bottom() {
            break;
        }
        line(frame, Rect::new(area.x, y, area.width, 1), l);
    }
}

/// `line` broken into lines of at most `width` columns, styles kept.
pub fn wrap_line(line: &Line, width: u16) -> Vec<Line<'static>> {
    let base = line.style;
    let styled: Vec<(char, Style)> = line
        .spans
        .iter()
        .flat_map(|s| {
            let style = base.patch(s.style);
            s.content.chars().map(move |c| (c, style))
        })
        .collect();
    let mut i = 0;
    let mut out = Vec::new();
    for text in wrap(&plain(line), usize::from(width.max(1))) {
        let mut spans: Vec<Span<'static>> = Vec::new();
        let mut run = String::new();
        let mut run_style = Style::default();
        for c in text.chars() {
            // Only spaces at a break were dropped: skip to this character.
            while i < styled.len() && styled[i].0 != c {
                i += 1;
            }
            let style = styled.get(i).map(|(_, s)| *s).unwrap_or(base);
            i += 1;
            if style != run_style && !run.is_empty() {
                spans.push(Span::styled(std::mem::take(&mut run), run_style));
            }
            run_style = style;
            run.push(c);
        }
        if !run.is_empty() {
            spans.push(Span::styled(run, run_style));
        }
        let mut wrapped = Line::from(spans);
        wrapped.alignment = line.alignment;
        out.push(wrapped);
    }
    out
}

/// `head` then `rest`, wrapped at `width` with a hanging indent: the rows after the first
/// start under `rest`, not under `head` (a history row's time stays alone in its column,
/// and what wraps never reads as a row of its own). Without room for the indent and a
/// dozen columns beside it, wrapped as one line.
pub fn hanging(head: Span<'static>, rest: Line<'static>, width: u16) -> Vec<Line<'static>> {
    let indent = crate::tui::text::width(&head.content) as u16;
    if width < indent + 12 {
        let mut spans = vec![head];
        spans.extend(rest.spans);
        return wrap_line(&Line::from(spans).style(rest.style), width);
    }
    wrap_line(&rest, width - indent)
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let lead = match i {
                0 => head.clone(),
                _ => Span::raw(" ".repeat(usize::from(indent))),
            };
            let mut spans = vec![lead];
            spans.extend(row.spans);
            Line::from(spans)
        })
        .collect()
}

/// `head` then `units` joined by `sep`, in lines of at most `width` columns that break only
/// between units (a legend's "补=补正件" is never split across two rows); a unit wider
/// than a line is wrapped on its own.
pub fn units(
    head: &str,
    units: &[String],
    sep: &str,
    width: u16,
    style: Style,
) -> Vec<Line<'static>> {
    let width = usize::from(width.max(1));
    let w = crate::tui::text::width;
    let mut rows: Vec<String> = Vec::new();
    let mut row = head.to_owned();
    for (i, unit) in units.iter().enumerate() {
        let piece = if i + 1 < units.len() {
            format!("{unit}{sep}")
        } else {
            unit.clone()
        };
        if !row.is_empty() && w(&row) + w(piece.trim_end()) > width {
            rows.push(std::mem::take(&mut row).trim_end().to_owned());
        }
        row.push_str(&piece);
    }
    rows.push(row);
    rows.iter()
        .flat_map(|r| wrap(r, width))
        .map(|r| Line::from(Span::styled(r, style)))
        .collect()
}

/// A list's legend for its one-character marks: `head` (`标记：{0}`), then each listed
/// mark's `(one, whole)` as "补=补正件", in rows of `width` that never split one.
pub fn marks_legend(
    head: crate::i18n::T,
    means: &[(&str, &str)],
    width: u16,
    lang: crate::i18n::Lang,
    style: Style,
) -> Vec<Line<'static>> {
    use crate::i18n::{Lang, T};
    let parts: Vec<String> = means
        .iter()
        .map(|(one, whole)| T::MailMarkMeans.fill(lang, &[one, whole]))
        .collect();
    let sep = if lang == Lang::ZhCn { "，" } else { ", " };
    units(&head.fill(lang, &[""]), &parts, sep, width, style)
}

/// Rows `lines` take wrapped at `width`.
pub fn height(lines: &[Line], width: u16) -> u16 {
    lines
        .iter()
        .map(|l| wrap(&plain(l), usize::from(width.max(1))).len() as u16)
        .sum()
}

/// Draws `lines` wrapped to the width of `area`, from its top; returns the rows used
/// (each line is remembered whole, over the rows it takes).
pub fn wrapped(frame: &mut Frame, area: Rect, lines: Vec<Line>) -> u16 {
    let mut y = area.y;
    for l in lines {
        let parts = wrap_line(&l, area.width);
        let rows = parts.len() as u16;
        note(
            Rect::new(
                area.x,
                y,
                area.width,
                rows.min(area.bottom().saturating_sub(y)),
            ),
            &plain(&l),
            true,
        );
        for part in parts {
            if y >= area.bottom() {
                // No room for the rest: what was remembered above is not all on screen,
                // and the screen test says so.
                return y - area.y;
            }
            frame.render_widget(Paragraph::new(part), Rect::new(area.x, y, area.width, 1));
            y += 1;
        }
    }
    y - area.y
}

/// Draws `lines` as [`wrapped`] does; when they do not all fit, without their empty
/// spacing lines first (a screen that gave rows to a message beside a code).
pub fn squeezed(frame: &mut Frame, area: Rect, mut lines: Vec<Line>) -> u16 {
    if height(&lines, area.width) > area.height {
        lines.retain(|l| l.spans.iter().any(|s| !s.content.trim().is_empty()));
    }
    wrapped(frame, area, lines)
}

/// Draws `block` at `area`, remembering its title.
pub fn block(frame: &mut Frame, area: Rect, block: Block, title: &str) {
    if area.width > 2 {
        note(
            Rect::new(area.x + 1, area.y, area.width - 2, 1),
            &format!(" {title} "),
            false,
        );
    }
    frame.render_widget(block, area);
}

/// Removes control and bidi characters from every cell: whatever the platform sent, the
/// terminal only ever gets text. And blanks the column a wide character covers: ratatui's
/// paragraphs write a Chinese character without clearing that column, so a border drawn
/// there first stays in the buffer though the screen never shows it — and when a popup's
/// border later replaces the character, the diff, finding that column unchanged, never
/// sends it: the popup's border came out with a gap per character of what was under it.
pub fn make_safe(buffer: &mut Buffer) {
    use ratatui::buffer::{Cell, CellDiffOption};
    let clean = |cell: &mut Cell| {
        if cell.symbol().chars().any(unsafe_char) {
            let safe: String = cell.symbol().chars().filter(|c| !unsafe_char(*c)).collect();
            cell.set_symbol(if safe.is_empty() { " " } else { &safe });
        }
    };
    // Text only: a picture's cells carry their own widths and are left as they are.
    let text = |cell: &Cell| matches!(cell.diff_option, CellDiffOption::None);
    let width = usize::from(buffer.area.width).max(1);
    for row in buffer.content.chunks_mut(width) {
        let mut x = 0;
        while x < row.len() {
            clean(&mut row[x]);
            let covers = if text(&row[x]) {
                row[x].symbol().width().max(1)
            } else {
                1
            };
            for hidden in row.iter_mut().skip(x + 1).take(covers - 1) {
                if text(hidden) {
                    if hidden.symbol() != " " {
                        hidden.set_symbol(" ");
                    }
                } else {
                    clean(hidden);
                }
            }
            x += covers;
        }
    }
}

/// The words a list's last row says what is out of sight with: how many below, how many
/// above, and both (`{0}` above, `{1}` below), each with the keys that reach them.
pub type MoreWords = (crate::i18n::T, crate::i18n::T, crate::i18n::T);

/// What a list's last row says of `above` and `below` items out of sight; `None` when
/// none is.
pub fn more_words(
    above: usize,
    below: usize,
    (below_words, above_words, both_words): MoreWords,
    lang: crate::i18n::Lang,
) -> Option<String> {
    match (above, below) {
        (0, 0) => None,
        (0, below) => Some(below_words.fill(lang, &[&below.to_string()])),
        (above, 0) => Some(above_words.fill(lang, &[&above.to_string()])),
        (above, below) => Some(both_words.fill(lang, &[&above.to_string(), &below.to_string()])),
    }
}

/// A list of `len` items of one row each shown in `rows` rows with the `selected` one in
/// view: how many items are shown, the first one shown, and — when they do not all fit,
/// the last row kept for it — how many are out of sight, in `words` ([`LIST_WORDS`] name
/// the keys that reach them).
pub fn list_window(
    len: usize,
    rows: u16,
    selected: usize,
    lang: crate::i18n::Lang,
    words: MoreWords,
) -> (usize, usize, Option<String>) {
    list_window_of(&vec![1; len], rows, selected, lang, words)
}

/// The words of a list one can type into to find: below (↓, or type to find), above (↑),
/// both.
pub const LIST_WORDS: MoreWords = (
    crate::i18n::T::HelpMoreBelow,
    crate::i18n::T::HelpMoreAbove,
    crate::i18n::T::HelpMoreBoth,
);

/// [`list_window`] for items `heights` rows tall each (a name that wraps, a line under it).
pub fn list_window_of(
    heights: &[u16],
    rows: u16,
    selected: usize,
    lang: crate::i18n::Lang,
    words: MoreWords,
) -> (usize, usize, Option<String>) {
    let sum = |items: &[u16]| items.iter().map(|h| usize::from(*h)).sum::<usize>();
    if sum(heights) <= usize::from(rows) {
        return (heights.len(), 0, None);
    }
    let room = usize::from(rows).saturating_sub(1);
    if room == 0 {
        // One row: it says how many there are.
        return (0, 0, more_words(0, heights.len(), words, lang));
    }
    let selected = selected.min(heights.len().saturating_sub(1));
    // The first shown: the earliest from which the selected one is still in sight, found
    // walking back from it.
    let mut offset = selected;
    let mut used = usize::from(heights[selected]);
    while offset > 0 && used + usize::from(heights[offset - 1]) <= room {
        offset -= 1;
        used += usize::from(heights[offset]);
    }
    let mut visible = 0;
    let mut used = 0;
    for height in &heights[offset..] {
        used += usize::from(*height);
        if used > room {
            break;
        }
        visible += 1;
    }
    // One taller than the room is shown as far as it goes, not left out.
    let visible = visible.max(1).min(heights.len() - offset);
    let below = heights.len().saturating_sub(offset + visible);
    (visible, offset, more_words(offset, below, words, lang))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Stylize;

    /// A hint in Chinese drawn on a border, then a popup's border over it: every column of
    /// the popup's border is sent to the terminal.
    #[test]
    fn a_border_drawn_over_chinese_is_sent_whole() {
        use ratatui::widgets::Widget;
        let area = Rect::new(0, 0, 12, 1);
        let mut shown = Buffer::empty(area);
        shown.set_string(0, 0, "─".repeat(12), Style::default());
        Paragraph::new("下面还有").render(Rect::new(2, 0, 8, 1), &mut shown);
        make_safe(&mut shown);
        assert_eq!(shown[(3, 0)].symbol(), " ", "the column 下 covers is blank");
        let mut next = Buffer::empty(area);
        next.set_string(0, 0, "─".repeat(12), Style::default());
        let sent: Vec<u16> = shown.diff(&next).iter().map(|(x, _, _)| *x).collect();
        assert_eq!(sent, (2..10).collect::<Vec<u16>>());
    }

    /// Items of one row and of several: the selected one always in sight, the last row
    /// saying how many are out of it.
    #[test]
    fn a_list_window_keeps_the_selected_item_in_sight() {
        use crate::i18n::Lang;
        assert_eq!(list_window(3, 5, 2, Lang::En, LIST_WORDS), (3, 0, None));
        let (visible, offset, more) = list_window(10, 5, 0, Lang::En, LIST_WORDS);
        assert_eq!((visible, offset), (4, 0));
        assert!(more.is_some_and(|m| m.contains("6 more below")));
        let (visible, offset, more) = list_window(10, 5, 9, Lang::En, LIST_WORDS);
        assert_eq!((visible, offset), (4, 6));
        assert!(more.is_some_and(|m| m.contains("6 more above")));
        // In the middle: both, so nothing is out of sight without a word.
        let (visible, offset, more) = list_window(10, 5, 5, Lang::En, LIST_WORDS);
        assert_eq!((visible, offset), (4, 2));
        assert!(
            more.as_deref()
                .is_some_and(|m| m.contains("2 above") && m.contains("4 more below")),
            "{more:?}"
        );
        // Two rows each, one of three: seven rows hold two and the word.
        let heights = [2, 3, 2, 2, 2];
        assert_eq!(list_window_of(&heights, 7, 0, Lang::En, LIST_WORDS).0, 2);
        for selected in 0..heights.len() {
            let (visible, offset, _) = list_window_of(&heights, 7, selected, Lang::En, LIST_WORDS);
            assert!((offset..offset + visible).contains(&selected), "{selected}");
            let used: u16 = heights[offset..offset + visible].iter().sum();
            assert!(used <= 6, "{selected}: {used} rows");
        }
        // An item taller than the room is still the one shown.
        assert_eq!(list_window_of(&[9, 1], 4, 0, Lang::En, LIST_WORDS).0, 1);
        assert_eq!(
            list_window_of(&[], 4, 0, Lang::En, LIST_WORDS),
            (0, 0, None)
        );
        let (visible, _, more) = list_window(5, 1, 2, Lang::En, LIST_WORDS);
        assert_eq!(visible, 0, "one row: only the word");
        assert!(more.is_some_and(|m| m.contains("5 more below")));
    }

    #[test]
    fn units_break_only_between_themselves() {
        let parts: Vec<String> = ["重=文件重复", "疑=扫描件存疑", "补=补正件", "超=已超时"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let rows: Vec<String> = units("标记：", &parts, "，", 30, Style::default())
            .iter()
            .map(plain)
            .collect();
        assert!(rows.len() > 1, "{rows:?}");
        for row in &rows {
            assert!(crate::tui::text::width(row) <= 30, "{rows:?}");
        }
        let whole = rows.join("");
        assert_eq!(
            whole,
            "标记：重=文件重复，疑=扫描件存疑，补=补正件，超=已超时"
        );
        for part in &parts {
            assert!(
                rows.iter().any(|r| r.contains(part.as_str())),
                "{part} split: {rows:?}"
            );
        }
    }

    #[test]
    fn a_hanging_line_wraps_under_its_rest() {
        let head = Span::raw("2026-12-07 03:13  ");
        let rest =
            Line::from("demo-clerk  实名认证  内置演示核验（仅校验号码与姓名） ✓ 2026-12-07 03:13");
        let rows: Vec<String> = hanging(head.clone(), rest.clone(), 60)
            .iter()
            .map(plain)
            .collect();
        assert!(rows.len() > 1, "{rows:?}");
        assert!(
            rows[0].starts_with("2026-12-07 03:13  demo-clerk"),
            "{rows:?}"
        );
        for row in &rows[1..] {
            assert!(row.starts_with(&" ".repeat(18)), "{rows:?}");
            assert!(!row.trim().is_empty(), "{rows:?}");
        }
        assert!(
            rows.iter().all(|r| crate::tui::text::width(r) <= 60),
            "{rows:?}"
        );
        // Too narrow for the indent: one line wrapped, nothing lost.
        let narrow: String = hanging(head, rest, 24)
            .iter()
            .map(plain)
            .collect::<Vec<_>>()
            .join("");
        assert!(narrow.contains("内置演示核验"), "{narrow}");
    }

    #[test]
    fn wrapping_keeps_each_words_style() {
        let line = Line::from(vec!["! ".red(), "the credit code is wrong".into()]);
        let parts = wrap_line(&line, 12);
        let text: Vec<String> = parts.iter().map(plain).collect();
        assert_eq!(text, ["! the credit", "code is", "wrong"]);
        assert_eq!(parts[0].spans[0].content, "! ");
        assert_eq!(height(&[line], 12), 3);
    }

    #[test]
    fn recorded_texts_under_a_popup_are_dropped() {
        record_start();
        note(Rect::new(0, 0, 10, 1), "under", false);
        note(Rect::new(0, 5, 10, 1), "beside", false);
        note_popup(Rect::new(0, 0, 5, 3));
        let record = record_take().unwrap_or_default();
        assert_eq!(record.texts.len(), 1);
        assert_eq!(record.texts[0].text, "beside");
        assert!(record_take().is_none());
    }
}
