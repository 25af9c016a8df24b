//! The application form (申请表) the customer signs: what is applied for and by whom, the
//! declaration and signature, for an organisation the 授权委托 of its legal
//! representative, and the block the counter fills in. Every page carries the code of
//! its order (or application) and page, so the signed scan finds its order by itself.

use super::sheet::{
    A4_WIDTH, DEMO_BASELINE, FOOT_BASELINE, Flow, MARGIN, SEAL, Sheet, code_left, stamp_codes,
};
use super::{Choice, Fonts, PageCode, Pdf, PdfError};

/// One line of the form's table.
#[derive(Debug, Clone)]
pub enum FormRow {
    /// A label and its value.
    Text {
        /// e.g. 申请人.
        label: String,
        /// e.g. 张三.
        value: String,
    },
    /// A label and boxes to tick, e.g. 证件类型 ☑居民身份证 ☐港澳居民居住证.
    Choices {
        /// e.g. 证件类型.
        label: String,
        /// The boxes.
        choices: Vec<Choice>,
    },
}

/// The 授权委托 of an organisation: its legal representative lets the handler apply.
#[derive(Debug, Clone)]
pub struct Authorization {
    /// 授权委托书
    pub title: String,
    /// The authorisation, naming the handler.
    pub text: String,
    /// 法定代表人 …（签字）：
    pub signature: String,
    /// 单位（公章）
    pub seal: String,
    /// `日期：    年  月  日`
    pub date_blank: String,
}

/// The block the counter fills in.
#[derive(Debug, Clone)]
pub struct OfficeBlock {
    /// 以下由受理点填写
    pub title: String,
    /// 受理人签字, 审核意见, 受理点盖章, 日期: four cells, two by two.
    pub cells: Vec<String>,
}

/// What the application form shows.
#[derive(Debug, Clone)]
pub struct ApplicationForm {
    /// The CA, e.g. 湖南CA.
    pub ca_name: String,
    /// 数字证书申请表（个人）
    pub title: String,
    /// Reference line, e.g. `申请编号 SQ7F3K9QAB  订单号 HN…`.
    pub reference: String,
    /// Date line, e.g. `打印日期 2026-11-28`.
    pub date: String,
    /// The code on each page; none for a form with neither order nor reference.
    pub code: Option<PageCode>,
    /// The table, one row each.
    pub rows: Vec<FormRow>,
    /// The declaration above the signature box.
    pub declaration: String,
    /// Label of the signature box.
    pub signature: String,
    /// `日期：      年    月    日`
    pub date_blank: String,
    /// For an organisation: the legal representative's authorisation.
    pub authorization: Option<Authorization>,
    /// The counter's block.
    pub office: OfficeBlock,
    /// Footer, e.g. the clerk and hotline.
    pub footer: String,
    /// The demo mark, when the form was made with a stand-in.
    pub demo: Option<String>,
    /// What its pages after the first say, when it runs onto more.
    pub continued: super::sheet::Continued,
}

const LABEL_WIDTH: f32 = 108.0;

/// How tightly the form is set.
struct Style {
    /// Text size in the table and paragraphs.
    size: f32,
    /// Line height.
    leading: f32,
    /// The signature box's height.
    signature: f32,
    /// Space after the table.
    gap: f32,
}

/// The form as it is set when it fits one sheet.
const REGULAR: Style = Style {
    size: 10.5,
    leading: 14.0,
    signature: 58.0,
    gap: 14.0,
};

/// Set closer, for a form that would run onto a second sheet by a little (a long
/// organisation name, a long address): one sheet is what a customer photographs whole
/// and uploads as one picture. Never under 9 points.
const CLOSER: [Style; 2] = [
    Style {
        size: 9.5,
        leading: 12.5,
        signature: 50.0,
        gap: 10.0,
    },
    Style {
        size: 9.0,
        leading: 11.5,
        signature: 46.0,
        gap: 8.0,
    },
];

