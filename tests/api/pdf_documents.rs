//! Every document, rendered with the font built into the program and no system font at
//! all (as on a fresh machine), read back with poppler's `pdftotext` and `pdfinfo`. The
//! rendered files stay in `target/tmp/pdf_documents/` for a person to look at.

use std::path::PathBuf;
use std::process::Command;

use ca_counter::domain::{DocCode, DocKind, DocSubject};
use ca_counter::domain::{Scanned, read_codes};
use ca_counter::server::pdf::{
    self, ApplicationForm, Fonts, FormRow, InvoiceDocument, InvoiceLabels, InvoiceParty,
    MailingCaptions, MailingLabel, MailingSheet, OfficeBlock, PageCode,
};

/// The built-in font alone: no system font is looked at.
fn fonts() -> Fonts {
    Fonts::builtin_only().expect("the built-in font loads")
}

/// Where a test leaves its PDF: under the target directory, so it outlives the run.
pub(crate) fn artifact(name: &str) -> PathBuf {
    // A folder per test (libtest names each test's thread after it): a test's SQLite and
    // PostgreSQL runs go at once and make the same order numbers, each database counting
    // from 1, so files named after an order would be written over by the other run.
    let test = std::thread::current()
        .name()
        .unwrap_or("unnamed")
        .replace("::", "-");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("pdf_documents")
        .join(test);
    std::fs::create_dir_all(&dir).expect("create artifact dir");
    dir.join(name)
}

