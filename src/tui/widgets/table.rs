//! The tables of every list: a header row whose titles always fit (a column is never
//! narrower than its title, in either language), then the rows in view. A value wider
//! than its column is cut on purpose with an ellipsis — the whole of it is in the order
//! the row opens.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::paint;
use crate::tui::text::{fit, width};

/// One column.
#[derive(Debug, Clone)]
pub struct Column {
    /// Its title.
    pub header: String,
    /// Columns its values want.
    pub width: u16,
    /// It takes the room left over.
    pub grow: bool,
    /// Growing, how wide it gets before columns that [`Column::widen`] take more (by
    /// default [`ROOMY`]): its values' own width, when it is known.
    pub grow_to: Option<u16>,
    /// Columns more it may take on a wide screen, once the growing column has
    /// [`ROOMY`] (a customer's name, cut at 80 columns, shown whole at 200).
    pub widen: u16,
    /// Values aligned right (amounts).
    pub right: bool,
}

/// How wide the growing column gets before columns that [`Column::widen`] take more,
/// unless it says ([`Column::grow_to`]).
pub const ROOMY: u16 = 40;

impl Column {
    /// A column of `width` (at least as wide as its title).
    pub fn new(header: &str, width: u16) -> Column {
        Column {
            header: header.to_owned(),
            width,
            grow: false,
            grow_to: None,
            widen: 0,
            right: false,
        }
    }

    /// Growing, gets `width` before the columns that widen take more (see [`ROOMY`]).
    pub fn grow_to(mut self, width: u16) -> Column {
        self.grow_to = Some(width);
        self
    }

    /// Takes up to `more` columns more on a wide screen (see [`ROOMY`]).
    pub fn widen(mut self, more: u16) -> Column {
        self.widen = more;
        self
    }

    /// Takes the room left over.
    pub fn grow(mut self) -> Column {
        self.grow = true;
        self
    }

    /// Values aligned right.
    pub fn right(mut self) -> Column {
        self.right = true;
        self
    }
}

/// One row: its cells with their styles, and the row's style (selection).
pub struct Row {
    /// The cells: text and style.
    pub cells: Vec<(String, Style)>,
    /// The style of the whole row.
    pub style: Style,
}

/// The widths of `columns` in `total` columns (one space between them).
pub fn widths(columns: &[Column], total: u16) -> Vec<u16> {
    let mut out: Vec<u16> = columns
        .iter()
        .map(|c| c.width.max(width(&c.header) as u16))
        .collect();
    let gaps = columns.len().saturating_sub(1) as u16;
    let used: u16 = out.iter().sum::<u16>() + gaps;
    if let Some(i) = columns.iter().position(|c| c.grow) {
        if used < total {
            // The growing column first, up to ROOMY; then the columns that widen, up to
            // theirs; the rest to the growing column again.
            let mut spare = total - used;
            let roomy = columns[i].grow_to.unwrap_or(ROOMY);
            let first = spare.min(roomy.saturating_sub(out[i]));
            out[i] += first;
            spare -= first;
            // A column at a time, so that each that widens gets its share.
            let mut given = vec![0; columns.len()];
            while spare > 0 {
                let before = spare;
                for (j, column) in columns.iter().enumerate() {
                    if spare > 0 && given[j] < column.widen {
                        given[j] += 1;
                        out[j] += 1;
                        spare -= 1;
                    }
                }
                if spare == before {
                    break;
                }
            }
            out[i] += spare;
        } else {
            // Too wide: the growing column gives way, down to its title.
            let floor = width(&columns[i].header) as u16;
            let over = used - total;
            out[i] = out[i].saturating_sub(over).max(floor);
        }
    }
    out
}

/// Draws the header in the first row of `area` and `rows` under it (the caller picked
/// the ones in view).
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    columns: &[Column],
    header_style: Style,
    rows: Vec<Row>,
    ellipsis: &str,
) {
    if area.height == 0 {
        return;
    }
    let widths = widths(columns, area.width);
    let cells = |texts: Vec<(String, Style)>, row_style: Style, header: bool| {
        let mut spans = Vec::new();
        for (i, ((text, style), column)) in texts.into_iter().zip(columns).enumerate() {
            let w = usize::from(widths[i]);
            let shown = if header {
                text
            } else {
                fit(&text, w, ellipsis)
            };
            let pad = " ".repeat(w.saturating_sub(width(&shown)));
            let content = if column.right && !header {
                format!("{pad}{shown}")
            } else {
                format!("{shown}{pad}")
            };
            if i > 0 {
                spans.push(Span::styled(" ", row_style));
            }
            spans.push(Span::styled(content, row_style.patch(style)));
        }
        Line::from(spans).style(row_style)
    };
    let header: Vec<(String, Style)> = columns
        .iter()
        .map(|c| (c.header.clone(), Style::default()))
        .collect();
    paint::line(frame, area, cells(header, header_style, true));
    for (i, row) in rows.into_iter().enumerate() {
        let y = area.y + 1 + i as u16;
        if y >= area.bottom() {
            break;
        }
        paint::line(
            frame,
            Rect::new(area.x, y, area.width, 1),
            cells(row.cells, row.style, false),
        );
    }
}

/// Under `rows` rows drawn by [`draw`] in `area`: what is out of sight, in words
/// ([`crate::tui::list::Rows::window`]).
pub fn draw_more(frame: &mut Frame, area: Rect, rows: usize, more: Option<String>, style: Style) {
    let Some(more) = more else {
        return;
    };
    let y = area.y.saturating_add(1).saturating_add(rows as u16);
    if y < area.bottom() {
        paint::line(
            frame,
            Rect::new(area.x, y, area.width, 1),
            Line::from(Span::styled(more, style)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_is_never_narrower_than_its_title() {
        let columns = [
            Column::new("Recipient", 8),
            Column::new("Address", 10).grow(),
            Column::new("Waited (h)", 9),
        ];
        assert_eq!(widths(&columns, 40), vec![9, 19, 10]);
        assert_eq!(widths(&columns, 20), vec![9, 7, 10]);
    }

    /// On a wide screen a column that widens takes its share once the growing one is
    /// roomy.
    #[test]
    fn a_wide_screen_widens_the_columns_that_may() {
        let columns = [
            Column::new("No.", 16),
            Column::new("Customer", 8).widen(16),
            Column::new("Project", 12).grow(),
        ];
        assert_eq!(widths(&columns, 60), vec![16, 8, 34]);
        assert_eq!(widths(&columns, 80), vec![16, 22, ROOMY]);
        let two = [
            Column::new("No.", 16),
            Column::new("Customer", 8).widen(4),
            Column::new("Project", 12).widen(24),
            Column::new("Marks", 4).grow(),
        ];
        // The growing column first; then shared a column at a time, the one with less
        // to take stopping first.
        assert_eq!(widths(&two, 80), vec![16, 9, 12, ROOMY]);
        assert_eq!(widths(&two, 120), vec![16, 12, 36, ROOMY + 13]);
        assert_eq!(widths(&columns, 200), vec![16, 24, 158]);
    }
}