/// Renders the application form: on one A4 sheet, set closer if that is what it takes,
/// else (a form far too long for one) on as many sheets as it takes, set as usual.
pub fn application_form(fonts: &Fonts, form: &ApplicationForm) -> Result<Pdf, PdfError> {
    let regular = lay_out(fonts, form, &REGULAR);
    let mut pages = if regular.len() == 1 {
        regular
    } else {
        CLOSER
            .iter()
            .map(|style| lay_out(fonts, form, style))
            .find(|pages| pages.len() == 1)
            .unwrap_or(regular)
    };
    for page in &mut pages {
        page.text(MARGIN, FOOT_BASELINE, 8.5, form.footer.clone());
        if let Some(mark) = &form.demo {
            page.demo_band(mark, DEMO_BASELINE);
        }
    }
    super::sheet::mark_continued(&mut pages, &form.continued);
    if let Some(code) = &form.code {
        stamp_codes(&mut pages, code);
    }
    super::sheet::finish_pages(pages, &form.title)
}

/// The form's pages set in `style` (without footer, demo band and codes).
fn lay_out(fonts: &Fonts, form: &ApplicationForm, style: &Style) -> Vec<Sheet> {
    let (size, leading) = (style.size, style.leading);
    let width = A4_WIDTH - 2.0 * MARGIN;
    // Above the footer line.
    let bottom = FOOT_BASELINE - 12.0;
    let mut flow = Flow::new(fonts, 0.0, 120.0, bottom);
    header(&mut flow.page, form);
    flow.y = 118.0;
    for row in &form.rows {
        table_row(&mut flow, row, width, style);
    }
    flow.y += style.gap;

    let lines = flow.page.wrap(&form.declaration, size, width).len() as f32;
    flow.room(lines * leading + style.signature + 14.0);
    let y = flow.y;
    flow.y = flow
        .page
        .paragraph(MARGIN, y, size, leading, width, &form.declaration)
        + 6.0;
    let y = flow.y;
    let page = &mut flow.page;
    page.rect(MARGIN, y, width, style.signature, 0.8);
    page.text(MARGIN + 8.0, y + 20.0, 11.0, form.signature.clone());
    page.right(
        MARGIN + width - 12.0,
        y + style.signature - 9.0,
        11.0,
        &form.date_blank,
    );
    flow.y = y + style.signature + 10.0;

    if let Some(auth) = &form.authorization {
        // The seal's space holds a real 公章 (a 40–42 mm round seal), right of the
        // authorisation; the representative signs under its words, their name wrapped
        // there however long.
        let seal_x = MARGIN + width - SEAL - 10.0;
        let text_width = seal_x - MARGIN - 8.0 - 10.0;
        let lines = flow.page.wrap(&auth.text, size, text_width).len() as f32;
        let signature = flow.page.wrap(&auth.signature, 11.0, text_width);
        let left = lines * leading + 8.0 + 16.0 * signature.len() as f32 + 26.0;
        let height = 26.0 + left.max(SEAL + 6.0) + 10.0;
        flow.room(height);
        let top = flow.y;
        let page = &mut flow.page;
        page.rect(MARGIN, top, width, height - 8.0, 0.8);
        let title_width = page.measure(&auth.title, 12.0);
        page.text(
            MARGIN + (width - title_width) / 2.0,
            top + 18.0,
            12.0,
            auth.title.clone(),
        );
        let y = page.paragraph(
            MARGIN + 8.0,
            top + 23.0,
            size,
            leading,
            text_width,
            &auth.text,
        );
        let mut line_y = y + 18.0;
        for line in signature {
            page.text(MARGIN + 8.0, line_y, 11.0, line);
            line_y += 16.0;
        }
        page.text(
            MARGIN + 8.0,
            (line_y + 8.0).max(top + 26.0 + SEAL - 4.0),
            11.0,
            auth.date_blank.clone(),
        );
        let seal_top = top + 26.0;
        page.dashed_rect(seal_x, seal_top, SEAL, SEAL);
        let seal_label = page.measure(&auth.seal, 9.0);
        page.text(
            seal_x + (SEAL - seal_label) / 2.0,
            seal_top + SEAL / 2.0 + 3.0,
            9.0,
            auth.seal.clone(),
        );
        flow.y = top + height + 6.0;
    }

    office_block(&mut flow, &form.office, width);
    flow.finish()
}

/// Title, CA and reference, kept left of the code in the top right corner.
fn header(page: &mut Sheet, form: &ApplicationForm) {
    let room = code_left(page.width) - MARGIN - 8.0;
    let (size, title) = page.fit(&form.title, 18.0, 12.0, room);
    page.text(MARGIN, 64.0, size, title);
    let line = format!("{} · {}", form.ca_name, form.reference);
    let (size, line) = page.fit(&line, 10.0, 7.0, room);
    page.text(MARGIN, 86.0, size, line);
    page.text(MARGIN, 102.0, 10.0, form.date.clone());
}

