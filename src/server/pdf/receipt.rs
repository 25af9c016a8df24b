//! The acceptance receipt (受理回执), the correction notice and the transfer slip.

use super::sheet::{A4_WIDTH as WIDTH, MARGIN, Sheet};
use super::{Fonts, Pdf, PdfError, Row};

/// What the acceptance receipt shows.
pub struct Receipt {
    /// The CA.
    pub ca_name: String,
    /// 数字证书申请受理回执
    pub title: String,
    /// The order number, printed large.
    pub order_no: String,
    /// Label of the order number.
    pub order_label: String,
    /// The data, one row each.
    pub rows: Vec<Row>,
    /// What the customer should do next.
    pub notes: Vec<String>,
}

/// Renders the acceptance receipt (half a page, to tear off or fold).
pub fn receipt(fonts: &Fonts, receipt: &Receipt) -> Result<Pdf, PdfError> {
    let mut sheet = Sheet::new(fonts);
    sheet.centred(MARGIN + 20.0, 18.0, &receipt.title);
    sheet.centred(MARGIN + 40.0, 10.5, &receipt.ca_name);
    sheet.text(MARGIN, MARGIN + 78.0, 12.0, receipt.order_label.clone());
    sheet.text(MARGIN + 90.0, MARGIN + 80.0, 20.0, receipt.order_no.clone());
    let mut y = MARGIN + 110.0;
    for row in &receipt.rows {
        sheet.text(MARGIN, y, 11.0, row.label.clone());
        sheet.text(MARGIN + 110.0, y, 11.0, row.value.clone());
        y += 20.0;
    }
    y += 8.0;
    sheet.line(MARGIN, y, WIDTH - MARGIN, y, 0.5);
    y += 22.0;
    for note in &receipt.notes {
        for line in sheet.wrap(note, 10.5, WIDTH - 2.0 * MARGIN) {
            sheet.text(MARGIN, y, 10.5, line);
            y += 16.0;
        }
    }
    sheet.finish(&receipt.title)
}
