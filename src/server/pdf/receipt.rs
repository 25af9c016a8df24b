//! The acceptance receipt (受理回执): the customer's part with the order, the promised
//! date, how the certificate reaches them and where, a code to follow the order and the
//! counter's seal; a tear-off line; the counter's stub the customer signs.

use super::sheet::{
    A4_HEIGHT, A4_WIDTH, DEMO_BASELINE, EDGE, MARGIN, MM, SEAL, Sheet, code_left, stamp_codes,
};
use super::{Fonts, PageCode, Pdf, PdfError, Row};

/// The code the customer scans to follow the order, with what it does.
#[derive(Debug, Clone)]
pub struct FollowCode {
    /// What the code holds: the order's page on the customer's platform.
    pub payload: String,
    /// Printed beside it, e.g. 扫码拨打服务热线 400-668-2666，报订单号查询进度.
    pub caption: String,
}

/// What the acceptance receipt shows.
#[derive(Debug, Clone)]
pub struct Receipt {
    /// The CA.
    pub ca_name: String,
    /// 数字证书申请受理回执
    pub title: String,
    /// The order number, printed large.
    pub order_no: String,
    /// Label of the order number.
    pub order_label: String,
    /// The code in the corner.
    pub code: PageCode,
    /// The data, one row each.
    pub rows: Vec<Row>,
    /// The code to follow the order.
    pub follow: FollowCode,
    /// What the customer should know, one paragraph each (closing words last).
    pub notes: Vec<String>,
    /// 受理点（盖章）
    pub seal: String,
    /// Under the tear-off line's scissors, e.g. 沿虚线剪开：上联交申请人，下联受理点留存.
    pub tear_off: String,
    /// 存根（受理点留存）
    pub stub_title: String,
    /// The stub's rows.
    pub stub_rows: Vec<Row>,
    /// `申请人签收：` with room to sign and date.
    pub stub_signature: String,
    /// The demo mark, when the order went through a stand-in.
    pub demo: Option<String>,
    /// What its page after the first says, when the stub goes onto one of its own.
    pub continued: super::sheet::Continued,
    /// Handed over at a counter: with the counter's seal and the stub the customer signs.
    /// An order the customer submitted online has neither (nobody stamps or keeps it).
    pub at_counter: bool,
}

