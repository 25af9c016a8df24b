//! The terminal backend: ratatui's crossterm backend for everything but drawing, and a
//! drawing loop that knows a Chinese character moves the terminal's cursor two columns.
//!
//! ratatui's own loop moves the cursor before every cell that does not follow a one-column
//! cell, so a row of Chinese costs a cursor move (6–8 bytes) per character — most of what a
//! scroll sends, and what a reviewer on a slow SSH link waits for. Here the cursor is only
//! moved when it is not already where the next cell goes: after a narrow character (as
//! ratatui assumes too) or a wide one every terminal agrees on. After anything else (emoji,
//! whose width terminals disagree on; combining marks; image escape sequences) the
//! position is unknown and the next cell moves the cursor explicitly, as before.

use std::io::{self, Write};

use crossterm::cursor::MoveTo;
use crossterm::queue;
use crossterm::style::{
    Attribute, Color as CtColor, Colors, Print, SetAttribute, SetBackgroundColor, SetColors,
    SetForegroundColor, SetUnderlineColor,
};
use ratatui::backend::{Backend, ClearType, CrosstermBackend, IntoCrossterm, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

/// The backend the counter draws with.
pub struct Output<W: Write> {
    inner: CrosstermBackend<W>,
}

impl<W: Write> Output<W> {
    /// A backend writing to `writer`.
    pub fn new(writer: W) -> Output<W> {
        Output {
            inner: CrosstermBackend::new(writer),
        }
    }
}

impl<W: Write> Write for Output<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

/// How far the terminal's cursor moves when it prints `symbol`: one column for a narrow
/// character (as ratatui's own loop assumes — a terminal that draws box characters or the
/// middle dot wide is what `[ui] ascii` is for), two for the wide characters no terminal
/// disputes (CJK ideographs, kana, hangul, full-width forms). `None` for anything else
/// (emoji, whose width terminals disagree on; combining sequences; escape sequences).
pub fn agreed_width(symbol: &str) -> Option<u16> {
    let mut chars = symbol.chars();
    let c = chars.next()?;
    if chars.next().is_some() || c.is_control() {
        return None;
    }
    match symbol.width() {
        1 => Some(1),
        2 if is_reliably_wide(u32::from(c)) => Some(2),
        _ => None,
    }
}

/// Wide characters whose width no terminal disputes (emoji are left out: terminals differ).
fn is_reliably_wide(code: u32) -> bool {
    matches!(code,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// The text attributes `modifier` turns on.
fn attributes(modifier: Modifier) -> impl Iterator<Item = Attribute> {
    [
        (Modifier::BOLD, Attribute::Bold),
        (Modifier::DIM, Attribute::Dim),
        (Modifier::ITALIC, Attribute::Italic),
        (Modifier::UNDERLINED, Attribute::Underlined),
        (Modifier::SLOW_BLINK, Attribute::SlowBlink),
        (Modifier::RAPID_BLINK, Attribute::RapidBlink),
        (Modifier::REVERSED, Attribute::Reverse),
        (Modifier::HIDDEN, Attribute::Hidden),
        (Modifier::CROSSED_OUT, Attribute::CrossedOut),
    ]
    .into_iter()
    .filter(move |(m, _)| modifier.contains(*m))
    .map(|(_, a)| a)
}

impl<W: Write> Backend for Output<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let out = &mut self.inner;
        let (mut fg, mut bg, mut underline) = (Color::Reset, Color::Reset, Color::Reset);
        let mut modifier = Modifier::empty();
        // Where the terminal's cursor is now, when known.
        let mut cursor: Option<Position> = None;
        for (x, y, cell) in content {
            if cursor != Some(Position { x, y }) {
                queue!(out, MoveTo(x, y))?;
            }
            if cell.modifier != modifier {
                if modifier.difference(cell.modifier).is_empty() {
                    // Only additions: turn them on.
                    for attribute in attributes(cell.modifier.difference(modifier)) {
                        queue!(out, SetAttribute(attribute))?;
                    }
                } else {
                    // Something goes off: start from plain and put back what stays (the
                    // reset also clears the colours, so they are set again below).
                    queue!(out, SetAttribute(Attribute::Reset))?;
                    for attribute in attributes(cell.modifier) {
                        queue!(out, SetAttribute(attribute))?;
                    }
                    (fg, bg, underline) = (Color::Reset, Color::Reset, Color::Reset);
                }
                modifier = cell.modifier;
            }
            if cell.fg != fg || cell.bg != bg {
                queue!(
                    out,
                    SetColors(Colors::new(
                        cell.fg.into_crossterm(),
                        cell.bg.into_crossterm()
                    ))
                )?;
                (fg, bg) = (cell.fg, cell.bg);
            }
            if cell.underline_color != underline {
                queue!(
                    out,
                    SetUnderlineColor(cell.underline_color.into_crossterm())
                )?;
                underline = cell.underline_color;
            }
            queue!(out, Print(cell.symbol()))?;
            cursor = agreed_width(cell.symbol())
                .and_then(|w| x.checked_add(w))
                .map(|x| Position { x, y });
        }
        queue!(
            out,
            SetForegroundColor(CtColor::Reset),
            SetBackgroundColor(CtColor::Reset),
            SetUnderlineColor(CtColor::Reset),
            SetAttribute(Attribute::Reset),
        )
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::text::Line;
    use std::cell::RefCell;
    use std::rc::Rc;

    /// A writer whose bytes the test keeps.
    #[derive(Clone, Default)]
    struct Kept(Rc<RefCell<Vec<u8>>>);

    impl Write for Kept {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Draws `first`, then `next`, through `backend` (writing into `kept`); returns the
    /// bytes of both frames.
    fn frames<B: Backend>(backend: B, kept: &Kept, first: &[&str], next: &[&str]) -> Vec<u8>
    where
        B::Error: std::fmt::Debug,
    {
        let mut terminal = Terminal::with_options(
            backend,
            ratatui::TerminalOptions {
                viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, 40, 3)),
            },
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        for lines in [first, next] {
            terminal
                .draw(|frame| {
                    for (i, line) in lines.iter().enumerate() {
                        let area = ratatui::layout::Rect::new(0, i as u16, 40, 1);
                        frame.render_widget(Line::from(*line), area);
                    }
                })
                .unwrap_or_else(|e| panic!("{e:?}"));
        }
        kept.0.borrow().clone()
    }

    fn screen(bytes: &[u8]) -> String {
        let mut parser = vt100::Parser::new(3, 40, 0);
        parser.process(bytes);
        parser.screen().contents()
    }

    #[test]
    fn agreed_widths_are_narrow_ascii_and_cjk_only() {
        assert_eq!(agreed_width("a"), Some(1));
        assert_eq!(agreed_width("张"), Some(2));
        assert_eq!(agreed_width("（"), Some(2));
        assert_eq!(agreed_width("·"), Some(1), "narrow, as ratatui counts it");
        assert_eq!(agreed_width("─"), Some(1));
        assert_eq!(
            agreed_width("😀"),
            None,
            "emoji widths differ between terminals"
        );
        assert_eq!(agreed_width("\u{1b}_Gi=1"), None, "image escape sequences");
        assert_eq!(agreed_width("e\u{301}"), None);
    }

    #[test]
    fn a_row_of_chinese_is_one_cursor_move_and_reads_the_same() {
        let first = ["订单号 客户 状态", "张三 待支付", ""];
        let next = [
            "订单号 客户 状态",
            "欧阳娜娜 已驳回 ¥200.00",
            "湖南某某建设有限公司",
        ];
        let (a, b) = (Kept::default(), Kept::default());
        let ours = frames(Output::new(a.clone()), &a, &first, &next);
        let theirs = frames(CrosstermBackend::new(b.clone()), &b, &first, &next);
        assert_eq!(screen(&ours), screen(&theirs), "the same screen");
        assert!(
            ours.len() < theirs.len(),
            "fewer bytes: {} against {}",
            ours.len(),
            theirs.len()
        );
        // Cursor moves (`ESC [ row ; col H`): one to start each changed run, none between
        // the characters of a run.
        let moves = |bytes: &[u8]| {
            let text = String::from_utf8_lossy(bytes).into_owned();
            text.split('\u{1b}')
                .filter(|s| {
                    s.starts_with('[')
                        && s.contains(';')
                        && s.split_once('H').is_some_and(|(p, _)| {
                            p[1..].chars().all(|c| c.is_ascii_digit() || c == ';')
                        })
                })
                .count()
        };
        let (mine, ratatuis) = (moves(&ours), moves(&theirs));
        // Ten runs here: words between unchanged spaces, and ¥ (ambiguous width).
        assert!(
            mine <= 10,
            "{mine} moves: {:?}",
            String::from_utf8_lossy(&ours)
        );
        assert!(ratatuis > 2 * mine, "{ratatuis} against {mine}");
    }
}
