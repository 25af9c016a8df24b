//! The application form step: one row per field, each message wrapped under its field,
//! scrolled so the field with the caret is always in view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{choice_line, field_row, field_rows, label_width};
use crate::i18n::T;
use crate::tui::component::View;
use crate::tui::tabs::newapp::fields;
use crate::tui::tabs::newapp::sheet::Sheet;
use crate::tui::widgets::paint;

/// Draws the form.
pub fn draw(frame: &mut Frame, view: &View, sheet: &Sheet, area: Rect) {
    let lang = view.lang;
    let theme = view.theme;
    let specs = sheet.specs();
    let mut head = vec![choice_line(view, sheet)];
    if let Some(order_no) = &sheet.draft.filled_from {
        head.push(Line::from(Span::styled(
            T::FilledFromLast.fill(lang, &[order_no]),
            theme.info,
        )));
    }
    let head_rows = paint::height(&head, area.width);
    paint::wrapped(frame, area, head);
    let body = Rect::new(
        area.x,
        area.y + head_rows,
        area.width,
        area.height.saturating_sub(head_rows),
    );
    let labels: Vec<&str> = specs.iter().map(|s| s.label.get(lang)).collect();
    let col = label_width(&labels);
    let heights: Vec<u16> = specs
        .iter()
        .map(|s| field_rows(view, sheet, s.key, body.width, col))
        .collect();
    // A form longer than the screen keeps its last row to say what is scrolled away.
    let overflows = heights.iter().sum::<u16>() > body.height;
    let fields = Rect {
        height: body.height.saturating_sub(u16::from(overflows)),
        ..body
    };
    // The first field shown: the fewest scrolled away that keep the caret's field whole.
    let focus = specs.iter().position(|s| s.key == sheet.draft.focus).unwrap_or(0);
    let mut first = 0;
    while first < focus && heights[first..=focus].iter().sum::<u16>() > fields.height {
        first += 1;
    }
    let mut y = fields.y;
    let mut shown = 0;
    for (spec, rows) in specs.iter().zip(&heights).skip(first) {
        if y + rows > fields.bottom() {
            break;
        }
        shown += 1;
        let room = Rect::new(fields.x, y, fields.width, fields.bottom() - y);
        let label = spec.label.get(lang);
        if spec.kind == fields::Kind::Locked {
            paint::line(
                frame,
                Rect::new(room.x, y, col.min(room.width), 1),
                Line::from(Span::styled(label, theme.label)),
            );
            let value = Line::from(vec![
                Span::styled(sheet.text(spec.key), theme.base),
                Span::styled(format!("  {}", T::FromRealname.get(lang)), theme.dim),
            ]);
            paint::line(
                frame,
                Rect::new(room.x + col, y, room.width.saturating_sub(col), 1),
                value,
            );
            y += 1;
        } else {
            y += field_row(
                frame,
                view,
                sheet,
                spec.key,
                label,
                room,
                col,
                spec.key == sheet.draft.focus,
            );
        }
    }
    if overflows {
        let wrong = |specs: &[fields::Spec]| {
            specs
                .iter()
                .filter(|s| sheet.errors.contains_key(s.key))
                .count()
        };
        let (above, rest) = specs.split_at(first.min(specs.len()));
        let below = rest.get(shown..).unwrap_or_default();
        let hidden = [(above.len(), wrong(above)), (below.len(), wrong(below))];
        more(frame, view, hidden, fields.bottom(), body);
    }
}

/// The form's last row, when fields are scrolled away: how many above and below (each
/// with how many of them have a message), and the keys that reach them.
fn more(frame: &mut Frame, view: &View, hidden: [(usize, usize); 2], y: u16, body: Rect) {
    if y >= body.bottom() {
        return;
    }
    let lang = view.lang;
    let [(above, above_wrong), (below, below_wrong)] = hidden;
    let mut parts = Vec::new();
    let mut style = view.theme.dim;
    for (count, wrong, plain, with_wrong) in [
        (above, above_wrong, T::FieldsMoreAbove, T::FieldsMoreAboveWrong),
        (below, below_wrong, T::FieldsMoreBelow, T::FieldsMoreBelowWrong),
    ] {
        if count == 0 {
            continue;
        }
        if wrong == 0 {
            parts.push(plain.fill(lang, &[&count.to_string()]));
        } else {
            style = view.theme.error;
            parts.push(with_wrong.fill(lang, &[&count.to_string(), &wrong.to_string()]));
        }
    }
    paint::line(
        frame,
        Rect::new(body.x, y, body.width, 1),
        Line::from(Span::styled(parts.join(" · "), style)),
    );
}
