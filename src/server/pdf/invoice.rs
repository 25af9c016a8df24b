//! The electronic invoice, laid out like a 数电票 on its own page (241 × 140 mm): the QR
//! code a checker scans in the top left, number, date and check code top right, buyer and
//! seller by name and tax number, the item, the totals, 备注 and the issuer.

use super::sheet::{Align, EDGE, MM, Sheet};
use super::text::{self, SMALLEST};
use super::{Fonts, Pdf, PdfError};

/// One side of an invoice: who buys or who sells. Addresses and bank accounts, when
/// asked for, go in the remarks, as on a 数电票.
pub struct InvoiceParty {
    /// Name of the person or organisation.
    pub name: String,
    /// Unified social credit code or taxpayer number; empty for a private person.
    pub tax_number: String,
}

/// Every fixed caption of an invoice, in the caller's language, so this module holds no
/// user-facing text.
pub struct InvoiceLabels {
    /// 购买方信息
    pub buyer: String,
    /// 销售方信息
    pub seller: String,
    /// 名称
    pub name: String,
    /// 统一社会信用代码/纳税人识别号
    pub tax_number: String,
    /// 地址、电话
    pub address_phone: String,
    /// 开户行及账号
    pub bank_account: String,
    /// 项目名称
    pub item: String,
    /// 规格型号
    pub spec: String,
    /// 单位
    pub unit: String,
    /// 数量
    pub quantity: String,
    /// 单价
    pub unit_price: String,
    /// 金额
    pub amount: String,
    /// 税率/征收率
    pub tax_rate: String,
    /// 税额
    pub tax: String,
    /// 合计
    pub subtotal: String,
    /// 价税合计（大写）
    pub total_in_words: String,
    /// （小写）
    pub total_small: String,
    /// 备注
    pub remarks: String,
    /// 开票人
    pub issuer: String,
    /// 发票号码
    pub invoice_no: String,
    /// 开票日期
    pub issued_on: String,
    /// 校验码
    pub check_code: String,
}

/// What an electronic invoice (全电发票) shows: one line item, as the counter sells one
/// certificate per order.
pub struct InvoiceDocument {
    /// 电子发票（普通发票） or 电子发票（增值税专用发票）
    pub title: String,
    /// The 20-digit invoice number.
    pub invoice_no: String,
    /// Date of issue, e.g. 2026年11月28日.
    pub issued_on: String,
    /// Who sells: the CA.
    pub seller: InvoiceParty,
    /// Who buys.
    pub buyer: InvoiceParty,
    /// The fixed captions.
    pub labels: InvoiceLabels,
    /// Item with its tax category, e.g. *信息技术服务*数字证书服务费.
    pub item_name: String,
    /// Specification: the product, e.g. 个人证书（1年）.
    pub item_spec: String,
    /// Unit, e.g. 项.
    pub unit: String,
    /// Quantity, e.g. 1.
    pub quantity: String,
    /// Unit price before tax, e.g. 283.02.
    pub unit_price: String,
    /// Amount before tax, e.g. 283.02.
    pub amount: String,
    /// Tax rate, e.g. 6%.
    pub tax_rate: String,
    /// Tax, e.g. 16.98.
    pub tax: String,
    /// Total with tax in figures, e.g. ¥300.00.
    pub total: String,
    /// Total with tax in capital numerals, e.g. 叁佰元整.
    pub total_capital: String,
    /// Remarks, e.g. the order number.
    pub remarks: String,
    /// Who issued the invoice: the operator's name.
    pub issuer: String,
    /// The check code (校验码) the provider gave; empty when it gives none.
    pub check_code: String,
    /// What the QR code in the top left holds: the fields a checker reads (number, date,
    /// amount, check code), as the provider gives them.
    pub qr_payload: String,
    /// The demo mark, when the invoice is not a tax invoice (built-in numbering or the
    /// placeholder seller).
    pub demo: Option<String>,
}

/// The page: 241 × 140 mm, as a 数电票 prints; taller only when the remarks need it.
const PAGE_WIDTH: f32 = 241.0 * MM;
const PAGE_HEIGHT: f32 = 140.0 * MM;
/// Margin of the invoice.
const INVOICE_MARGIN: f32 = EDGE;
/// Side of the QR code, quiet zone included.
const QR_SIDE: f32 = 21.0 * MM;

/// `amount` with a yuan sign in front, unless it has one already.
fn yuan(amount: &str) -> String {
    if amount.starts_with('¥') || amount.is_empty() {
        amount.to_owned()
    } else {
        format!("¥{amount}")
    }
}