/// Writes `bytes` to `name` and returns its text as `pdftotext -layout` reads it.
pub(crate) fn text_of(name: &str, bytes: &[u8]) -> String {
    let path = artifact(name);
    std::fs::write(&path, bytes).expect("write pdf");
    let output = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(
        output.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The page count `pdfinfo` reports for the PDF written as `name`.
fn pages_of(name: &str) -> usize {
    let output = Command::new("pdfinfo")
        .arg(artifact(name))
        .output()
        .expect("pdfinfo (poppler-utils) must be installed");
    assert!(output.status.success(), "pdfinfo failed");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo names the page count")
}

fn labels() -> InvoiceLabels {
    InvoiceLabels {
        buyer: "购买方信息".into(),
        seller: "销售方信息".into(),
        name: "名称".into(),
        tax_number: "统一社会信用代码/纳税人识别号".into(),
        address_phone: "地址、电话".into(),
        bank_account: "开户行及账号".into(),
        item: "项目名称".into(),
        spec: "规格型号".into(),
        unit: "单位".into(),
        quantity: "数量".into(),
        unit_price: "单价".into(),
        amount: "金额".into(),
        tax_rate: "税率/征收率".into(),
        tax: "税额".into(),
        subtotal: "合计".into(),
        total_in_words: "价税合计（大写）".into(),
        total_small: "（小写）".into(),
        remarks: "备注".into(),
        issuer: "开票人".into(),
        invoice_no: "发票号码".into(),
        issued_on: "开票日期".into(),
        check_code: "校验码".into(),
    }
}

fn company_invoice() -> InvoiceDocument {
    InvoiceDocument {
        title: "电子发票（增值税专用发票）".into(),
        invoice_no: "26432000000012345678".into(),
        issued_on: "2026年11月28日".into(),
        seller: InvoiceParty {
            name: "湖南省数字认证服务中心有限公司".into(),
            tax_number: "91430100MA4L123456".into(),
        },
        buyer: InvoiceParty {
            name: "长沙市芙蓉区星辰网络科技有限责任公司".into(),
            tax_number: "91430102MA4QXYZ12K".into(),
        },
        labels: labels(),
        item_name: "*信息技术服务*数字证书服务费".into(),
        item_spec: "机构证书（1年）".into(),
        unit: "项".into(),
        quantity: "1".into(),
        unit_price: "283.02".into(),
        amount: "283.02".into(),
        tax_rate: "6%".into(),
        tax: "16.98".into(),
        total: "¥300.00".into(),
        total_capital: "叁佰元整".into(),
        remarks: "订单号 HN20261128000001\n购买方地址、电话：湖南省长沙市芙蓉区五一大道389号华美欧国际大厦23楼2305室 0731-84561234\n\
                  购买方开户行及账号：招商银行长沙分行营业部 731908888810001"
            .into(),
        issuer: "李明".into(),
        check_code: "12345678901234567890".into(),
        qr_payload: "01,32,,26432000000012345678,283.02,20261128,12345678901234567890".into(),
        demo: None,
    }
}

#[test]
fn the_invoice_names_buyer_seller_item_and_total() {
    let bytes = pdf::invoice(&fonts(), &company_invoice())
        .expect("render invoice")
        .bytes;
    assert!(bytes.starts_with(b"%PDF-"));
    let text = text_of("invoice.pdf", &bytes);
    for expected in [
        "长沙市芙蓉区星辰网络科技有限责任公司",
        "91430102MA4QXYZ12K",
        "26432000000012345678",
        "300.00",
        "叁佰元整",
        "湖南省数字认证服务中心有限公司",
        "数字证书服务费",
        "283.02",
        "16.98",
        "HN20261128000001",
        "李明",
        "12345678901234567890",
        "731908888810001",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    assert_eq!(pages_of("invoice.pdf"), 1);
    // Its own page, 241 × 140 mm, not half an empty A4.
    let size = page_size("invoice.pdf");
    assert!(
        (size.0 - 683.1).abs() < 1.0 && (size.1 - 396.9).abs() < 1.0,
        "{size:?}"
    );
    // The checker's code reads back.
    let png = rasterise("invoice.pdf", 150).remove(0);
    let codes = qr_texts(&png);
    assert!(
        codes
            .iter()
            .any(|c| c.starts_with("01,32,,26432000000012345678,283.02,20261128")),
        "{codes:?}"
    );
}

#[test]
fn a_demo_invoice_says_it_is_no_tax_invoice() {
    let mut doc = company_invoice();
    doc.demo = Some("演示样例 · 非税务发票  DEMO — NOT A TAX INVOICE".into());
    let bytes = pdf::invoice(&fonts(), &doc).expect("render invoice").bytes;
    let text = text_of("invoice_demo.pdf", &bytes);
    let squeezed: String = text.split_whitespace().collect();
    assert!(squeezed.contains("非税务发票"), "{text}");
    assert!(squeezed.contains("NOTATAXINVOICE"), "{text}");
    preview("invoice_demo.pdf");
}

#[test]
fn a_private_buyer_without_address_or_bank_still_gets_an_invoice() {
    let mut doc = company_invoice();
    doc.title = "电子发票（普通发票）".into();
    doc.buyer = InvoiceParty {
        name: "欧阳娜娜".into(),
        tax_number: String::new(),
    };
    doc.remarks = "订单号 HN20261128000001".into();
    let bytes = pdf::invoice(&fonts(), &doc).expect("render invoice").bytes;
    let text = text_of("invoice_private.pdf", &bytes);
    assert!(text.contains("欧阳娜娜"), "{text}");
    assert!(text.contains("电子发票（普通发票）"), "{text}");
}

const SURNAMES: [&str; 10] = ["赵", "钱", "孙", "李", "周", "吴", "郑", "王", "冯", "陈"];
const GIVEN: [&str; 10] = [
    "一鸣", "二丫", "三省", "四海", "五岳", "六合", "七星", "八方", "九歌", "十全",
];

/// A batch of `n` parcels with distinct order numbers and recipients; every third address
/// is long enough to wrap.
fn batch(n: usize) -> MailingSheet {
    let labels = (1..=n)
        .map(|i| MailingLabel {
            order_no: format!("HN20261128{i:06}"),
            recipient: format!("{}{}", SURNAMES[i % 10], GIVEN[(i / 10) % 10]),
            phone: format!("1380731{i:04}"),
            address: if i % 3 == 0 {
                format!(
                    "湖南省湘西土家族苗族自治州吉首市乾州街道世纪大道与人民北路交叉口东北角\
                     湘西州政务服务中心综合楼第{i}层东侧走廊尽头数字证书受理窗口旁边的资料室"
                )
            } else {
                format!("湖南省长沙市岳麓区麓山南路{i}号")
            },
            postal_code: "410082".into(),
            product: "个人证书（1年）".into(),
            // Every fourth paid only at the sandbox cashier.
            demo: (i % 4 == 0).then(|| "演示订单·未实际收款".into()),
        })
        .collect();
    MailingSheet {
        demo: (n >= 4).then(|| "样例 · 演示 SAMPLE — DEMO".into()),
        ca_name: "湖南CA".into(),
        title: "邮寄清单".into(),
        printed_at: "打印时间 2026-11-28 15:30".into(),
        labels,
        captions: MailingCaptions {
            recipient: "收件人".into(),
            phone: "电话".into(),
            address: "地址".into(),
            postal_code: "邮编".into(),
            order_no: "订单号".into(),
            product: "产品".into(),
            count: "共 {0} 件".into(),
            sender: "寄件人：湖南CA 长沙受理中心 长沙市岳麓区麓谷大道627号 0731-88886666".into(),
            page_of: "第 {0} 页 共 {1} 页".into(),
            handover: "交接人签字：______    揽件员签字：______    日期：____".into(),
            continued: "{0}（续）".into(),
        },
    }
}

/// A parcel paid only at the sandbox cashier says so on its label and its list row, the
/// list's pages carry the demo mark and their numbers; a real parcel's label says nothing.
#[test]
fn a_demo_parcel_says_so_on_its_label_and_the_list() {
    let sheet = batch(9);
    let bytes = pdf::mailing_sheet(&fonts(), &sheet)
        .expect("render mailing sheet")
        .bytes;
    let text = text_of("mailing_demo.pdf", &bytes);
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let squeezed = |page: &str| page.split_whitespace().collect::<String>();
    // The list: parcels 4 and 8 are demo orders, marked under their numbers.
    let list = squeezed(pages[0]);
    assert_eq!(list.matches("演示订单·未实际收款").count(), 2, "{list}");
    assert!(
        list.contains("第1页共3页") && list.contains("交接人签字"),
        "{list}"
    );
    // The first label page: parcels 1–8, two of them demo orders; the second, parcel 9.
    let labels = squeezed(pages[1]);
    assert_eq!(labels.matches("演示订单·未实际收款").count(), 2, "{labels}");
    assert!(!squeezed(pages[2]).contains("演示订单"), "{}", pages[2]);
    // Each page of labels says when it was printed, as the list does in its head.
    for page in &pages[1..=2] {
        assert!(squeezed(page).contains("打印时间2026-11-28"), "{page}");
    }
    // A long batch numbers each of its pages.
    let sheet = batch(50);
    let bytes = pdf::mailing_sheet(&fonts(), &sheet)
        .expect("render mailing sheet")
        .bytes;
    let text = squeezed(&text_of("mailing_demo_50.pdf", &bytes));
    // A list page after the first says what it continues, and when it was printed.
    let raw = text_of("mailing_demo_50.pdf", &bytes);
    let second: String = raw
        .split('\u{c}')
        .nth(1)
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert!(
        second.contains("湖南CA邮寄清单（续）") && second.contains("打印时间2026-11-28"),
        "{second}"
    );
    // Every page of the batch, list and labels, numbered of all of them.
    let count = pages_of("mailing_demo_50.pdf");
    assert!(count >= 2 + 7, "{count} pages");
    for n in 1..=count {
        assert!(
            text.contains(&format!("第{n}页共{count}页")),
            "page {n}: {text}"
        );
    }
}

#[test]
fn nine_parcels_make_one_list_page_and_two_label_pages() {
    let sheet = batch(9);
    let bytes = pdf::mailing_sheet(&fonts(), &sheet)
        .expect("render mailing sheet")
        .bytes;
    let text = text_of("mailing_9.pdf", &bytes);
    assert_eq!(pages_of("mailing_9.pdf"), 3, "1 list page + 2 label pages");
    let squeezed: String = text.split_whitespace().collect();
    assert!(squeezed.contains("共9件"), "{text}");
    for label in &sheet.labels {
        assert_eq!(
            text.matches(&label.order_no).count(),
            2,
            "{} once in the list and once on its label:\n{text}",
            label.order_no
        );
        assert_eq!(
            text.matches(&label.recipient).count(),
            2,
            "{} once in the list and once on its label:\n{text}",
            label.recipient
        );
    }
    // pdftotext ends each page with a form feed: the list, eight labels, one label.
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let on_page = |page: &str| {
        sheet
            .labels
            .iter()
            .filter(|l| page.contains(&l.order_no))
            .count()
    };
    assert_eq!(on_page(pages[0]), 9);
    assert_eq!(on_page(pages[1]), 8);
    assert_eq!(on_page(pages[2]), 1);
}

#[test]
fn one_parcel_makes_one_list_page_and_one_label_page() {
    let bytes = pdf::mailing_sheet(&fonts(), &batch(1))
        .expect("render mailing sheet")
        .bytes;
    let text = text_of("mailing_1.pdf", &bytes);
    assert_eq!(pages_of("mailing_1.pdf"), 2);
    assert_eq!(text.matches("HN20261128000001").count(), 2, "{text}");
}

#[test]
fn fifty_parcels_flow_over_as_many_pages_as_they_need() {
    let sheet = batch(50);
    let bytes = pdf::mailing_sheet(&fonts(), &sheet)
        .expect("render mailing sheet")
        .bytes;
    let text = text_of("mailing_50.pdf", &bytes);
    let pages = pages_of("mailing_50.pdf");
    // Seven label pages (8 + … + 2) after a list of at least two pages.
    assert!(pages >= 2 + 7, "{pages} pages");
    for label in &sheet.labels {
        assert_eq!(
            text.matches(&label.order_no).count(),
            2,
            "{}",
            label.order_no
        );
    }
    let squeezed: String = text.split_whitespace().collect();
    assert!(squeezed.contains("共50件"));
}

#[test]
fn a_label_keeps_its_product_readable_and_its_house_number() {
    let mut sheet = batch(1);
    sheet.labels[0].recipient = "湖南省湘西土家族苗族自治州吉首市乾州街道综合服务中心张三丰".into();
    sheet.labels[0].address = format!(
        "{}麓山南路932号",
        "湖南省湘西土家族苗族自治州吉首市乾州街道世纪大道与人民北路交叉口东北角".repeat(3)
    );
    sheet.labels[0].product = "湘潭市公共资源交易系统 机构证书（1年）含电子签章".into();
    let bytes = pdf::mailing_sheet(&fonts(), &sheet)
        .expect("render mailing sheet")
        .bytes;
    let text = text_of("mailing_long.pdf", &bytes);
    let label_page = text.split('\u{c}').nth(1).unwrap_or_default();
    let squeezed: String = label_page.split_whitespace().collect();
    assert!(squeezed.contains("麓山南路932号"), "{label_page}");
    assert!(squeezed.contains("含电子签章"), "{label_page}");
    assert!(squeezed.contains("张三丰"), "{label_page}");
    assert!(!label_page.contains('…'), "{label_page}");
    // The product line is never set under 8 points.
    let smallest = font_sizes("mailing_long.pdf", "电子签章");
    assert!(smallest.iter().all(|s| *s >= 7.9), "{smallest:?}");
    preview("mailing_long.pdf");
}

/// The sizes of the text runs of page 2 that contain `needle`, as `pdftotext -bbox` reads
/// them (the height of each word's box).
fn font_sizes(name: &str, needle: &str) -> Vec<f32> {
    let output = Command::new("pdftotext")
        .args(["-bbox", "-f", "2", "-l", "2"])
        .arg(artifact(name))
        .arg("-")
        .output()
        .expect("pdftotext");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.contains("<word") && needle.chars().any(|c| l.contains(c)))
        .filter_map(|l| {
            let attr = |key: &str| -> Option<f32> {
                let start = l.find(&format!("{key}=\""))? + key.len() + 2;
                l[start..].split('"').next()?.parse().ok()
            };
            Some(attr("yMax")? - attr("yMin")?)
        })
        .collect()
}

/// Width and height in points of the first page of `name`.
fn page_size(name: &str) -> (f32, f32) {
    let output = Command::new("pdfinfo")
        .arg(artifact(name))
        .output()
        .expect("pdfinfo");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("Page size:"))
        .unwrap_or_default()
        .to_owned();
    let numbers: Vec<f32> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

/// The pages of `name` as PNG files at `dpi`.
pub(crate) fn rasterise(name: &str, dpi: u32) -> Vec<PathBuf> {
    rasterise_path(&artifact(name), dpi)
}

/// The pages of the PDF at `path` as PNG files at `dpi`, beside it.
pub(crate) fn rasterise_path(path: &std::path::Path, dpi: u32) -> Vec<PathBuf> {
    let stem = path.with_extension("");
    let prefix = format!("{}-{dpi}dpi", stem.display());
    let pages_of = |dir: &std::path::Path, prefix: &str| -> Vec<PathBuf> {
        let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("read dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&format!("{prefix}-")) && n.ends_with(".png"))
            })
            .collect();
        pages.sort();
        pages
    };
    let dir = path.parent().expect("a directory");
    let file_prefix = std::path::Path::new(&prefix)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned();
    // Pages of an earlier, longer version of the document are not this one's.
    for old in pages_of(dir, &file_prefix) {
        let _ = std::fs::remove_file(old);
    }
    let status = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-png"])
        .arg(path)
        .arg(&prefix)
        .status()
        .expect("pdftoppm (poppler-utils) must be installed");
    assert!(status.success(), "pdftoppm failed");
    pages_of(dir, &file_prefix)
}

/// A 60-dpi picture of each page, for a person to look at.
pub(crate) fn preview(name: &str) {
    rasterise(name, 60);
}

/// Every QR code's text on a PNG page.
pub(crate) fn qr_texts(png: &std::path::Path) -> Vec<String> {
    let image = image::open(png).expect("png").into_luma8();
    let (w, h) = (image.width() as usize, image.height() as usize);
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        image.get_pixel(x as u32, y as u32)[0]
    });
    prepared
        .detect_grids()
        .iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