/// One row of the table: label cell and value cell, the value wrapped or boxes laid out.
fn table_row(flow: &mut Flow, row: &FormRow, width: f32, style: &Style) {
    let (size, leading) = (style.size, style.leading);
    let value_width = width - LABEL_WIDTH - 16.0;
    let (label, lines) = match row {
        FormRow::Text { label, value } => (label, flow.page.wrap(value, size, value_width)),
        FormRow::Choices { label, .. } => (label, vec![String::new()]),
    };
    let height = 8.0 + leading * lines.len().max(1) as f32;
    flow.room(height);
    let y = flow.y;
    let page = &mut flow.page;
    page.rect(MARGIN, y, width, height, 0.6);
    page.line(
        MARGIN + LABEL_WIDTH,
        y,
        MARGIN + LABEL_WIDTH,
        y + height,
        0.5,
    );
    let (label_size, label) = page.fit(label, size, 7.0, LABEL_WIDTH - 12.0);
    page.text(MARGIN + 6.0, y + 4.0 + size + 1.0, label_size, label);
    let x = MARGIN + LABEL_WIDTH + 8.0;
    match row {
        FormRow::Text { .. } => {
            for (i, line) in lines.into_iter().enumerate() {
                page.text(x, y + 5.0 + size + leading * i as f32, size, line);
            }
        }
        FormRow::Choices { choices, .. } => {
            let mut at = x;
            for choice in choices {
                at = page.checkbox(at, y + 5.0 + size, size, choice.ticked, &choice.label);
            }
        }
    }
    flow.y = y + height;
}

/// "以下由受理点填写": a caption over the counter's cells — with room, the seal's (the third
/// of four) standing tall on the right, 42 mm for a real 公章, beside the others; else
/// two by two, lower, so the form keeps to its sheet.
fn office_block(flow: &mut Flow, office: &OfficeBlock, width: f32) {
    let caption = |flow: &mut Flow, top: f32| {
        let page = &mut flow.page;
        page.dashed(MARGIN, top + 4.0, MARGIN + width, top + 4.0, 0.6);
        let caption_width = page.measure(&office.title, 10.0);
        page.text(
            MARGIN + (width - caption_width) / 2.0,
            top + 17.0,
            10.0,
            office.title.clone(),
        );
    };
    if office.cells.len() == 4 && flow.fits(22.0 + SEAL) {
        let top = flow.y;
        caption(flow, top);
        let y = top + 22.0;
        let seal_w = SEAL + 16.0;
        let left_w = width - seal_w;
        let row = SEAL / 3.0;
        let page = &mut flow.page;
        for (i, at) in [0usize, 1, 3].into_iter().enumerate() {
            let cy = y + row * i as f32;
            page.rect(MARGIN, cy, left_w, row, 0.6);
            page.text(MARGIN + 6.0, cy + 14.0, 10.0, office.cells[at].clone());
        }
        page.rect(MARGIN + left_w, y, seal_w, SEAL, 0.6);
        page.text(
            MARGIN + left_w + 6.0,
            y + 14.0,
            10.0,
            office.cells[2].clone(),
        );
        flow.y = y + SEAL;
        return;
    }
    let rows = office.cells.len().div_ceil(2).max(1);
    // Lower cells rather than a page of its own: a second sheet holding only the
    // counter's box is one more page for a customer to photograph and upload.
    let cell_height = if flow.fits(22.0 + 34.0 * rows as f32) {
        34.0
    } else {
        24.0
    };
    flow.room(22.0 + cell_height * rows as f32);
    let top = flow.y;
    caption(flow, top);
    let y = top + 22.0;
    let half = width / 2.0;
    let page = &mut flow.page;
    for (i, cell) in office.cells.iter().enumerate() {
        let x = MARGIN + half * (i % 2) as f32;
        let cy = y + cell_height * (i / 2) as f32;
        page.rect(x, cy, half, cell_height, 0.6);
        page.text(x + 6.0, cy + 14.0, 10.0, cell.clone());
    }
    flow.y = y + cell_height * rows as f32;
}
