//! The 新申请 tab: the step bar, the draft line, and each step's screen; the QR code beside
//! its instructions, or full-screen.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::glyphs;
use crate::domain::{Money, mask_phone};
use crate::i18n::T;
use crate::tui::app::{App, Notice};
use crate::tui::newapp::draft::Step;
use crate::tui::newapp::{NewApp, Sheet, expired, fields};
use crate::tui::widgets::qr::Qr;
use unicode_width::UnicodeWidthStr;

mod pay;

const STEPS: [(Step, T); 7] = [
    (Step::Customer, T::StepCustomer),
    (Step::Realname, T::StepRealname),
    (Step::Project, T::StepProject),
    (Step::Terms, T::StepTerms),
    (Step::Form, T::StepForm),
    (Step::Scan, T::StepScan),
    (Step::Submit, T::StepSubmit),
];

/// Draws the tab into `area`.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let newapp = &app.newapp;
    let Some(sheet) = newapp.sheet() else { return };
    // The real-name code takes the full height on the right; everything else shares the
    // left.
    let area = match sheet.live_code() {
        Some(url) => {
            let qr = Qr::new(url);
            let width = qr
                .as_ref()
                .map(|q| q.size(2, 1).0 + 2)
                .unwrap_or(0)
                .min(area.width / 2 + 4);
            let [left, right] =
                Layout::horizontal([Constraint::Min(30), Constraint::Length(width)]).areas(area);
            draw_qr(frame, app, qr.as_ref(), url, right);
            left
        }
        None => area,
    };
    let [steps, drafts, body, notice] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    step_bar(frame, app, sheet, steps);
    draft_line(frame, app, newapp, drafts);
    let body = Rect::new(
        body.x + 1,
        body.y,
        body.width.saturating_sub(2),
        body.height,
    );
    match sheet.draft.step {
        Step::Customer => customer(frame, app, sheet, body),
        Step::Realname => realname(frame, app, sheet, body),
        Step::Project => project(frame, app, newapp, sheet, body),
        Step::Terms => terms(frame, app, newapp, sheet, body),
        Step::Form => form(frame, app, sheet, body),
        Step::Scan => scan(frame, app, sheet, body),
        Step::Submit => submit(frame, app, sheet, body),
        Step::Done => pay::done(frame, app, newapp, sheet, body),
    }
    let focused_error = sheet
        .focused_key()
        .and_then(|k| sheet.errors.get(&k).cloned());
    let line = if sheet.busy {
        Line::from(T::Working.get(app.lang)).style(app.theme.dim)
    } else if let Some(error) = focused_error {
        Line::from(format!(" ! {error}")).style(app.theme.error)
    } else {
        match &sheet.notice {
            Some(Notice::Info(text)) => Line::from(format!(" {text}")).style(app.theme.info),
            Some(Notice::Error(text)) => Line::from(format!(" ! {text}")).style(app.theme.error),
            None => Line::default(),
        }
    };
    frame.render_widget(Paragraph::new(line), notice);
}

