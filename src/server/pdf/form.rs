//! The application form (申请表) the customer signs.

use super::sheet::{A4_HEIGHT as HEIGHT, A4_WIDTH as WIDTH, MARGIN, Sheet};
use super::{Fonts, Pdf, PdfError, Row};

/// What the application form shows.
pub struct ApplicationForm {
    /// The CA, e.g. 湖南CA.
    pub ca_name: String,
    /// 数字证书申请表（个人）
    pub title: String,
    /// Reference line, e.g. `申请编号 SQ7F3K9QAB`.
    pub reference: String,
    /// Date line, e.g. `打印日期 2026-11-28`.
    pub date: String,
    /// The data, one row each.
    pub rows: Vec<Row>,
    /// The declaration above the signature box.
    pub declaration: String,
    /// Label of the signature box.
    pub signature: String,
    /// `日期：      年    月    日`
    pub date_blank: String,
    /// Footer, e.g. the clerk and hotline.
    pub footer: String,
}

/// Renders the application form.
pub fn application_form(fonts: &Fonts, form: &ApplicationForm) -> Result<Pdf, PdfError> {
    let mut sheet = Sheet::new(fonts);
    sheet.centred(MARGIN + 20.0, 20.0, &form.title);
    sheet.text(
        MARGIN,
        MARGIN + 52.0,
        10.5,
        format!("{} · {}", form.ca_name, form.reference),
    );
    sheet.text(
        WIDTH - MARGIN - sheet.measure(&form.date, 10.5),
        MARGIN + 52.0,
        10.5,
        form.date.clone(),
    );
    let top = MARGIN + 64.0;
    let label_width = 118.0;
    let table_width = WIDTH - 2.0 * MARGIN;
    let mut y = top;
    for row in &form.rows {
        let lines = sheet.wrap(&row.value, 11.0, table_width - label_width - 16.0);
        let height = 10.0 + 16.0 * lines.len().max(1) as f32;
        sheet.text(MARGIN + 8.0, y + 19.0, 11.0, row.label.clone());
        for (i, line) in lines.into_iter().enumerate() {
            sheet.text(
                MARGIN + label_width + 8.0,
                y + 19.0 + 16.0 * i as f32,
                11.0,
                line,
            );
        }
        y += height;
        sheet.line(MARGIN, y, MARGIN + table_width, y, 0.5);
    }
    sheet.rect(MARGIN, top, table_width, y - top, 1.0);
    sheet.line(MARGIN + label_width, top, MARGIN + label_width, y, 0.5);
    y += 28.0;
    for line in sheet.wrap(&form.declaration, 10.5, table_width) {
        sheet.text(MARGIN, y, 10.5, line);
        y += 16.0;
    }
    y += 12.0;
    let box_height = 120.0;
    sheet.rect(MARGIN, y, table_width, box_height, 1.0);
    sheet.text(MARGIN + 10.0, y + 24.0, 12.0, form.signature.clone());
    sheet.text(
        MARGIN + table_width - 220.0,
        y + box_height - 18.0,
        12.0,
        form.date_blank.clone(),
    );
    sheet.text(MARGIN, HEIGHT - MARGIN, 9.0, form.footer.clone());
    sheet.finish(&form.title)
}
