//! What is drawn over the main area: the `/` and `:` prompt, the `?` help, action forms.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{block, centered, clear};
use crate::i18n::T;
use crate::tui::app::{App, Form, FormKind, Overlay, PromptKind};

/// Draws the overlay, if any.
pub fn draw(frame: &mut Frame, app: &App, main: Rect) {
    match &app.overlay {
        None => {}
        Some(Overlay::Prompt { kind, input }) => {
            let area = Rect::new(main.x, main.bottom().saturating_sub(1), main.width, 1);
            clear(frame, app, area);
            let label = match kind {
                PromptKind::Search => format!("/ {} ", T::SearchPrompt.get(app.lang)),
                PromptKind::Command => ":".to_owned(),
            };
            let width = label.width() as u16;
            frame.render_widget(Paragraph::new(Span::styled(label, app.theme.accent)), area);
            let field = Rect::new(area.x + width, area.y, area.width.saturating_sub(width), 1);
            input.render(frame, field, app.theme.input_focus, true);
        }
        Some(Overlay::Help { filter, selected }) => help(frame, app, main, filter, *selected),
        Some(Overlay::Form(form)) => form_popup(frame, app, main, form),
    }
}

fn help(
    frame: &mut Frame,
    app: &App,
    main: Rect,
    filter: &crate::tui::widgets::input::Input,
    selected: usize,
) {
    let lang = app.lang;
    let area = centered(main, 70, main.height);
    clear(frame, app, area);
    let outer = block(app, T::HelpTitle.get(lang).to_owned(), true);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let [find, list, hint] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    let label = format!("{} ", T::HelpFind.get(lang));
    let width = label.width() as u16;
    frame.render_widget(Paragraph::new(Span::styled(label, app.theme.label)), find);
    filter.render(
        frame,
        Rect::new(find.x + width, find.y, find.width.saturating_sub(width), 1),
        app.theme.input_focus,
        true,
    );
    let matches = app.help_matches(&filter.text());
    if matches.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::from(T::HelpNoMatch.get(lang)).style(app.theme.dim)),
            list,
        );
    }
    let visible = list.height as usize;
    let offset = selected.saturating_sub(visible.saturating_sub(1));
    let lines: Vec<Line> = matches
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(i, (keys, _, label))| {
            let style = if i == selected {
                app.theme.selection
            } else {
                app.theme.base
            };
            Line::from(vec![
                Span::styled(
                    format!(" {keys:<16}"),
                    if i == selected {
                        style
                    } else {
                        app.theme.accent
                    },
                ),
                Span::styled(format!(" {label}"), style),
            ])
            .style(style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    frame.render_widget(
        Paragraph::new(Line::from(T::HelpHint.get(lang)).style(app.theme.dim)),
        hint,
    );
}

fn form_popup(frame: &mut Frame, app: &App, main: Rect, form: &Form) {
    let lang = app.lang;
    let title = match form.kind {
        FormKind::Act(action) => format!(
            "{}{}{}",
            action.label(lang),
            super::glyphs(app).dot,
            form.order_no
        ),
        FormKind::Note => format!(
            "{}{}{}",
            T::CmdNote.get(lang),
            super::glyphs(app).dot,
            form.order_no
        ),
        FormKind::TrackingStep => format!(
            "{}{}{}",
            T::CmdTrackingStep.get(lang),
            super::glyphs(app).dot,
            form.order_no
        ),
    };
    let rows = if form.fields.is_empty() {
        1
    } else {
        form.fields.len() as u16 * 3
    };
    let height = rows + 2 + u16::from(form.error.is_some());
    let area = centered(main, 66, height + 2);
    clear(frame, app, area);
    let outer = block(app, title, true);
    let inner = outer.inner(area).inner(ratatui::layout::Margin::new(1, 0));
    frame.render_widget(outer, area);
    let mut y = inner.y;
    if form.fields.is_empty() {
        let question = match form.kind {
            FormKind::Act(action) => {
                T::ConfirmAction.fill(lang, &[action.label(lang), &form.order_no])
            }
            FormKind::Note | FormKind::TrackingStep => String::new(),
        };
        frame.render_widget(
            Paragraph::new(Line::from(question).style(app.theme.base)),
            Rect::new(inner.x, y, inner.width, 1),
        );
        y += 2;
    }
    for (i, field) in form.fields.iter().enumerate() {
        let focus = i == form.focus && !form.submitting;
        let mut label = field.label.get(lang).to_owned();
        if field.required {
            label.push_str(" *");
        }
        frame.render_widget(
            Paragraph::new(Span::styled(
                label,
                if focus {
                    app.theme.accent
                } else {
                    app.theme.label
                },
            )),
            Rect::new(inner.x, y, inner.width, 1),
        );
        let style = if focus {
            app.theme.input_focus
        } else {
            app.theme.input
        };
        frame.render_widget(
            Paragraph::new("").style(style),
            Rect::new(inner.x, y + 1, inner.width, 1),
        );
        field.input.render(
            frame,
            Rect::new(inner.x, y + 1, inner.width, 1),
            style,
            focus,
        );
        if let Some(error) = &field.error {
            frame.render_widget(
                Paragraph::new(Line::from(format!("! {error}")).style(app.theme.error)),
                Rect::new(inner.x, y + 2, inner.width, 1),
            );
        } else if let Some(hint) = &field.hint {
            frame.render_widget(
                Paragraph::new(Line::from(hint.clone()).style(app.theme.dim)),
                Rect::new(inner.x, y + 2, inner.width, 1),
            );
        }
        y += 3;
    }
    if let Some(error) = &form.error {
        frame.render_widget(
            Paragraph::new(Line::from(format!("! {error}")).style(app.theme.error)),
            Rect::new(inner.x, y, inner.width, 1),
        );
        y += 1;
    }
    let hint = if form.submitting {
        T::FormSubmitting.get(lang)
    } else if form.fields.is_empty() {
        T::ConfirmHint.get(lang)
    } else {
        T::FormHint.get(lang)
    };
    frame.render_widget(
        Paragraph::new(Line::from(hint).style(app.theme.dim)),
        Rect::new(
            inner.x,
            (y + 1).min(inner.bottom().saturating_sub(1)),
            inner.width,
            1,
        ),
    );
}