#[test]
fn a_long_form_numbers_each_page_in_its_code() {
    let rows = (1..=40)
        .map(|i| FormRow::Text {
            label: format!("第{i}项"),
            value: "湖南省长沙市岳麓区麓山南路932号".repeat(1 + i % 3),
        })
        .collect();
    let form = ApplicationForm {
        ca_name: "湖南CA".into(),
        title: "数字证书申请表（机构）".into(),
        reference: "订单号 HN20261203000009".into(),
        date: "打印日期 2026-12-03".into(),
        code: Some(PageCode {
            kind: DocKind::Form,
            subject: DocSubject::Order("HN20261203000009".into()),
            caption: "{0} 第{1}/{2}页".into(),
            edition: Some("K3Q9".into()),
        }),
        rows,
        declaration: "本单位声明：以上信息真实、准确、完整。".into(),
        signature: "经办人签字：".into(),
        date_blank: "日期：      年    月    日".into(),
        authorization: None,
        office: OfficeBlock {
            title: "以下由受理点填写".into(),
            cells: vec!["受理人签字：".into(), "审核意见：".into()],
        },
        footer: "受理人：李柜员".into(),
        demo: None,
        continued: pdf::Continued {
            title: "数字证书申请表（机构）（续）".into(),
            reference: "订单号 HN20261203000009".into(),
            page_of: "第 {0} 页 共 {1} 页".into(),
        },
    };
    let printed = pdf::application_form(&fonts(), &form).expect("render form");
    let text = text_of("form_long.pdf", &printed.bytes);
    assert!(!text.contains('…'), "{text}");
    // A second sheet read alone says what it continues and which it is.
    let sheets: Vec<String> = text
        .split('\u{c}')
        .map(|p| p.split_whitespace().collect())
        .collect();
    assert!(
        sheets[1].contains("数字证书申请表（机构）（续）")
            && sheets[1].contains("订单号HN20261203000009"),
        "{}",
        sheets[1]
    );
    assert!(
        sheets[0].contains("第1页共") && sheets[1].contains("第2页共"),
        "{text}"
    );
    let pages = rasterise("form_long.pdf", 100);
    assert!(pages.len() >= 2, "{} pages", pages.len());
    let count = pages.len() as u32;
    for (i, png) in pages.iter().enumerate() {
        let bytes = std::fs::read(png).expect("png");
        assert_eq!(
            read_codes(&bytes),
            Scanned::Codes(vec![DocCode {
                kind: DocKind::Form,
                subject: DocSubject::Order("HN20261203000009".into()),
                page: i as u32 + 1,
                pages: count,
                edition: Some("K3Q9".into()),
            }])
        );
    }
}

