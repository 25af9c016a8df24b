//! The mailing list for the post office and the labels to stick on the parcels.

use super::sheet::{
    A4_HEIGHT as HEIGHT, A4_WIDTH as WIDTH, Align, DEMO_BASELINE, EDGE, FOOT_BASELINE, Sheet,
};
use super::text::{self, SMALLEST};
use super::{Fonts, Pdf, PdfError};

/// One parcel to post: a certificate key or card going to its applicant.
pub struct MailingLabel {
    /// The order it belongs to.
    pub order_no: String,
    /// Who receives it.
    pub recipient: String,
    /// The recipient's telephone.
    pub phone: String,
    /// The full postal address.
    pub address: String,
    /// Postal code.
    pub postal_code: String,
    /// What is in the parcel, e.g. 个人证书（1年）.
    pub product: String,
    /// The label's marks on it and its list row: a demo order's (演示订单·未实际收款 when no
    /// money came in), so no real certificate goes out for it; 改址重打 for one printed again
    /// after its address was corrected.
    pub demo: Option<String>,
}

/// The fixed captions of a mailing sheet, in the caller's language.
pub struct MailingCaptions {
    /// 收件人
    pub recipient: String,
    /// 电话
    pub phone: String,
    /// 地址
    pub address: String,
    /// 邮编
    pub postal_code: String,
    /// 订单号
    pub order_no: String,
    /// 产品
    pub product: String,
    /// Count line with `{0}` for the number of parcels, e.g. `共 {0} 件`.
    pub count: String,
    /// The small sender line on each label, e.g. 寄件人：湖南CA 长沙受理点 0731-8888xxxx.
    pub sender: String,
    /// The batch's page numbers, with `{0}` and `{1}`, e.g. 第 {0} 页 共 {1} 页.
    pub page_of: String,
    /// Under the list: who handed the parcels over and who took them, e.g.
    /// 交接人签字：…  揽件员签字：…  日期：.
    pub handover: String,
    /// The head of a list page after the first, with `{0}` for the list's title, e.g.
    /// `{0}（续）`: a sheet read alone says what it continues.
    pub continued: String,
}

/// A batch of parcels: the list for the post office, then the labels to stick on.
pub struct MailingSheet {
    /// The CA.
    pub ca_name: String,
    /// 邮寄清单
    pub title: String,
    /// When it was printed, e.g. 打印时间 2026-11-28 15:30.
    pub printed_at: String,
    /// The parcels, in the order to list them.
    pub labels: Vec<MailingLabel>,
    /// The fixed captions.
    pub captions: MailingCaptions,
    /// The demo mark of the list's pages, when a parcel of it is a demo order.
    pub demo: Option<String>,
}

/// Margin of the mailing list pages.
const LIST_MARGIN: f32 = 40.0;
/// Margins of the label pages — clear of the edge a printer leaves blank, and at the foot
/// of the page's number — and the gap between labels.
const LABEL_MARGIN: f32 = EDGE + 2.0;
const LABEL_FOOT: f32 = EDGE + 16.0;
const LABEL_GAP: f32 = 12.0;
/// Labels across and down an A4 page.
const LABELS_ACROSS: usize = 2;
const LABELS_DOWN: usize = 4;

/// Renders the mailing list (as many pages as it takes) followed by the labels, eight to a
/// page.
pub fn mailing_sheet(fonts: &Fonts, batch: &MailingSheet) -> Result<Pdf, PdfError> {
    let mut pages = mailing_list(fonts, batch);
    let list_pages = pages.len();
    // A list with a demo order on it says it is a demo.
    if let Some(mark) = &batch.demo {
        for page in &mut pages {
            page.demo_band(mark, DEMO_BASELINE);
        }
    }
    for chunk in batch.labels.chunks(LABELS_ACROSS * LABELS_DOWN) {
        let mut page = Sheet::new(fonts);
        for (i, label) in chunk.iter().enumerate() {
            mailing_label(
                &mut page,
                i % LABELS_ACROSS,
                i / LABELS_ACROSS,
                label,
                batch,
            );
        }
        pages.push(page);
    }
    // Handed over with the parcels: each page of the batch, list and labels, says which
    // it is of how many; a page of labels also says when it was printed (the list says so
    // in its head), so a sheet left on the table is told from a fresher print.
    let count = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        let numbers = batch
            .captions
            .page_of
            .replace("{0}", &(i + 1).to_string())
            .replace("{1}", &count.to_string());
        let foot = if i < list_pages {
            numbers
        } else {
            format!("{}    {numbers}", batch.printed_at)
        };
        page.centred(FOOT_BASELINE, 8.0, &foot);
    }
    super::sheet::finish_pages(pages, &batch.title)
}