/// Renders the receipt on one A4 page: the customer's part above the tear-off line, the
/// counter's stub below (on a second page when long data leaves no room for it).
pub fn receipt(fonts: &Fonts, receipt: &Receipt) -> Result<Pdf, PdfError> {
    let mut sheet = Sheet::new(fonts);
    let width = A4_WIDTH - 2.0 * MARGIN;
    let room = code_left(sheet.width) - MARGIN - 8.0;
    let (size, title) = sheet.fit(&receipt.title, 18.0, 12.0, room);
    sheet.text(MARGIN, 62.0, size, title);
    sheet.text(MARGIN, 82.0, 10.5, receipt.ca_name.clone());
    sheet.text(MARGIN, 112.0, 12.0, receipt.order_label.clone());
    let label = sheet.measure(&receipt.order_label, 12.0) + 10.0;
    let (size, no) = sheet.fit(&receipt.order_no, 20.0, 12.0, room - label);
    sheet.text(MARGIN + label, 113.0, size, no);

    // The rows, then the follow code and the seal side by side.
    let mut y = 132.0;
    let label_width = 92.0;
    for row in &receipt.rows {
        let lines = sheet.wrap(&row.value, 10.5, width - label_width);
        sheet.text(MARGIN, y + 10.5, 10.5, row.label.clone());
        for line in lines {
            sheet.text(MARGIN + label_width, y + 10.5, 10.5, line);
            y += 15.0;
        }
        y += 2.0;
    }
    y += 6.0;
    let follow_side = 22.0 * MM;
    sheet.qr(
        MARGIN - 4.0 * follow_side / 29.0,
        y,
        follow_side,
        &receipt.follow.payload,
    );
    let text_x = MARGIN + follow_side;
    // The counter's seal: room for a real 公章 (see `SEAL`).
    let seal_w = if receipt.at_counter { SEAL } else { 0.0 };
    let seal_x = MARGIN + width - seal_w;
    let after = sheet.paragraph(
        text_x,
        y + 8.0,
        9.5,
        13.5,
        seal_x - text_x - 12.0,
        &receipt.follow.caption,
    );
    if receipt.at_counter {
        sheet.dashed_rect(seal_x, y, seal_w, SEAL);
        let seal = sheet.measure(&receipt.seal, 9.0);
        sheet.text(
            seal_x + (seal_w - seal) / 2.0,
            y + SEAL / 2.0 + 3.0,
            9.0,
            receipt.seal.clone(),
        );
        y = (y + SEAL).max(after) + 10.0;
    } else {
        y = (y + follow_side).max(after) + 10.0;
    }
    for note in &receipt.notes {
        y = sheet.paragraph(MARGIN, y, 10.0, 14.5, width, note) + 2.0;
    }
    // Online: nothing to tear off and keep.
    if !receipt.at_counter {
        if let Some(mark) = &receipt.demo {
            sheet.demo_band(mark, DEMO_BASELINE);
        }
        let mut pages = vec![sheet];
        stamp_codes(&mut pages, &receipt.code);
        return super::sheet::finish_pages(pages, &receipt.title);
    }

    // The stub below a tear-off line; on a page of its own when long data (an
    // organisation's name, a long address) leaves no room for it under the customer's part.
    let stub_height = 48.0
        + receipt
            .stub_rows
            .iter()
            .map(|row| {
                sheet
                    .wrap(&row.value, 10.5, width - label_width)
                    .len()
                    .max(1) as f32
                    * 14.0
                    + 3.0
            })
            .sum::<f32>()
        + 42.0;
    // The tear-off line near the middle of the page, raised as far as the customer's part
    // allows when a long stub (an organisation's) would not fit under it there: a second
    // sheet only when the two parts do not share one.
    let cut = (y + 20.0).max(520.0_f32.min(A4_HEIGHT - STUB_FOOT - stub_height));
    let mut pages = Vec::new();
    let stub_top = if cut + stub_height <= A4_HEIGHT - STUB_FOOT {
        // The tear-off line: dashed from edge to edge, scissors at its start, a caption.
        sheet.dashed(EDGE, cut, A4_WIDTH - EDGE, cut, 0.7);
        sheet.scissors(EDGE + 4.0, cut);
        let caption = sheet.measure(&receipt.tear_off, 8.0);
        sheet.text(
            (A4_WIDTH - caption) / 2.0,
            cut - 4.0,
            8.0,
            receipt.tear_off.clone(),
        );
        cut + 34.0
    } else {
        pages.push(std::mem::replace(&mut sheet, Sheet::new(fonts)));
        120.0
    };
    draw_stub(&mut sheet, stub_top, receipt, width, label_width);
    pages.push(sheet);
    for page in &mut pages {
        if let Some(mark) = &receipt.demo {
            page.demo_band(mark, DEMO_BASELINE);
        }
    }
    super::sheet::mark_continued(&mut pages, &receipt.continued);
    stamp_codes(&mut pages, &receipt.code);
    super::sheet::finish_pages(pages, &receipt.title)
}

/// Room kept under the stub: the edge an office printer leaves blank, and a little.
const STUB_FOOT: f32 = EDGE + 4.0;

/// The counter's stub from `y`: its title, its rows, the customer's signature line.
fn draw_stub(sheet: &mut Sheet, y: f32, receipt: &Receipt, width: f32, label_width: f32) {
    let mut y = y;
    let stub = sheet.measure(&receipt.stub_title, 13.0);
    sheet.text((A4_WIDTH - stub) / 2.0, y, 13.0, receipt.stub_title.clone());
    y += 14.0;
    // A long name (an organisation's branch) wraps rather than being cut: the customer
    // signs under it.
    for row in &receipt.stub_rows {
        sheet.text(MARGIN, y + 10.5, 10.5, row.label.clone());
        let lines = sheet.wrap(&row.value, 10.5, width - label_width);
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                y += 14.0;
            }
            sheet.text(MARGIN + label_width, y + 10.5, 10.5, line.clone());
        }
        y += 17.0;
    }
    sheet.text(MARGIN, y + 30.0, 11.0, receipt.stub_signature.clone());
}