/// The receipt, the correction notice and the transfer slip print on a machine with no
/// font at all: the built-in one alone, every character drawn, the Chinese reading back.
#[test]
fn the_receipt_notice_and_slip_print_with_the_built_in_font_alone() {
    use ca_counter::server::pdf::{
        CorrectionNotice, FollowCode, Receipt, TransferSlip, correction_notice, receipt,
        transfer_slip,
    };
    let printed_receipt = receipt(
        &fonts(),
        &Receipt {
            ca_name: "湖南CA".into(),
            title: "受理回执".into(),
            order_no: "HN20261203000009".into(),
            order_label: "订单号".into(),
            code: code(DocKind::Receipt),
            rows: vec![
                row("申请人", "欧阳娜娜"),
                row("承诺寄出", "2026年12月8日（星期二）前"),
            ],
            follow: FollowCode {
                payload: "https://ca.example/orders/HN20261203000009".into(),
                caption: "扫码查看办理进度".into(),
            },
            notes: vec!["请核对邮寄地址：湖南省长沙市岳麓区麓山南路932号".into()],
            seal: "受理点盖章".into(),
            tear_off: "沿虚线剪开".into(),
            stub_title: "存根（受理点留存）".into(),
            stub_rows: vec![row("订单号", "HN20261203000009")],
            stub_signature: "申请人签收".into(),
            continued: Default::default(),
            at_counter: true,
            demo: None,
        },
    )
    .expect("render receipt");
    let printed_notice = correction_notice(
        &fonts(),
        &CorrectionNotice {
            ca_name: "湖南CA".into(),
            title: "补正材料一次性告知书".into(),
            notice_no: "BZHN20261203000009-1".into(),
            printed: "2026年12月3日".into(),
            code: code(DocKind::Notice),
            addressee: "欧阳娜娜：".into(),
            intro: "您的申请需补正以下材料：".into(),
            reasons: vec!["申请表未签字".into(), "邮寄地址缺少门牌号".into()],
            rows: vec![row("审核人", "赵审核")],
            sections: vec![("补正期限".into(), "2026年12月18日前".into())],
            phone_link: Some("https://ca.example/m/notice/abc".into()),
            phone_caption: "扫码在手机上补正".into(),
            closing: "特此告知。".into(),
            acknowledgement: "申请人签收：".into(),
            seal: "受理点盖章".into(),
            demo: None,
            continued: Default::default(),
        },
    )
    .expect("render notice");
    let printed_slip = transfer_slip(
        &fonts(),
        &TransferSlip {
            ca_name: "湖南CA".into(),
            title: "银行转账付款单".into(),
            reference: "HN20261203000009".into(),
            reference_label: "转账附言".into(),
            code: code(DocKind::Slip),
            rows: vec![
                row("收款户名", "湖南省数字认证服务中心有限公司"),
                row("金额", "¥200.00"),
            ],
            notes: vec!["转账后请上传凭证".into()],
            demo: None,
        },
    )
    .expect("render slip");
    for (name, printed, words) in [
        (
            "receipt_builtin.pdf",
            printed_receipt,
            ["受理回执", "欧阳娜娜", "存根"],
        ),
        (
            "notice_builtin.pdf",
            printed_notice,
            ["一次性告知书", "申请表未签字", "特此告知"],
        ),
        (
            "slip_builtin.pdf",
            printed_slip,
            ["银行转账付款单", "转账附言", "上传凭证"],
        ),
    ] {
        assert!(
            printed.unprintable.is_empty(),
            "{name}: {:?}",
            printed.unprintable
        );
        let text = text_of(name, &printed.bytes).replace(' ', "");
        for word in words {
            assert!(text.contains(word), "{name}: {word} missing from {text}");
        }
    }
}

