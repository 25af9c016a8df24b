//! Popups: a box over the screen with its border whole even next to Chinese text. A wide
//! character just left of the box covers two cells, the second of them the box's left
//! border; the terminal is never told to draw that cell, so the border vanished. Opening
//! a popup blanks such a character first, and remembers the box for the screen tests.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Clear};
use unicode_width::UnicodeWidthStr;

use super::paint;
use crate::tui::theme::Theme;

/// A box of `width`×`height` centred in `area` (clamped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

/// Blanks the wide characters that stick into `area` from its left, so nothing hides the
/// cells at its edge.
pub fn clear_edges(buffer: &mut Buffer, area: Rect) {
    if area.x == buffer.area.x {
        return;
    }
    for y in area.top()..area.bottom() {
        if let Some(cell) = buffer.cell_mut((area.x - 1, y))
            && cell.symbol().width() > 1
        {
            cell.set_symbol(" ");
        }
    }
}

/// Clears `area` for something drawn over the screen (edges included).
pub fn clear(frame: &mut Frame, area: Rect, theme: &Theme) {
    clear_edges(frame.buffer_mut(), area);
    frame.render_widget(Clear, area);
    frame.render_widget(Block::default().style(theme.popup), area);
}

/// Opens a popup at `area` with `title`: cleared, bordered, remembered; returns the area
/// inside the border.
pub fn open(frame: &mut Frame, area: Rect, theme: &Theme, ascii: bool, title: String) -> Rect {
    clear(frame, area, theme);
    paint::note_popup(area);
    let title = super::title_for(&title, area.width);
    let block = super::block(theme, ascii, title.clone(), true).style(theme.popup);
    let inner = block.inner(area);
    paint::block(frame, area, block, &title);
    inner
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wide_character_across_the_left_edge_is_blanked() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 10, 2));
        buffer.set_string(0, 0, "项目湘潭", ratatui::style::Style::default());
        // "湘" sits at 4–5; a popup from column 5 would lose its border under it.
        clear_edges(&mut buffer, Rect::new(5, 0, 5, 2));
        assert_eq!(buffer[(4, 0)].symbol(), " ");
        assert_eq!(buffer[(2, 0)].symbol(), "目");
        clear_edges(&mut buffer, Rect::new(0, 0, 5, 2));
    }
}
