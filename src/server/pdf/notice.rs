//! The one-time correction notice (一次性告知书): addressed to the applicant by name, every
//! reason numbered, a deadline and what happens after it, how to correct from a phone, who
//! reviewed and whom to call, the applicant's acknowledgement and the counter's seal.

use super::sheet::{
    A4_HEIGHT, A4_WIDTH, DEMO_BASELINE, Flow, MARGIN, MM, SEAL, code_left, stamp_codes,
};
use super::{Fonts, PageCode, Pdf, PdfError, Row};

/// What the correction notice shows.
#[derive(Debug, Clone)]
pub struct CorrectionNotice {
    /// The CA.
    pub ca_name: String,
    /// 补正材料一次性告知书
    pub title: String,
    /// `告知书编号 …`
    pub notice_no: String,
    /// `打印日期 …`
    pub printed: String,
    /// The code in the corner.
    pub code: PageCode,
    /// `张三：` — the applicant's own name in full.
    pub addressee: String,
    /// The opening paragraph: what was applied for and that it needs correcting.
    pub intro: String,
    /// Every reason, numbered in print.
    pub reasons: Vec<String>,
    /// The facts of the order: order number, project, product, returned at, reviewer.
    pub rows: Vec<Row>,
    /// Headed paragraphs: the deadline and what happens after it, how to correct from a
    /// phone, whom to call.
    pub sections: Vec<(String, String)>,
    /// The phone page of this notice, in a QR code beside the "how to correct" section.
    pub phone_link: Option<String>,
    /// Under that QR code.
    pub phone_caption: String,
    /// The closing words, e.g. 特此告知。
    pub closing: String,
    /// 申请人签收：            日期：    年  月  日
    pub acknowledgement: String,
    /// 受理点（盖章）
    pub seal: String,
    /// The demo mark, when the order went through a stand-in.
    pub demo: Option<String>,
    /// What its pages after the first say, when it runs onto more.
    pub continued: super::sheet::Continued,
}

const SIZE: f32 = 10.5;
const LEADING: f32 = 15.5;

/// Renders the notice on as many A4 pages as its reasons take.
pub fn correction_notice(fonts: &Fonts, notice: &CorrectionNotice) -> Result<Pdf, PdfError> {
    let width = A4_WIDTH - 2.0 * MARGIN;
    let mut flow = Flow::new(fonts, 124.0, 120.0, A4_HEIGHT - 48.0);
    let page = &mut flow.page;
    let room = code_left(page.width) - MARGIN - 8.0;
    let (size, title) = page.fit(&notice.title, 18.0, 12.0, room);
    page.text(MARGIN, 62.0, size, title);
    page.text(
        MARGIN,
        84.0,
        10.0,
        format!("{}  {}", notice.ca_name, notice.notice_no),
    );
    page.text(MARGIN, 100.0, 10.0, notice.printed.clone());

    // A long organisation's name wraps inside the margin: the addressee is read whole.
    let y = flow.y;
    flow.y = flow
        .page
        .paragraph(MARGIN, y, 12.0, 17.0, width, &notice.addressee)
        + 3.0;
    let y = flow.y;
    flow.y = flow
        .page
        .paragraph(MARGIN + 21.0, y, SIZE, LEADING, width - 21.0, &notice.intro)
        + 4.0;

    // Every reason numbered, continued lines hanging under the text.
    for (i, reason) in notice.reasons.iter().enumerate() {
        let number = format!("{}.", i + 1);
        let lines = flow.page.wrap(reason, 11.0, width - 46.0);
        flow.room(lines.len() as f32 * 16.0 + 4.0);
        let y = flow.y;
        flow.page.text(MARGIN + 21.0, y + 11.0, 11.0, number);
        for (j, line) in lines.into_iter().enumerate() {
            flow.page
                .text(MARGIN + 42.0, y + 11.0 + 16.0 * j as f32, 11.0, line);
        }
        flow.y = y + 16.0 * flow.page.wrap(reason, 11.0, width - 46.0).len() as f32 + 4.0;
    }
    flow.y += 6.0;

    for row in &notice.rows {
        flow.room(16.0);
        let y = flow.y;
        flow.page.text(
            MARGIN + 21.0,
            y + 10.0,
            10.0,
            format!("{}：{}", row.label, row.value),
        );
        flow.y = y + 15.0;
    }
    flow.y += 8.0;

    let qr_side = 30.0 * MM;
    for (i, (heading, text)) in notice.sections.iter().enumerate() {
        // The phone's section has the QR code of the notice's page on its right.
        let with_code = i == 1 && notice.phone_link.is_some();
        let text_width = if with_code {
            width - qr_side - 8.0
        } else {
            width
        };
        let lines = flow.page.wrap(text, SIZE, text_width - 21.0).len() as f32;
        let height = 18.0 + lines * LEADING;
        flow.room(if with_code {
            height.max(qr_side + 14.0)
        } else {
            height
        });
        let top = flow.y;
        flow.page.text(MARGIN, top + 11.0, 11.0, heading.clone());
        let end = flow.page.paragraph(
            MARGIN + 21.0,
            top + 16.0,
            SIZE,
            LEADING,
            text_width - 21.0,
            text,
        );
        flow.y = end + 6.0;
        if with_code && let Some(link) = &notice.phone_link {
            let x = MARGIN + width - qr_side;
            flow.page.qr(x, top, qr_side, link);
            let (size, caption) = flow
                .page
                .fit(&notice.phone_caption, 7.5, 6.0, qr_side + 10.0);
            let w = flow.page.measure(&caption, size);
            flow.page
                .text(x + (qr_side - w) / 2.0, top + qr_side + size, size, caption);
            flow.y = flow.y.max(top + qr_side + 14.0);
        }
    }

    // The counter's seal: room for a real 公章 (see `SEAL`).
    flow.room(SEAL + 54.0);
    let y = flow.y + 4.0;
    let page = &mut flow.page;
    page.text(MARGIN + 21.0, y + 12.0, SIZE, notice.closing.clone());
    let seal_x = MARGIN + width - SEAL;
    page.dashed_rect(seal_x, y + 4.0, SEAL, SEAL);
    let seal = page.measure(&notice.seal, 9.0);
    page.text(
        seal_x + (SEAL - seal) / 2.0,
        y + 4.0 + SEAL / 2.0 + 3.0,
        9.0,
        notice.seal.clone(),
    );
    page.right(seal_x - 10.0, y + SEAL - 4.0, SIZE, &notice.ca_name);
    page.text(
        MARGIN,
        y + SEAL + 38.0,
        11.0,
        notice.acknowledgement.clone(),
    );
    flow.y = y + SEAL + 50.0;

    let mut pages = flow.finish();
    if let Some(mark) = &notice.demo {
        for page in &mut pages {
            page.demo_band(mark, DEMO_BASELINE);
        }
    }
    super::sheet::mark_continued(&mut pages, &notice.continued);
    stamp_codes(&mut pages, &notice.code);
    super::sheet::finish_pages(pages, &notice.title)
}