/// The numbered list of all parcels, continued over as many pages as it needs.
fn mailing_list(fonts: &Fonts, batch: &MailingSheet) -> Vec<Sheet> {
    let captions = &batch.captions;
    let left = LIST_MARGIN;
    let right = WIDTH - LIST_MARGIN;
    let bottom = HEIGHT - LIST_MARGIN;
    let shares = [26.0, 104.0, 66.0, 80.0, 50.0];
    let mut columns: Vec<(f32, f32)> = Vec::new();
    let mut x = left;
    for w in shares {
        columns.push((x, w));
        x += w;
    }
    columns.push((x, right - x));
    let headers = [
        "#",
        captions.order_no.as_str(),
        captions.recipient.as_str(),
        captions.phone.as_str(),
        captions.postal_code.as_str(),
        captions.address.as_str(),
    ];
    let size = 9.0;
    let leading = 13.0;

    let mut pages = Vec::new();
    let mut page = Sheet::new(fonts);
    let heading = format!("{} {}", batch.ca_name, batch.title);
    let (heading_size, heading) = page.fit(&heading, 16.0, 10.0, right - left);
    page.centred(LIST_MARGIN + 18.0, heading_size, &heading);
    let count = captions
        .count
        .replace("{0}", &batch.labels.len().to_string());
    page.text(left, LIST_MARGIN + 42.0, 10.0, count);
    let (printed_size, printed) = page.fit(&batch.printed_at, 10.0, SMALLEST, (right - left) / 2.0);
    page.text(
        right - page.measure(&printed, printed_size),
        LIST_MARGIN + 42.0,
        printed_size,
        printed,
    );
    let mut table_top = LIST_MARGIN + 52.0;
    let mut y = list_header(&mut page, &columns, &headers, table_top, size);

    for (n, label) in batch.labels.iter().enumerate() {
        // The label's own mark, on its own line under the number.
        let order_no = match &label.demo {
            Some(mark) => format!("{}\n{mark}", label.order_no),
            None => label.order_no.clone(),
        };
        let cells = [
            (n + 1).to_string(),
            order_no,
            label.recipient.clone(),
            label.phone.clone(),
            label.postal_code.clone(),
            label.address.clone(),
        ];
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(&columns)
            .map(|(cell, (_, w))| page.wrap(cell, size, w - 8.0))
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        let height = lines as f32 * leading + 8.0;
        if y + height > bottom && y > table_top + 20.5 {
            list_frame(&mut page, &columns, table_top, y);
            pages.push(std::mem::replace(&mut page, Sheet::new(fonts)));
            let head = format!(
                "{}    {}",
                captions.continued.replace("{0}", &heading),
                batch.printed_at
            );
            let (head_size, head) = page.fit(&head, 10.0, SMALLEST, right - left);
            page.text(left, LIST_MARGIN + 10.0, head_size, head);
            table_top = LIST_MARGIN + 18.0;
            y = list_header(&mut page, &columns, &headers, table_top, size);
        }
        for (cell, (x, _)) in wrapped.iter().zip(&columns) {
            for (i, line) in cell.iter().enumerate() {
                page.text(
                    x + 4.0,
                    y + 4.0 + size + leading * i as f32,
                    size,
                    line.clone(),
                );
            }
        }
        y += height;
        page.line(left, y, right, y, 0.4);
    }
    list_frame(&mut page, &columns, table_top, y);
    // Who handed the parcels over and who took them: signed on the list.
    if y + 44.0 > bottom {
        pages.push(std::mem::replace(&mut page, Sheet::new(fonts)));
        y = LIST_MARGIN;
    }
    let (size, handover) = page.fit(&captions.handover, 10.5, SMALLEST, right - left);
    page.text(left, y + 34.0, size, handover);
    pages.push(page);
    pages
}

/// The caption row of the mailing list; returns where the rows start.
fn list_header(
    page: &mut Sheet,
    columns: &[(f32, f32)],
    headers: &[&str],
    top: f32,
    size: f32,
) -> f32 {
    for ((x, w), header) in columns.iter().zip(headers) {
        page.cell_line(*x, *w, top + 14.0, size, header, Align::Centre);
    }
    let y = top + 20.0;
    if let (Some((left, _)), Some((x, w))) = (columns.first(), columns.last()) {
        page.line(*left, y, x + w, y, 0.6);
    }
    y
}

