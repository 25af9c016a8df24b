//! What the walk checks on each screen: every text the program meant to show (it remembers
//! each, with where it drew it) appears whole on the screen as a terminal shows it — a
//! cell hidden under a wide character does not count — every popup's border is there, and
//! no control or bidi character reaches the terminal.

use ca_counter::tui::app::{self, App};
use ca_counter::tui::text::unsafe_char;
use ca_counter::tui::widgets::paint::{self, Record};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

/// The screen as a terminal shows it: per row, per column, the symbol there, or `None`
/// for a cell covered by the wide character before it (never drawn).
pub fn visible(buffer: &Buffer) -> Vec<Vec<Option<String>>> {
    let area = buffer.area;
    (area.top()..area.bottom())
        .map(|y| {
            let mut row = Vec::new();
            let mut skip = 0usize;
            for x in area.left()..area.right() {
                if skip > 0 {
                    row.push(None);
                    skip -= 1;
                    continue;
                }
                let symbol = buffer[(x, y)].symbol().to_owned();
                skip = symbol.width().saturating_sub(1);
                row.push(Some(symbol));
            }
            row
        })
        .collect()
}

fn text_in(grid: &[Vec<Option<String>>], area: Rect, row: u16) -> String {
    let Some(cells) = grid.get(usize::from(row)) else {
        return String::new();
    };
    (area.left()..area.right())
        .filter_map(|x| cells.get(usize::from(x)).cloned().flatten())
        .collect()
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Problems with one drawn screen.
pub fn problems(buffer: &Buffer, record: &Record) -> Vec<String> {
    let grid = visible(buffer);
    let mut out = Vec::new();
    for shown in &record.texts {
        let area = shown.area;
        if shown.wrapped {
            let all: String = (area.top()..area.bottom())
                .map(|y| text_in(&grid, area, y))
                .collect();
            if !squeeze(&all).contains(&squeeze(&shown.text)) {
                out.push(format!(
                    "cut: {:?} wrapped in {area:?} shows {:?}",
                    shown.text,
                    all.trim_end()
                ));
            }
        } else {
            let row = text_in(&grid, area, area.y);
            if !row.contains(shown.text.trim_start()) {
                out.push(format!(
                    "cut: {:?} at {area:?} shows {:?}",
                    shown.text,
                    row.trim_end()
                ));
            }
        }
    }
    for popup in &record.popups {
        let at = |x: u16, y: u16| {
            grid.get(usize::from(y))
                .and_then(|r| r.get(usize::from(x)))
                .cloned()
                .flatten()
        };
        let (l, r, t, b) = (
            popup.left(),
            popup.right() - 1,
            popup.top(),
            popup.bottom() - 1,
        );
        let mut border = vec![
            (l, t, ["┌", "+"]),
            (r, t, ["┐", "+"]),
            (l, b, ["└", "+"]),
            (r, b, ["┘", "+"]),
        ];
        for y in t + 1..b {
            border.push((l, y, ["│", "|"]));
            border.push((r, y, ["│", "|"]));
        }
        for x in l + 1..r {
            border.push((x, b, ["─", "-"]));
        }
        for (x, y, want) in border {
            match at(x, y) {
                Some(s) if want.contains(&s.as_str()) => {}
                got => out.push(format!("popup {popup:?}: border cell ({x},{y}) is {got:?}")),
            }
        }
    }
    for (y, row) in grid.iter().enumerate() {
        for (x, cell) in row.iter().enumerate() {
            if let Some(symbol) = cell
                && symbol.chars().any(unsafe_char)
            {
                out.push(format!("control character at ({x},{y}): {symbol:?}"));
            }
        }
    }
    out
}

/// Draws `app` at `width`×`height`, remembering what it meant to show; the screen and its
/// problems.
pub fn draw(app: &App, width: u16, height: u16) -> (String, Vec<String>) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    paint::record_start();
    terminal.draw(|frame| app::draw(frame, app)).expect("draw");
    let record = paint::record_take().unwrap_or_default();
    let buffer = terminal.backend().buffer().clone();
    let problems = problems(&buffer, &record);
    (format!("{}", terminal.backend()), problems)
}

/// The texts `app` draws at `width`×`height`, each whole as it meant to show it (a text
/// wrapped over rows is one), for a test that a message was drawn in full.
pub fn drawn_texts(app: &App, width: u16, height: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    paint::record_start();
    terminal.draw(|frame| app::draw(frame, app)).expect("draw");
    paint::record_take()
        .unwrap_or_default()
        .texts
        .into_iter()
        .map(|t| t.text)
        .collect()
}

/// Checks one screen at 80×24; the problems, named.
pub fn screen(name: &str, app: &App) -> Vec<String> {
    let (screen, problems) = draw(app, 80, 24);
    if problems.is_empty() {
        return Vec::new();
    }
    vec![format!("{name}:\n  {}\n{screen}", problems.join("\n  "))]
}

mod tests {
    use super::*;
    use ratatui::text::Line;

    /// The checker itself fails where it must: a text cut at the edge, a border hidden
    /// under a wide character.
    #[test]
    fn the_walk_notices_a_cut_text_and_a_hidden_border() {
        let mut terminal = Terminal::new(TestBackend::new(20, 4)).expect("terminal");
        paint::record_start();
        terminal
            .draw(|frame| {
                paint::line(
                    frame,
                    Rect::new(0, 0, 10, 1),
                    Line::from("a text too long here"),
                );
                paint::line(
                    frame,
                    Rect::new(0, 1, 20, 1),
                    Line::from("项目湘潭市公共资源"),
                );
                // A popup drawn the naive way, over a wide character at its left edge.
                frame.render_widget(ratatui::widgets::Clear, Rect::new(5, 1, 6, 3));
                frame.render_widget(ratatui::widgets::Block::bordered(), Rect::new(5, 1, 6, 3));
            })
            .expect("draw");
        let mut record = paint::record_take().unwrap_or_default();
        record.popups.push(Rect::new(5, 1, 6, 3));
        record.texts.retain(|t| t.area.y == 0);
        let problems = problems(terminal.backend().buffer(), &record);
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("cut: \"a text too long here\"")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("border cell (5,1)")),
            "{problems:?}"
        );
    }
}
