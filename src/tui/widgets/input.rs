//! A one-line text field on ratatui-textarea: the caret is the real terminal cursor (so
//! Chinese input methods put their candidate window there), paste works, nothing typed is
//! lost when the field is redrawn.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui_textarea::TextArea;

/// A single-line input.
#[derive(Debug, Clone, Default)]
pub struct Input {
    area: TextArea<'static>,
}

impl Input {
    /// A field holding `text`, caret at the end.
    pub fn new(text: &str) -> Input {
        let mut area = TextArea::new(vec![text.to_owned()]);
        area.move_cursor(ratatui_textarea::CursorMove::End);
        area.set_cursor_line_style(Style::default());
        area.set_selection_style(Style::default().add_modifier(ratatui::style::Modifier::REVERSED));
        Input { area }
    }

    /// Marks the whole text, so that what is typed or pasted next replaces it (a field
    /// brought back as it was left: a new file's path is not glued to the old one); a key
    /// that moves the caret keeps it instead.
    pub fn select_all(&mut self) {
        if !self.is_blank() {
            self.area.select_all();
        }
    }

    /// The text.
    pub fn text(&self) -> String {
        self.area.lines().join(" ")
    }

    /// True when nothing (but spaces) is typed.
    pub fn is_blank(&self) -> bool {
        self.text().trim().is_empty()
    }

    /// Handles an editing key; false for keys it does not use (Enter, Tab, Esc, ↑, ↓).
    /// Control keys work as in a shell: Ctrl-A/E start/end, Ctrl-U/K delete to start/end,
    /// Ctrl-W the word before; none of them inserts a line break.
    pub fn key(&mut self, key: KeyEvent) -> bool {
        use ratatui_textarea::CursorMove;
        // Only typing and deleting take a marked text; anything else keeps it.
        let edits = matches!(
            key.code,
            KeyCode::Char(_) | KeyCode::Backspace | KeyCode::Delete
        ) && !key.modifiers.contains(KeyModifiers::CONTROL);
        if !edits {
            self.area.cancel_selection();
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) {
            match key.code {
                KeyCode::Char('a') => self.area.move_cursor(CursorMove::Head),
                KeyCode::Char('e') => self.area.move_cursor(CursorMove::End),
                KeyCode::Char('u') => {
                    self.area.delete_line_by_head();
                }
                KeyCode::Char('k') => {
                    self.area.delete_line_by_end();
                }
                KeyCode::Char('w') | KeyCode::Backspace => {
                    self.area.delete_word();
                }
                KeyCode::Left => self.area.move_cursor(CursorMove::WordBack),
                KeyCode::Right => self.area.move_cursor(CursorMove::WordForward),
                _ => return false,
            }
            return true;
        }
        match key.code {
            KeyCode::Enter
            | KeyCode::Tab
            | KeyCode::BackTab
            | KeyCode::Esc
            | KeyCode::Up
            | KeyCode::Down => false,
            _ => {
                self.area.input(key);
                true
            }
        }
    }

    /// Replaces the text, caret at the end.
    pub fn set_text(&mut self, text: &str) {
        *self = Input::new(text);
    }

    /// Inserts pasted text, line breaks turned into spaces.
    pub fn paste(&mut self, text: &str) {
        let flat: String = text
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        self.area.insert_str(flat.trim_end());
    }

    /// Draws the field into `area` (one line); with `focus`, places the terminal cursor on
    /// the caret. Without it, a text longer than the field shows its start and ends with
    /// `ellipsis`, so it is never read as whole when it is not.
    pub fn render(&self, frame: &mut Frame, area: Rect, style: Style, focus: bool, ellipsis: &str) {
        let text = self.text();
        if !focus && crate::tui::text::width(&text) > usize::from(area.width) {
            let cut = crate::tui::text::fit(&text, usize::from(area.width), ellipsis);
            frame.render_widget(ratatui::widgets::Paragraph::new(cut).style(style), area);
            return;
        }
        let mut field = self.area.clone();
        // A field the cursor is not in shows its start: a long address or buyer's name is
        // read from its beginning (the view scrolls to the caret, left at the end).
        if !focus {
            field.move_cursor(ratatui_textarea::CursorMove::Head);
        }
        field.set_style(style);
        field.set_cursor_style(if focus {
            Style::default().add_modifier(ratatui::style::Modifier::REVERSED)
        } else {
            Style::default()
        });
        frame.render_widget(&field, area);
        if focus {
            let cursor = field.screen_cursor();
            let (top, left) = field.scroll_offset();
            let x = area.x + (cursor.col as u16).saturating_sub(left);
            let y = area.y + (cursor.row as u16).saturating_sub(top);
            if x < area.right() && y < area.bottom() {
                frame.set_cursor_position(Position::new(x, y));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marked_text_is_replaced_by_typing_and_kept_by_moving() {
        let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
        let mut input = Input::new("/tmp/old.png");
        input.select_all();
        input.key(key(KeyCode::Char('/')));
        assert_eq!(input.text(), "/");
        let mut input = Input::new("/tmp/old.png");
        input.select_all();
        input.paste("/tmp/new.png");
        assert_eq!(input.text(), "/tmp/new.png");
        let mut input = Input::new("/tmp/old.png");
        input.select_all();
        input.key(key(KeyCode::Left));
        input.key(key(KeyCode::Char('x')));
        assert_eq!(input.text(), "/tmp/old.pnxg");
    }

    #[test]
    fn a_long_field_without_the_cursor_shows_its_start() {
        let input = Input::new("湖南省湘潭市雨湖区韶山西路某某大厦三楼东侧302室（电梯出门右转）");
        let shown = |focus: bool| {
            let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(20, 1))
                .expect("terminal");
            terminal
                .draw(|frame| {
                    input.render(frame, Rect::new(0, 0, 20, 1), Style::default(), focus, "…")
                })
                .expect("draw");
            let buffer = terminal.backend().buffer().clone();
            buffer
                .content()
                .iter()
                .map(|c| c.symbol())
                .collect::<String>()
                .replace(' ', "")
        };
        assert!(shown(false).starts_with("湖南省湘潭市"), "{}", shown(false));
        // Cut, and says so.
        assert!(shown(false).ends_with('…'), "{}", shown(false));
        assert!(
            !shown(true).starts_with("湖南省"),
            "with the cursor, its end: {}",
            shown(true)
        );
    }

    #[test]
    fn typing_pasting_and_editing_keep_one_line() {
        let mut input = Input::new("张");
        input.key(KeyEvent::new(KeyCode::Char('三'), KeyModifiers::NONE));
        input.paste("丰\n138 1234");
        assert_eq!(input.text(), "张三丰 138 1234");
        assert!(!input.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
        input.key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
        assert_eq!(input.text(), "张三丰 138 123");
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert!(!input.key(ctrl('j')), "no line breaks");
        input.key(ctrl('w'));
        assert_eq!(input.text(), "张三丰 138 ");
        input.key(ctrl('u'));
        assert_eq!(input.text(), "");
    }
}
