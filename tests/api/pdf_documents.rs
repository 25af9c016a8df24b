//! Every document, rendered with the font built into the program and no system font at
//! all (as on a fresh machine), read back with poppler's `pdftotext` and `pdfinfo`. The
//! rendered files stay in `target/tmp/pdf_documents/` for a person to look at.

use std::path::PathBuf;
use std::process::Command;

use ca_counter::server::pdf::{
    self, ApplicationForm, Fonts, InvoiceDocument, InvoiceLabels, InvoiceParty, MailingCaptions,
    MailingLabel, MailingSheet, Receipt, Row,
};

/// The built-in font alone: no system font is looked at.
fn fonts() -> Fonts {
    Fonts::builtin_only().expect("the built-in font loads")
}

/// Where a test leaves its PDF: under the target directory, so it outlives the run.
fn artifact(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pdf_documents");
    std::fs::create_dir_all(&dir).expect("create artifact dir");
    dir.join(name)
}

/// Writes `bytes` to `name` and returns its text as `pdftotext -layout` reads it.
fn text_of(name: &str, bytes: &[u8]) -> String {
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
            address_phone: "长沙市岳麓区麓谷大道627号 0731-88886666".into(),
            bank_account: "中国建设银行长沙麓谷支行 43050178360800000123".into(),
        },
        buyer: InvoiceParty {
            name: "长沙市芙蓉区星辰网络科技有限责任公司".into(),
            tax_number: "91430102MA4QXYZ12K".into(),
            address_phone: "湖南省长沙市芙蓉区五一大道389号华美欧国际大厦23楼2305室 0731-84561234"
                .into(),
            bank_account: "招商银行长沙分行营业部 731908888810001".into(),
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
        remarks: "订单号 HN20261128000001".into(),
        issuer: "李明".into(),
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
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    assert_eq!(pages_of("invoice.pdf"), 1);
}

#[test]
fn a_private_buyer_without_address_or_bank_still_gets_an_invoice() {
    let mut doc = company_invoice();
    doc.title = "电子发票（普通发票）".into();
    doc.buyer = InvoiceParty {
        name: "欧阳娜娜".into(),
        tax_number: String::new(),
        address_phone: String::new(),
        bank_account: String::new(),
    };
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
        })
        .collect();
    MailingSheet {
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
        },
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

fn row(label: &str, value: &str) -> Row {
    Row {
        label: label.into(),
        value: value.into(),
    }
}

fn form(name: &str) -> ApplicationForm {
    ApplicationForm {
        ca_name: "湖南CA".into(),
        title: "数字证书申请表（个人）".into(),
        reference: "申请编号 SQ7F3K9QAB".into(),
        date: "打印日期 2026-12-03".into(),
        rows: vec![
            row("申请人姓名", name),
            row("身份证号", "11010519491231002X"),
            row("手机号码", "13812345678"),
            row("邮寄地址", "湖南省长沙市岳麓区麓山南路932号"),
            row("金额", "¥300.00"),
        ],
        declaration: "本人承诺所填信息真实有效。".into(),
        signature: "申请人签字".into(),
        date_blank: "日期：      年    月    日".into(),
        footer: "受理人 李柜员 · 客服热线 4006682666".into(),
    }
}

#[test]
fn the_application_form_and_receipt_print_with_no_system_font() {
    let printed = pdf::application_form(&fonts(), &form("欧阳娜娜")).expect("render form");
    assert!(printed.unprintable.is_empty());
    let text = text_of("form.pdf", &printed.bytes);
    for expected in [
        "数字证书申请表（个人）",
        "欧阳娜娜",
        "11010519491231002X",
        "麓山南路932号",
        "¥300.00",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    let receipt = Receipt {
        ca_name: "湖南CA".into(),
        title: "数字证书申请受理回执".into(),
        order_no: "HN20261203000001".into(),
        order_label: "订单号".into(),
        rows: vec![row("申请人", "喆堃珺")],
        notes: vec!["请保存本回执。".into()],
    };
    let printed = pdf::receipt(&fonts(), &receipt).expect("render receipt");
    let text = text_of("receipt.pdf", &printed.bytes);
    for expected in ["HN20261203000001", "喆堃珺", "请保存本回执"] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
}

#[test]
fn a_character_no_font_has_is_printed_as_its_code_point_and_named() {
    // 𪚥 (U+2A6A5) is in CJK Extension B, outside the built-in font.
    let printed = pdf::application_form(&fonts(), &form("张𪚥")).expect("render form");
    assert_eq!(printed.unprintable, vec!['𪚥']);
    assert_eq!(printed.unprintable_codes(), "U+2A6A5");
    let text = text_of("form_rare.pdf", &printed.bytes);
    assert!(text.contains("张[U+2A6A5]"), "{text}");
}