/// Renders an electronic invoice on its own page, laid out like a 数电票.
pub fn invoice(fonts: &Fonts, doc: &InvoiceDocument) -> Result<Pdf, PdfError> {
    const WIDTH: f32 = PAGE_WIDTH;
    let mut sheet = Sheet::with_size(fonts, PAGE_WIDTH, PAGE_HEIGHT);
    let labels = &doc.labels;
    let left = INVOICE_MARGIN;
    let right = WIDTH - INVOICE_MARGIN;
    let width = right - left;
    let top = INVOICE_MARGIN;

    // The checker's QR code top left, its modules at the margin (its quiet zone reaches
    // into it: the longer the payload, the more modules and the narrower the zone).
    let quiet = Sheet::qr_quiet(QR_SIDE, &doc.qr_payload);
    sheet.qr(left - quiet, top - quiet, QR_SIDE, &doc.qr_payload);

    // Number, date and check code top right; the title centred in the room left of them.
    let mut head = vec![
        format!("{}：{}", labels.invoice_no, doc.invoice_no),
        format!("{}：{}", labels.issued_on, doc.issued_on),
    ];
    if !doc.check_code.is_empty() {
        head.push(format!("{}：{}", labels.check_code, doc.check_code));
    }
    let head_size = 9.5;
    let head_width = head
        .iter()
        .map(|t| sheet.measure(t, head_size))
        .fold(0.0, f32::max)
        .min(width / 2.0 - 40.0);
    let head_x = right - head_width;
    for (i, line) in head.iter().enumerate() {
        let (size, line) = sheet.fit(line, head_size, SMALLEST, head_width);
        sheet.text(head_x, top + 10.0 + 15.0 * i as f32, size, line);
    }
    let half_room = (head_x - 16.0 - WIDTH / 2.0).min(WIDTH / 2.0 - left);
    let (title_size, title) = sheet.fit(&doc.title, 20.0, 10.0, 2.0 * half_room);
    let title_width = sheet.measure(&title, title_size);
    sheet.text((WIDTH - title_width) / 2.0, top + 26.0, title_size, title);
    let (under_left, under_right) = ((WIDTH - title_width) / 2.0, (WIDTH + title_width) / 2.0);
    sheet.line(under_left, top + 32.0, under_right, top + 32.0, 0.6);
    sheet.line(under_left, top + 35.0, under_right, top + 35.0, 0.6);

    let box_top = top + QR_SIDE - 2.0 * quiet + 6.0;
    let thin = 0.4;

    // Buyer and seller side by side, each with its caption standing in a narrow column.
    let caption_width = 22.0;
    let half = width / 2.0;
    let party_size = 9.0;
    let party_leading = 14.0;
    let party_text_width = half - caption_width - 12.0;
    let party_lines = |party: &InvoiceParty| -> Vec<(f32, String)> {
        let fields = vec![
            (&labels.name, &party.name),
            (&labels.tax_number, &party.tax_number),
        ];
        fields
            .into_iter()
            .flat_map(|(label, value)| {
                text::field_lines(
                    &sheet.fonts,
                    &format!("{label}：{value}"),
                    party_size,
                    7.5,
                    party_text_width,
                )
            })
            .collect()
    };
    let buyer = party_lines(&doc.buyer);
    let seller = party_lines(&doc.seller);
    let caption_chars = labels
        .buyer
        .chars()
        .count()
        .max(labels.seller.chars().count()) as f32;
    let party_height = (buyer.len().max(seller.len()) as f32 * party_leading + 14.0)
        .max(caption_chars * 12.0 + 12.0);
    for (x, caption, lines) in [
        (left, &labels.buyer, &buyer),
        (left + half, &labels.seller, &seller),
    ] {
        sheet.vertical(
            x,
            caption_width,
            box_top,
            box_top + party_height,
            9.5,
            caption,
        );
        sheet.line(
            x + caption_width,
            box_top,
            x + caption_width,
            box_top + party_height,
            thin,
        );
        let first = box_top + (party_height - lines.len() as f32 * party_leading) / 2.0;
        for (i, (size, line)) in lines.iter().enumerate() {
            sheet.text(
                x + caption_width + 6.0,
                first + party_leading * i as f32 + party_size,
                *size,
                line.clone(),
            );
        }
    }
    sheet.line(
        left + half,
        box_top,
        left + half,
        box_top + party_height,
        thin,
    );
    let mut y = box_top + party_height;
    sheet.line(left, y, right, y, thin);

    // The item table: captions, the item, and the 合计 row at the foot of the detail area.
    let shares = [150.0, 86.0, 26.0, 30.0, 56.0, 60.0, 57.0, 58.0];
    let scale = width / shares.iter().sum::<f32>();
    let columns: Vec<(f32, f32)> = shares
        .iter()
        .scan(left, |x, w| {
            let column = (*x, w * scale);
            *x += w * scale;
            Some(column)
        })
        .collect();
    let captions = [
        &labels.item,
        &labels.spec,
        &labels.unit,
        &labels.quantity,
        &labels.unit_price,
        &labels.amount,
        &labels.tax_rate,
        &labels.tax,
    ];
    let table_top = y;
    let caption_height = 20.0;
    for ((x, w), caption) in columns.iter().zip(captions) {
        sheet.cell_line(*x, *w, y + 13.5, 9.0, caption, Align::Centre);
    }
    y += caption_height;
    sheet.line(left, y, right, y, thin);

    let size = 9.0;
    let leading = 13.0;
    let name_lines = sheet.wrap(&doc.item_name, size, columns[0].1 - 8.0);
    let spec_lines = sheet.wrap(&doc.item_spec, size, columns[1].1 - 8.0);
    for (lines, (x, _)) in [(&name_lines, columns[0]), (&spec_lines, columns[1])] {
        for (i, line) in lines.iter().enumerate() {
            sheet.text(x + 4.0, y + 14.0 + leading * i as f32, size, line.clone());
        }
    }
    let singles = [
        (2, doc.unit.as_str(), Align::Centre),
        (3, doc.quantity.as_str(), Align::Right),
        (4, doc.unit_price.as_str(), Align::Right),
        (5, doc.amount.as_str(), Align::Right),
        (6, doc.tax_rate.as_str(), Align::Centre),
        (7, doc.tax.as_str(), Align::Right),
    ];
    for (i, text, align) in singles {
        let (x, w) = columns[i];
        sheet.cell_line(x, w, y + 14.0, size, text, align);
    }
    let item_height = (name_lines.len().max(spec_lines.len()) as f32 * leading + 10.0).max(48.0);
    y += item_height;
    let subtotal_height = 20.0;
    let baseline = y + 13.5;
    sheet.cell_line(
        columns[0].0,
        columns[0].1,
        baseline,
        9.5,
        &labels.subtotal,
        Align::Centre,
    );
    let (x, w) = columns[5];
    sheet.cell_line(x, w, baseline, 9.5, &yuan(&doc.amount), Align::Right);
    let (x, w) = columns[7];
    sheet.cell_line(x, w, baseline, 9.5, &yuan(&doc.tax), Align::Right);
    y += subtotal_height;
    for (x, _) in columns.iter().skip(1) {
        sheet.line(*x, table_top, *x, y, thin);
    }
    sheet.line(left, y, right, y, thin);

    // 价税合计: capitals on the left, figures on the right.
    let total_height = 24.0;
    let baseline = y + 16.0;
    let (x, w) = columns[0];
    sheet.cell_line(x, w, baseline, 9.5, &labels.total_in_words, Align::Centre);
    sheet.line(x + w, y, x + w, y + total_height, thin);
    let small_x = columns[4].0;
    sheet.cell_line(
        x + w,
        small_x - x - w,
        baseline,
        11.0,
        &doc.total_capital,
        Align::Left,
    );
    let small = format!("{}{}", labels.total_small, yuan(&doc.total));
    sheet.cell_line(
        small_x,
        right - small_x,
        baseline,
        11.0,
        &small,
        Align::Left,
    );
    y += total_height;
    sheet.line(left, y, right, y, thin);

    // 备注, captioned like the parties.
    let remark_width = width - caption_width - 12.0;
    let remark_lines = sheet.wrap(&doc.remarks, 9.0, remark_width);
    let remark_height = (remark_lines.len() as f32 * party_leading + 14.0)
        .max(labels.remarks.chars().count() as f32 * 12.0 + 20.0);
    sheet.vertical(
        left,
        caption_width,
        y,
        y + remark_height,
        9.5,
        &labels.remarks,
    );
    sheet.line(
        left + caption_width,
        y,
        left + caption_width,
        y + remark_height,
        thin,
    );
    for (i, line) in remark_lines.iter().enumerate() {
        sheet.text(
            left + caption_width + 6.0,
            y + 7.0 + party_leading * i as f32 + 9.0,
            9.0,
            line.clone(),
        );
    }
    y += remark_height;
    sheet.rect(left, box_top, width, y - box_top, 0.8);

    let (size, issuer) = sheet.fit(
        &format!("{}：{}", labels.issuer, doc.issuer),
        10.0,
        SMALLEST,
        half,
    );
    sheet.text(left + 4.0, y + 20.0, size, issuer);
    // A long remark makes the page taller, never cut; a demo's level mark gets a line of
    // its own under the issuer, above the margin.
    let foot = if doc.demo.is_some() { 14.0 } else { 0.0 };
    sheet.height = sheet.height.max(y + 20.0 + foot + INVOICE_MARGIN);
    if let Some(mark) = &doc.demo {
        let level_at = sheet.height - INVOICE_MARGIN - 2.0;
        sheet.demo_band(mark, level_at);
    }
    sheet.finish(&doc.title)
}