/// The outline and column lines of the mailing list table from `top` to `bottom`.
fn list_frame(page: &mut Sheet, columns: &[(f32, f32)], top: f32, bottom: f32) {
    let (Some((left, _)), Some((x, w))) = (columns.first(), columns.last()) else {
        return;
    };
    page.rect(*left, top, x + w - left, bottom - top, 0.8);
    for (x, _) in columns.iter().skip(1) {
        page.line(*x, top, *x, bottom, 0.4);
    }
}

/// One label in column `across`, row `down` of a label page.
fn mailing_label(
    page: &mut Sheet,
    across: usize,
    down: usize,
    label: &MailingLabel,
    batch: &MailingSheet,
) {
    let captions = &batch.captions;
    let width = (WIDTH - 2.0 * LABEL_MARGIN - (LABELS_ACROSS - 1) as f32 * LABEL_GAP)
        / LABELS_ACROSS as f32;
    let height = (HEIGHT - LABEL_MARGIN - LABEL_FOOT - (LABELS_DOWN - 1) as f32 * LABEL_GAP)
        / LABELS_DOWN as f32;
    let x = LABEL_MARGIN + across as f32 * (width + LABEL_GAP);
    let y = LABEL_MARGIN + down as f32 * (height + LABEL_GAP);
    page.rect(x, y, width, height, 0.8);
    let pad = 12.0;
    let inner = width - 2.0 * pad;
    let left = x + pad;

    let mut postal_room = inner;
    if let Some(mark) = &label.demo {
        // Top right, boxed, beside the postal code: seen before the parcel is sealed.
        let (size, mark) = page.fit(mark, 9.0, SMALLEST, inner / 2.0);
        let w = page.measure(&mark, size);
        let right = left + inner;
        page.rect(right - w - 6.0, y + 11.0, w + 6.0, size + 6.0, 0.8);
        page.right(right - 3.0, y + 13.0 + size, size, &mark);
        postal_room = inner - w - 12.0;
    }
    let postal = format!("{} {}", captions.postal_code, label.postal_code);
    let (size, postal) = page.fit(&postal, 10.0, SMALLEST, postal_room);
    page.text(left, y + 22.0, size, postal);

    // The recipient large on one line, or smaller on two: never cut.
    let recipient = format!("{} {}", captions.recipient, label.recipient);
    let (size, lines) = text::fit_block(&page.fonts, &recipient, 16.0, 8.0, inner, 26.0, 1.15);
    let first = if lines.len() > 1 {
        y + 30.0 + size
    } else {
        y + 46.0
    };
    for (i, line) in lines.into_iter().enumerate() {
        page.text(left, first + size * 1.15 * i as f32, size, line);
    }

    let phone = format!("{} {}", captions.phone, label.phone);
    let (size, phone) = page.fit(&phone, 10.5, SMALLEST, inner);
    page.text(left, y + 67.0, size, phone);

    // The foot, bottom up: the sender; the order number; the product, wrapped on up to
    // two lines and never under 8 points; a rule. The address takes what is left.
    let product = format!("{} {}", captions.product, label.product);
    let product_size = product_size(page, &product, inner);
    let product_lines = page.wrap(&product, product_size, inner);
    let product_leading = product_size * 1.25;
    let order_baseline = y + height - 22.0;
    let product_top = order_baseline - 11.0 - product_leading * product_lines.len() as f32;
    for (i, line) in product_lines.into_iter().enumerate() {
        page.text(
            left,
            product_top + product_size + product_leading * i as f32,
            product_size,
            line,
        );
    }
    let order = format!("{} {}", captions.order_no, label.order_no);
    let (order_size, order) = page.fit(&order, 9.0, 8.0, inner);
    page.text(left, order_baseline, order_size, order);
    let rule = product_top - 4.0;
    page.line(left, rule, left + inner, rule, 0.4);

    // The address wraps, and shrinks rather than losing its end (the house number).
    let address = format!("{} {}", captions.address, label.address);
    let block_top = y + 73.0;
    let leading = 1.3;
    let (size, lines) = text::fit_block(
        &page.fonts,
        &address,
        10.5,
        7.0,
        inner,
        rule - 4.0 - block_top,
        leading,
    );
    for (i, line) in lines.into_iter().enumerate() {
        page.text(
            left,
            block_top + size + size * leading * i as f32,
            size,
            line,
        );
    }
    let (size, sender) = page.fit(&captions.sender, 7.5, SMALLEST, inner);
    page.text(left, y + height - 10.0, size, sender);
}

/// The size of the product line: 9 points, or down to 8 if that keeps it on two lines.
fn product_size(page: &Sheet, product: &str, width: f32) -> f32 {
    let mut size = 9.0;
    while size > 8.0 && page.wrap(product, size, width).len() > 2 {
        size -= 0.5;
    }
    size
}