/// A word and where it is: (page, word, xMin, yMin, xMax, yMax).
type WordBox = (usize, String, f32, f32, f32, f32);

/// A row of a document.
fn row(label: &str, value: &str) -> pdf::Row {
    pdf::Row {
        label: label.into(),
        value: value.into(),
    }
}

/// The corner code of a document of order HN20261203000009.
fn code(kind: DocKind) -> PageCode {
    PageCode {
        kind,
        subject: DocSubject::Order("HN20261203000009".into()),
        caption: "{0} 第{1}/{2}页".into(),
        edition: None,
    }
}

/// Every word of every page of `name` as `pdftotext -bbox` places it, with each page's
/// (width, height).
fn word_boxes(name: &str) -> (Vec<WordBox>, Vec<(f32, f32)>) {
    let output = Command::new("pdftotext")
        .arg("-bbox")
        .arg(artifact(name))
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let attr = |line: &str, key: &str| -> f32 {
        line.find(&format!(" {key}=\""))
            .and_then(|start| {
                line[start + key.len() + 3..]
                    .split('"')
                    .next()?
                    .parse()
                    .ok()
            })
            .unwrap_or(f32::NAN)
    };
    let (mut words, mut pages) = (Vec::new(), Vec::new());
    for line in text.lines().map(str::trim) {
        if line.starts_with("<page ") {
            pages.push((attr(line, "width"), attr(line, "height")));
        } else if line.starts_with("<word ") {
            let word = line
                .split('>')
                .nth(1)
                .and_then(|w| w.split('<').next())
                .unwrap_or_default()
                .to_owned();
            words.push((
                pages.len(),
                word,
                attr(line, "xMin"),
                attr(line, "yMin"),
                attr(line, "xMax"),
                attr(line, "yMax"),
            ));
        }
    }
    (words, pages)
}

