//! The bank-transfer slip: the CA's account, the amount and the order number to write as
//! the transfer's reference.

use super::sheet::{A4_WIDTH, DEMO_BASELINE, MARGIN, Sheet, code_left, stamp_codes};
use super::{Fonts, PageCode, Pdf, PdfError, Row};

/// What the transfer slip shows.
#[derive(Debug, Clone)]
pub struct TransferSlip {
    /// The CA.
    pub ca_name: String,
    /// 银行转账付款说明
    pub title: String,
    /// The order number: the transfer's reference, printed large.
    pub reference: String,
    /// Label of the reference, e.g. 转账附言.
    pub reference_label: String,
    /// The code in the corner.
    pub code: PageCode,
    /// Account, bank, amount…
    pub rows: Vec<Row>,
    /// What to do, one paragraph each.
    pub notes: Vec<String>,
    /// The demo mark, when the account is the example config's placeholder.
    pub demo: Option<String>,
}

/// Renders the slip on the top half of an A4 page.
pub fn transfer_slip(fonts: &Fonts, slip: &TransferSlip) -> Result<Pdf, PdfError> {
    let mut sheet = Sheet::new(fonts);
    let width = A4_WIDTH - 2.0 * MARGIN;
    let room = code_left(sheet.width) - MARGIN - 8.0;
    let (size, title) = sheet.fit(&slip.title, 18.0, 12.0, room);
    sheet.text(MARGIN, 62.0, size, title);
    sheet.text(MARGIN, 82.0, 10.5, slip.ca_name.clone());
    sheet.text(MARGIN, 114.0, 12.0, slip.reference_label.clone());
    let label = sheet.measure(&slip.reference_label, 12.0) + 10.0;
    let (size, reference) = sheet.fit(&slip.reference, 20.0, 12.0, room - label);
    sheet.text(MARGIN + label, 115.0, size, reference);
    let mut y = 140.0;
    let label_width = 92.0;
    for row in &slip.rows {
        sheet.text(MARGIN, y + 11.0, 11.0, row.label.clone());
        for line in sheet.wrap(&row.value, 11.0, width - label_width) {
            sheet.text(MARGIN + label_width, y + 11.0, 11.0, line);
            y += 17.0;
        }
        y += 3.0;
    }
    y += 6.0;
    sheet.line(MARGIN, y, MARGIN + width, y, 0.5);
    y += 8.0;
    for note in &slip.notes {
        y = sheet.paragraph(MARGIN, y, 10.5, 15.5, width, note) + 2.0;
    }
    if let Some(mark) = &slip.demo {
        sheet.demo_band(mark, DEMO_BASELINE);
    }
    let mut pages = vec![sheet];
    stamp_codes(&mut pages, &slip.code);
    super::sheet::finish_pages(pages, &slip.title)
}