fn step_bar(frame: &mut Frame, app: &App, sheet: &Sheet, area: Rect) {
    let current = sheet.draft.step;
    let at = Step::ALL.iter().position(|s| *s == current).unwrap_or(0);
    let mut spans = vec![Span::raw(" ")];
    for (i, (step, label)) in STEPS.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(
                if app.ascii { " > " } else { " › " },
                app.theme.dim,
            ));
        }
        let style = if *step == current {
            app.theme.tab_active
        } else if i < at || current == Step::Done {
            app.theme.success
        } else {
            app.theme.dim
        };
        spans.push(Span::styled(
            format!("{} {}", i + 1, label.get(app.lang)),
            style,
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draft_line(frame: &mut Frame, app: &App, newapp: &NewApp, area: Rect) {
    let lang = app.lang;
    let mut spans = vec![Span::styled(
        format!(" {} ", T::DraftsLabel.get(lang)),
        app.theme.label,
    )];
    for (i, sheet) in newapp.sheets.iter().enumerate() {
        let style = if i == newapp.current {
            app.theme.accent
        } else {
            app.theme.dim
        };
        let mark = if i == newapp.current { "▸" } else { " " };
        spans.push(Span::styled(
            format!("{mark}{} ", sheet.draft.label()),
            style,
        ));
    }
    if let Some(sheet) = newapp.sheet() {
        spans.push(Span::styled(
            format!(" {} {}", T::ReferenceLabel.get(lang), sheet.draft.reference),
            app.theme.dim,
        ));
    }
    if newapp.discard_armed {
        spans.push(Span::styled(
            format!("  {}", T::DiscardConfirm.get(lang)),
            app.theme.warning,
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `label  [value]  ! error` on one row.
#[allow(clippy::too_many_arguments)]
fn field_row(
    frame: &mut Frame,
    app: &App,
    sheet: &Sheet,
    key: &str,
    label: &str,
    area: Rect,
    width: u16,
    focus: bool,
) {
    let label_width = 16u16.min(area.width);
    frame.render_widget(
        Paragraph::new(Span::styled(
            label.to_owned(),
            if focus {
                app.theme.accent
            } else {
                app.theme.label
            },
        )),
        Rect::new(area.x, area.y, label_width, 1),
    );
    let input_area = Rect::new(
        area.x + label_width,
        area.y,
        width.min(area.width.saturating_sub(label_width)),
        1,
    );
    let style = if focus {
        app.theme.input_focus
    } else {
        app.theme.input
    };
    frame.render_widget(Paragraph::new("").style(style), input_area);
    if let Some(input) = sheet.inputs.get(key) {
        input.render(frame, input_area, style, focus);
    }
    let error_x = input_area.right() + 1;
    if let Some(error) = sheet.errors.get(key)
        && error_x < area.right()
    {
        frame.render_widget(
            Paragraph::new(Span::styled(format!("! {error}"), app.theme.error)),
            Rect::new(error_x, area.y, area.right() - error_x, 1),
        );
    }
}

fn text_lines(frame: &mut Frame, lines: Vec<Line<'_>>, area: Rect) {
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn customer(frame: &mut Frame, app: &App, sheet: &Sheet, area: Rect) {
    let lang = app.lang;
    let rows = Layout::vertical([Constraint::Length(1); 6]).split(area);
    text_lines(
        frame,
        vec![Line::from(T::CustomerIntro.get(lang)).style(app.theme.dim)],
        Rect::new(area.x, area.y, area.width, 2.min(area.height)),
    );
    field_row(
        frame,
        app,
        sheet,
        "phone",
        T::FieldCustomerPhone.get(lang),
        rows[2],
        20,
        !sheet.asking_name,
    );
    if sheet.asking_name {
        field_row(
            frame,
            app,
            sheet,
            "new_name",
            T::FieldCustomerName.get(lang),
            rows[3],
            20,
            true,
        );
        text_lines(
            frame,
            vec![Line::from(T::CustomerNewHint.get(lang)).style(app.theme.dim)],
            rows[5],
        );
    }
}

fn countdown(expires_at: &str, now: time::OffsetDateTime) -> String {
    let Some(at) = crate::tui::format::parse_time(expires_at) else {
        return String::new();
    };
    let left = (at - now).whole_seconds().max(0);
    format!("{:02}:{:02}", left / 60, left % 60)
}

/// Loopback addresses a phone cannot reach.
fn unreachable_from_phone(url: &str) -> bool {
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    host == "localhost" || host.starts_with("127.") || host == "[" || url.contains("://[::1]")
}

fn realname(frame: &mut Frame, app: &App, sheet: &Sheet, area: Rect) {
    let lang = app.lang;
    let theme = &app.theme;
    let draft = &sheet.draft;
    let customer = draft.customer.clone().unwrap_or_default();
    let who = format!(
        "{} · {} · {}",
        customer.name,
        mask_phone(&customer.phone),
        if customer.order_count > 0 {
            T::CustomerOrders.fill(lang, &[&customer.order_count.to_string()])
        } else {
            T::CustomerNew.get(lang).to_owned()
        }
    );
    if customer.verified {
        let id = draft
            .realname
            .as_ref()
            .and_then(|r| r.verified_id_number.clone())
            .unwrap_or_default();
        let lines = vec![
            Line::from(Span::styled(who, theme.label)),
            Line::default(),
            Line::from(Span::styled(
                format!("{} {}  {id}", T::Verified.get(lang), customer.name),
                theme.success,
            )),
            Line::default(),
            Line::from(Span::styled(T::PressEnterContinue.get(lang), theme.dim)),
        ];
        text_lines(frame, lines, area);
        return;
    }
    let Some(session) = &draft.realname else {
        text_lines(
            frame,
            vec![Line::from(Span::styled(who, theme.label))],
            area,
        );
        return;
    };
    let left = area;
    let mut lines = vec![Line::from(Span::styled(who, theme.label)), Line::default()];
    let pending = session.status == "pending" && !expired(&session.expires_at);
    if pending {
        for text in [T::RealnameStep1, T::RealnameStep2, T::RealnameStep3] {
            lines.push(Line::from(text.get(lang)));
        }
        lines.push(Line::default());
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", T::TimeLeft.get(lang)), theme.label),
            Span::styled(countdown(&session.expires_at, app.now), theme.accent),
            Span::styled(
                format!(
                    "   {}",
                    T::TriesUsed.fill(lang, &[&session.attempts.to_string(), "5"])
                ),
                theme.dim,
            ),
        ]));
        if let Some(reason) = &session.reason {
            lines.push(Line::from(Span::styled(
                T::LastTryFailed.fill(lang, &[reason]),
                theme.error,
            )));
        }
        if session.reason_code.as_deref() == Some("name_mismatch") {
            lines.push(Line::from(Span::styled(
                T::NameMismatchHint.get(lang),
                theme.dim,
            )));
        }
    } else {
        let text = match session.status.as_str() {
            "locked" => T::RealnameLockedHint,
            "superseded" => T::RealnameSupersededHint,
            _ => T::RealnameExpiredHint,
        };
        lines.push(Line::from(Span::styled(text.get(lang), theme.warning)));
    }
    if sheet.renaming {
        lines.push(Line::default());
        let rows = lines.len() as u16;
        text_lines(frame, lines, left);
        let row = Rect::new(left.x, left.y + rows, left.width, 1);
        field_row(
            frame,
            app,
            sheet,
            "new_name",
            T::FieldCustomerName.get(lang),
            row,
            14,
            true,
        );
        let hint = Rect::new(left.x, left.y + rows + 1, left.width, 1);
        text_lines(
            frame,
            vec![Line::from(T::RenameHint.get(lang)).style(theme.dim)],
            hint,
        );
        return;
    }
    if unreachable_from_phone(&session.url) {
        lines.push(Line::default());
        let ip = lan_address().unwrap_or_else(|| T::LanAddressPlaceholder.get(lang).into());
        lines.push(Line::from(Span::styled(
            T::LoopbackWarning.fill(lang, &[&ip]),
            theme.warning,
        )));
    }
    text_lines(frame, lines, left);
}

/// The code at the top of `area`, its URL under it (wrapped to the code's width).
fn draw_qr(frame: &mut Frame, app: &App, qr: Option<&Qr>, url: &str, area: Rect) {
    let Some(qr) = qr else {
        text_lines(frame, vec![Line::from(url.to_owned())], area);
        return;
    };
    let url_lines = (url.width() as u16).div_ceil(area.width.max(1)).max(1);
    let room = Rect::new(
        area.x,
        area.y,
        area.width,
        area.height.saturating_sub(url_lines),
    );
    let Some((quiet, scale)) = qr.fit(room, 1) else {
        text_lines(
            frame,
            vec![
                Line::from(T::EnlargeToSee.get(app.lang)),
                Line::from(url.to_owned()),
            ],
            area,
        );
        return;
    };
    let (w, h) = qr.size(quiet, scale);
    let x = area.x + area.width.saturating_sub(w) / 2;
    qr.render(Rect::new(x, area.y, w, h), frame.buffer_mut(), quiet, scale);
    let under = Rect::new(
        area.x,
        area.y + h,
        area.width,
        area.bottom().saturating_sub(area.y + h),
    );
    frame.render_widget(
        Paragraph::new(Line::from(url.to_owned()).style(app.theme.dim)).wrap(Wrap { trim: false }),
        under,
    );
}

/// The QR code alone over the whole screen, as large as fits, the URL under it.
pub fn enlarged(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let Some(url) = app.newapp.sheet().and_then(|s| s.live_code()) else {
        return;
    };
    let Some(qr) = Qr::new(url) else {
        return;
    };
    frame.render_widget(ratatui::widgets::Clear, area);
    let room = Rect::new(area.x, area.y, area.width, area.height.saturating_sub(2));
    let Some((quiet, scale)) = qr.fit(room, 4) else {
        return;
    };
    let (w, h) = qr.size(quiet, scale);
    let x = area.x + area.width.saturating_sub(w) / 2;
    let y = area.y + room.height.saturating_sub(h) / 2;
    qr.render(Rect::new(x, y, w, h), frame.buffer_mut(), quiet, scale);
    let lines = vec![
        Line::from(url.to_owned()).centered(),
        Line::from(T::EnlargedHint.get(app.lang))
            .style(app.theme.dim)
            .centered(),
    ];
    frame.render_widget(
        Paragraph::new(lines),
        Rect::new(
            area.x,
            y + h,
            area.width,
            2.min(area.height.saturating_sub(y + h)),
        ),
    );
}

/// This machine's address on the local network (for the loopback advice), found without
/// sending anything: the route a UDP socket would take.
fn lan_address() -> Option<String> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then(|| ip.to_string())
}

fn project(frame: &mut Frame, app: &App, newapp: &NewApp, sheet: &Sheet, area: Rect) {
    let lang = app.lang;
    let theme = &app.theme;
    let [search, lists] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(area);
    field_row(
        frame,
        app,
        sheet,
        "project_query",
        T::FieldProjectSearch.get(lang),
        search,
        24,
        newapp.product_sel.is_none(),
    );
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(lists);
    if newapp.projects.is_empty() {
        text_lines(
            frame,
            vec![Line::from(T::NoProjects.get(lang)).style(theme.dim)],
            left,
        );
    }
    let visible = left.height as usize;
    let offset = newapp.project_sel.saturating_sub(visible.saturating_sub(1));
    let rows: Vec<Line> = newapp
        .projects
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(i, p)| {
            let style = if i == newapp.project_sel {
                if newapp.product_sel.is_none() {
                    theme.selection
                } else {
                    theme.accent
                }
            } else {
                theme.base
            };
            Line::from(format!(" {}", p.name)).style(style)
        })
        .collect();
    frame.render_widget(Paragraph::new(rows), left);
    if let Some(project) = newapp.projects.get(newapp.project_sel) {
        let mut lines = vec![Line::from(Span::styled(
            if newapp.product_sel.is_some() {
                T::PickProduct
            } else {
                T::ProductsOf
            }
            .get(lang),
            theme.label,
        ))];
        for (i, product) in project.products.iter().enumerate() {
            let style = if newapp.product_sel == Some(i) {
                theme.selection
            } else {
                theme.base
            };
            lines.push(
                Line::from(format!(
                    " {} · {} · {}",
                    product.name,
                    product.user_type.label(lang),
                    Money::from_fen(product.price_fen).unwrap_or_default()
                ))
                .style(style),
            );
        }
        frame.render_widget(Paragraph::new(lines), right);
    }
}

fn choice_line<'a>(app: &App, sheet: &Sheet) -> Line<'a> {
    let lang = app.lang;
    let Some(choice) = &sheet.draft.choice else {
        return Line::default();
    };
    Line::from(vec![
        Span::styled(format!("{} ", T::FieldProject.get(lang)), app.theme.label),
        Span::raw(choice.project_name.clone()),
        Span::styled(format!("  {} ", T::DocProduct.get(lang)), app.theme.label),
        Span::raw(format!(
            "{} · {}",
            choice.product_name,
            Money::from_fen(choice.price_fen).unwrap_or_default()
        )),
    ])
}

fn terms(frame: &mut Frame, app: &App, newapp: &NewApp, sheet: &Sheet, area: Rect) {
    let lang = app.lang;
    let theme = &app.theme;
    let [head, text, foot] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let user_type = sheet.user_type().map(|u| u.label(lang)).unwrap_or("");
    frame.render_widget(
        Paragraph::new(vec![
            choice_line(app, sheet),
            Line::from(vec![
                Span::styled(format!("{} ", T::FieldUserType.get(lang)), theme.label),
                Span::styled(user_type.to_owned(), theme.accent),
                Span::styled(format!("  {}", T::ToggleUserTypeHint.get(lang)), theme.dim),
            ]),
        ]),
        head,
    );
    match &newapp.terms {
        Some(terms) => {
            let block = super::block(app, T::TermsTitle.fill(lang, &[&terms.version]), true);
            let inner = block.inner(text);
            frame.render_widget(block, text);
            let lines: Vec<Line> = wrap_chars(&terms.text, inner.width)
                .into_iter()
                .map(Line::from)
                .collect();
            let max = (lines.len() as u16).saturating_sub(inner.height);
            frame.render_widget(
                Paragraph::new(lines).scroll((newapp.terms_scroll.min(max), 0)),
                inner,
            );
        }
        None => text_lines(
            frame,
            vec![Line::from(T::Loading.get(lang)).style(theme.dim)],
            text,
        ),
    }
    text_lines(
        frame,
        vec![Line::from(T::AcceptHint.get(lang)).style(theme.accent)],
        foot,
    );
}

fn form(frame: &mut Frame, app: &App, sheet: &Sheet, area: Rect) {
    let lang = app.lang;
    let specs = sheet.specs();
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    frame.render_widget(Paragraph::new(choice_line(app, sheet)), head);
    let focus = sheet.draft.focus.as_str();
    let at = specs.iter().position(|s| s.key == focus).unwrap_or(0);
    let visible = body.height as usize;
    let offset = (at + 1).saturating_sub(visible);
    for (row, spec) in specs.iter().enumerate().skip(offset).take(visible) {
        let y = body.y + (row - offset) as u16;
        let line = Rect::new(body.x, y, body.width, 1);
        let label = spec.label.get(lang);
        if spec.kind == fields::Kind::Locked {
            let label_area = Rect::new(line.x, y, 16.min(line.width), 1);
            frame.render_widget(
                Paragraph::new(Span::styled(label, app.theme.label)),
                label_area,
            );
            let value = Line::from(vec![
                Span::styled(sheet.text(spec.key), app.theme.base),
                Span::styled(format!("  {}", T::FromRealname.get(lang)), app.theme.dim),
            ]);
            frame.render_widget(
                Paragraph::new(value),
                Rect::new(line.x + 16, y, line.width.saturating_sub(16), 1),
            );
        } else {
            field_row(
                frame,
                app,
                sheet,
                spec.key,
                label,
                line,
                26,
                spec.key == focus,
            );
        }
    }
}

fn scan(frame: &mut Frame, app: &App, sheet: &Sheet, area: Rect) {
    let lang = app.lang;
    let theme = &app.theme;
    let printer = match &app.printer {
        Some(name) => T::PrinterIs.fill(lang, &[name]),
        None => T::NoPrinter.get(lang).to_owned(),
    };
    let lines = vec![
        Line::from(T::ScanStep1.get(lang)),
        Line::from(Span::styled(format!("   {printer}"), theme.dim)),
        Line::from(T::ScanStep2.get(lang)),
    ];
    text_lines(frame, lines, Rect::new(area.x, area.y, area.width, 3));
    let row = Rect::new(area.x, area.y + 4, area.width, 1);
    field_row(
        frame,
        app,
        sheet,
        "scan_path",
        T::FieldScanPath.get(lang),
        row,
        40,
        true,
    );
    if let Some(scan) = &sheet.draft.scan {
        let text = format!(
            "{} {} · {} · {}",
            glyphs(app).check,
            scan.content_type,
            crate::tui::newapp::mb(scan.size),
            scan.detail
        );
        text_lines(
            frame,
            vec![Line::from(text).style(theme.success)],
            Rect::new(area.x + 16, area.y + 5, area.width.saturating_sub(16), 1),
        );
        text_lines(
            frame,
            vec![Line::from(T::ScanStep3.get(lang)).style(theme.accent)],
            Rect::new(area.x, area.y + 7, area.width, 1),
        );
    } else {
        text_lines(
            frame,
            vec![Line::from(T::ScanCheckHint.get(lang)).style(theme.dim)],
            Rect::new(area.x, area.y + 6, area.width, 1),
        );
    }
}

fn submit(frame: &mut Frame, app: &App, sheet: &Sheet, area: Rect) {
    let lang = app.lang;
    let theme = &app.theme;
    let d = &sheet.draft;
    let pair = |label: T, value: String| {
        let label = label.get(lang);
        let pad = 12usize.saturating_sub(UnicodeWidthStr::width(label));
        Line::from(vec![
            Span::styled(format!("{label}{}", " ".repeat(pad)), theme.label),
            Span::raw(value),
        ])
    };
    let customer = d.customer.clone().unwrap_or_default();
    let mut lines = vec![
        pair(
            T::FieldApplicant,
            format!(
                "{}  {}",
                d.field("applicant.name"),
                d.field("applicant.id_number")
            ),
        ),
        pair(T::FieldPhone, customer.phone.clone()),
    ];
    if sheet.user_type() == Some(crate::domain::UserType::Organization) {
        lines.push(pair(
            T::FieldOrganization,
            format!(
                "{}  {}",
                d.field("organization.name"),
                d.field("organization.uscc")
            ),
        ));
    }
    lines.push(choice_line(app, sheet));
    lines.push(pair(
        T::FieldMailing,
        format!(
            "{} {} {}{}{}{} {}",
            d.field("mailing.recipient"),
            d.field("mailing.phone"),
            d.field("mailing.province"),
            d.field("mailing.city"),
            d.field("mailing.district"),
            d.field("mailing.street"),
            d.field("mailing.postal_code")
        ),
    ));
    if let Some(scan) = &d.scan {
        lines.push(pair(
            T::FieldScanPath,
            format!("{} ({})", scan.path, crate::tui::newapp::mb(scan.size)),
        ));
    }
    lines.push(pair(T::ReferenceLabel, d.reference.clone()));
    lines.push(Line::default());
    lines.push(Line::from(T::SubmitHint.get(lang)).style(theme.accent));
    text_lines(frame, lines, area);
}

/// Breaks text into lines of at most `width` columns, character by character (Chinese
/// has no spaces to break at), keeping the text's own line breaks.
pub fn wrap_chars(text: &str, width: u16) -> Vec<String> {
    let width = usize::from(width.max(2));
    let mut out = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        let mut used = 0;
        for c in paragraph.chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if used + w > width {
                out.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += w;
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_addresses_are_recognised() {
        assert!(unreachable_from_phone("http://127.0.0.1:8080/m/realname/x"));
        assert!(unreachable_from_phone("http://localhost/m/realname/x"));
        assert!(unreachable_from_phone("http://[::1]:80/m/realname/x"));
        assert!(!unreachable_from_phone(
            "http://192.168.1.20:8080/m/realname/x"
        ));
        assert!(!unreachable_from_phone(
            "https://ca.example.cn/m/realname/x"
        ));
    }

    #[test]
    fn chinese_text_wraps_by_width_not_at_spaces() {
        let lines = wrap_chars("一、适用范围\n1. 申请人应提供真实、准确、完整的信息", 10);
        assert_eq!(
            lines,
            [
                "一、适用范",
                "围",
                "1. 申请人",
                "应提供真实",
                "、准确、完",
                "整的信息"
            ]
        );
    }
}