/// Nothing of `name` is printed off its paper or in the 4.2 mm (12 pt) an office printer
/// leaves blank at every edge.
fn assert_on_the_paper(name: &str) {
    let (words, pages) = word_boxes(name);
    assert!(!words.is_empty(), "{name}: no text read");
    for (page, word, x0, y0, x1, y1) in words {
        let (width, height) = pages[page - 1];
        assert!(
            x0 >= 12.0 && y0 >= 12.0 && x1 <= width - 12.0 && y1 <= height - 12.0,
            "{name} page {page}: {word:?} at ({x0}, {y0})–({x1}, {y1}) on {width}×{height}"
        );
    }
}

/// A short customer's part with an organisation's long stub: one sheet, the tear-off line
/// raised so the stub fits under it (the stub had gone to a second sheet under a page
/// two-thirds empty).
#[test]
fn a_short_receipt_keeps_its_long_stub_on_the_same_sheet() {
    use ca_counter::server::pdf::{FollowCode, Receipt, receipt};
    let company = "湖南省长沙市岳麓区某某市政工程建设集团有限责任公司第三项目部";
    let printed = receipt(
        &fonts(),
        &Receipt {
            ca_name: "湖南CA".into(),
            title: "数字证书申请受理回执".into(),
            order_no: "HN20261203000041".into(),
            order_label: "订单号".into(),
            code: code(DocKind::Receipt),
            rows: vec![row("申请单位", company), row("金额", "¥500.00")],
            follow: FollowCode {
                payload: "https://ca.example/orders/HN20261203000041".into(),
                caption: "扫码查看办理进度".into(),
            },
            notes: vec!["谢谢。".into()],
            seal: "受理点（盖章）".into(),
            tear_off: "沿虚线剪开".into(),
            stub_title: "存根（受理点留存）".into(),
            stub_rows: (0..14).map(|i| row(&format!("项目{i}"), company)).collect(),
            stub_signature: "申请人签收：              日期：    年  月  日".into(),
            continued: ca_counter::server::pdf::Continued {
                title: "数字证书申请受理回执（续）".into(),
                reference: "订单号 HN20261203000041".into(),
                page_of: "第 {0} 页 共 {1} 页".into(),
            },
            at_counter: true,
            demo: None,
        },
    )
    .expect("render receipt");
    std::fs::write(artifact("receipt_long_stub.pdf"), &printed.bytes).expect("write");
    assert_eq!(pages_of("receipt_long_stub.pdf"), 1);
    assert_on_the_paper("receipt_long_stub.pdf");
    let text: String = text_of("receipt_long_stub.pdf", &printed.bytes)
        .split_whitespace()
        .collect();
    assert!(
        text.contains("沿虚线剪开") && text.contains("项目13") && text.contains("申请人签收"),
        "{text}"
    );
}

#[test]
fn long_names_and_addresses_stay_on_the_paper() {
    use ca_counter::server::pdf::{
        CorrectionNotice, FollowCode, Receipt, correction_notice, receipt,
    };
    let company = "湖南省长沙市岳麓区某某市政工程建设集团有限责任公司（联合体牵头人）第三项目部湘江新区分公司麓谷片区项目管理处";
    let street =
        "麓山南路 932 号湖南大学科技园创业大厦 B 座 17 楼 1703 室（进门左转第二间，前台代收）"
            .repeat(2);
    let mut rows = vec![
        row("申请单位", company),
        row("统一社会信用代码", "91430100MA4L0XXXXX"),
        row("经办人", "阿卜杜热合曼·买买提依明·艾合买提江"),
    ];
    rows.extend((0..12).map(|i| row(&format!("事项{i}"), "内容")));
    rows.push(row(
        "邮寄方式",
        &format!("邮寄 USB Key 至：{company} {street}"),
    ));
    let long_receipt = receipt(
        &fonts(),
        &Receipt {
            ca_name: "湖南CA".into(),
            title: "数字证书申请受理回执".into(),
            order_no: "HN20261203000009".into(),
            order_label: "订单号".into(),
            code: code(DocKind::Receipt),
            rows,
            follow: FollowCode {
                payload: "https://ca.example/orders/HN20261203000009".into(),
                caption: "扫码查看办理进度".into(),
            },
            notes: vec![
                street.clone(),
                street.clone(),
                street.clone(),
                "谢谢。".into(),
            ],
            seal: "受理点（盖章）".into(),
            tear_off: "沿虚线剪开".into(),
            stub_title: "存根（受理点留存）".into(),
            stub_rows: vec![
                row("订单号", "HN20261203000009"),
                row("申请人", company),
                row(
                    "产品",
                    "湘潭市公共资源交易系统 · 个人证书（一年） · ¥200.00",
                ),
            ],
            stub_signature: "申请人签收：              日期：    年  月  日".into(),
            continued: ca_counter::server::pdf::Continued {
                title: "数字证书申请受理回执（续）".into(),
                reference: "订单号 HN20261203000009".into(),
                page_of: "第 {0} 页 共 {1} 页".into(),
            },
            at_counter: true,
            demo: Some("样例 · 演示  SAMPLE — DEMO".into()),
        },
    )
    .expect("render receipt");
    std::fs::write(artifact("receipt_long.pdf"), &long_receipt.bytes).expect("write");
    assert_on_the_paper("receipt_long.pdf");
    // The stub went to a page of its own, whole, signature line included.
    assert_eq!(pages_of("receipt_long.pdf"), 2);
    let text = text_of("receipt_long.pdf", &long_receipt.bytes);
    let stub_page = text.split('\u{c}').nth(1).unwrap_or_default();
    assert!(
        stub_page.contains("存根") && stub_page.contains("申请人签收"),
        "{stub_page}"
    );
    // Read alone, the stub's sheet says what it continues and which it is.
    let squeezed: String = stub_page.split_whitespace().collect();
    assert!(
        squeezed.contains("数字证书申请受理回执（续）") && squeezed.contains("第2页共2页"),
        "{stub_page}"
    );

    let notice = correction_notice(
        &fonts(),
        &CorrectionNotice {
            ca_name: "湖南CA".into(),
            title: "补正材料一次性告知书".into(),
            notice_no: "BZHN20261203000009-1".into(),
            printed: "2026年12月3日".into(),
            code: code(DocKind::Notice),
            addressee: format!("{company}："),
            intro: "您的申请需补正以下材料：".into(),
            reasons: vec!["申请表未签字".into()],
            rows: vec![row("审核人", "赵审核")],
            sections: vec![("补正期限".into(), "2026年12月18日前".into())],
            phone_link: None,
            phone_caption: String::new(),
            closing: "特此告知。".into(),
            acknowledgement: "申请人签收：".into(),
            seal: "受理点盖章".into(),
            demo: Some("样例 · 演示  SAMPLE — DEMO".into()),
            continued: Default::default(),
        },
    )
    .expect("render notice");
    std::fs::write(artifact("notice_long.pdf"), &notice.bytes).expect("write");
    assert_on_the_paper("notice_long.pdf");
    // The addressee is there whole, down to its colon.
    let text: String = text_of("notice_long.pdf", &notice.bytes)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(text.contains(&format!("{company}：")), "{text}");
}
