//! The 新申请 tab: the real-name QR code decodes under every theme, a walk-in goes from
//! mobile number to submitted order in the real binary (the test plays the phone), drafts
//! survive a killed terminal, and submitting twice makes one order.

use std::time::Duration;

use crate::common::{Db, TestApp};
use crate::pty::Tui;
use ca_counter::api::{AttachmentKind, OrderQuery, RealnameSession, RealnameStatus};
use ca_counter::domain::DraftId;
use ca_counter::domain::OrderStatus;
use ca_counter::i18n::Lang;
use ca_counter::tui::app::{self, App};
use ca_counter::tui::tabs::newapp::NewApp;
use ca_counter::tui::tabs::newapp::draft::{CustomerInfo, Draft, PaymentInfo, RealnameInfo, Step};
use ca_counter::tui::tabs::{self, Init};
use ca_counter::tui::{theme, widgets::qr};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

const WAIT: Duration = Duration::from_secs(15);
/// Printing draws a PDF with a CJK font on the platform: slower under a loaded CI.
const PRINT_WAIT: Duration = Duration::from_secs(60);

/// The 新申请 tab at the real-name step showing `url`.
fn realname_app(theme_name: &str, no_color: bool, url: &str) -> App {
    let theme = theme::load(theme_name, None, no_color).expect("theme");
    let mut app = App::new(
        Lang::ZhCn,
        theme,
        "https://ca-platform.internal".into(),
        time::OffsetDateTime::now_utc(),
        tabs::all(&Init::default()),
    );
    let expires = time::OffsetDateTime::now_utc() + time::Duration::minutes(10);
    set_drafts(
        &mut app,
        vec![Draft {
            id: draft("01a22342-0000-7000-8000-000000000001"),
            reference: "SQ7F3K9QAB".into(),
            step: Step::Realname,
            phone: "13812345678".into(),
            customer: Some(CustomerInfo {
                id: "c".into(),
                name: "张三".into(),
                phone: "13812345678".into(),
                verified: false,
                order_count: 0,
                earlier_check: None,
            }),
            realname: Some(RealnameInfo {
                session_id: "s".into(),
                url: url.into(),
                expires_at: expires
                    .format(&time::format_description::well_known::Rfc3339)
                    .expect("time"),
                status: "pending".into(),
                ..RealnameInfo::default()
            }),
            ..Draft::default()
        }],
    );
    app.show_tab::<NewApp>();
    app
}

fn draft(id: &str) -> DraftId {
    DraftId::parse(id).expect("a draft id")
}

fn set_drafts(app: &mut App, drafts: Vec<Draft>) {
    if let Some(newapp) = app.tab_mut::<NewApp>() {
        *newapp = NewApp::with_drafts(drafts);
    }
}

/// The screen as a bitmap: each cell is one pixel wide and two high (half blocks); white
/// is light, every other colour dark — the worst case, a dark terminal around the code.
fn decode_screen(app: &App, width: u16, height: u16) -> Option<String> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|frame| app::draw(frame, app)).expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let scale = 4usize;
    let (w, h) = (usize::from(width) * scale, usize::from(height) * 2 * scale);
    let mut image = rqrr::PreparedImage::prepare_from_bitmap(w, h, |x, y| {
        let cell = &buffer[((x / scale) as u16, (y / scale / 2) as u16)];
        let top = (y / scale).is_multiple_of(2);
        let colour = if cell.symbol() == "▀" {
            if top { cell.fg } else { cell.bg }
        } else {
            cell.bg
        };
        colour != qr::LIGHT
    });
    let grids = image.detect_grids();
    grids
        .first()
        .and_then(|g| g.decode().ok())
        .map(|(_, text)| text)
}

#[test]
fn the_real_name_code_on_screen_decodes_to_its_url_under_every_theme() {
    let url = "http://192.168.100.200:8080/m/realname/AbCdEfGhIjKlMnOpQrStUv";
    for (name, _) in theme::BUILT_IN {
        for no_color in [false, true] {
            let app = realname_app(name, no_color, url);
            let decoded = decode_screen(&app, 80, 24);
            assert_eq!(
                decoded.as_deref(),
                Some(url),
                "theme {name}, NO_COLOR={no_color}"
            );
        }
    }
    // Enlarged, on a bigger terminal, too.
    let mut app = realname_app("default", false, url);
    if let Some(newapp) = app.tab_mut::<NewApp>() {
        newapp.enlarged = true;
    }
    assert_eq!(decode_screen(&app, 120, 60).as_deref(), Some(url));
    assert_eq!(qr::DARK, Color::Black);
}

#[test]
fn the_payment_code_on_screen_decodes_with_the_amount_and_time_left() {
    // An Alipay face-to-face code is an https URL of about this length.
    let url = "https://qr.alipay.com/bax03431ljhokirwl38f00a7";
    let mut app = realname_app("default", false, url);
    let expires = time::OffsetDateTime::now_utc() + time::Duration::minutes(15);
    set_drafts(
        &mut app,
        vec![Draft {
            id: draft("01a22342-0000-7000-8000-000000000003"),
            reference: "SQ7F3K9QAB".into(),
            step: Step::Done,
            order_no: Some("HN20261128000007".into()),
            order_version: 1,
            order_status: Some(OrderStatus::PendingPayment),
            payment: Some(PaymentInfo {
                url: url.into(),
                amount_fen: 30_000,
                expires_at: expires
                    .format(&time::format_description::well_known::Rfc3339)
                    .expect("time"),
                demo: url.contains("/m/pay/"),
            }),
            ..Draft::default()
        }],
    );
    app.now = time::OffsetDateTime::now_utc();
    assert_eq!(decode_screen(&app, 80, 24).as_deref(), Some(url));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    terminal.draw(|frame| app::draw(frame, &app)).expect("draw");
    let screen = format!("{}", terminal.backend());
    assert!(screen.contains("¥300.00"), "{screen}");
    assert!(screen.contains("剩余时间 14:5"), "{screen}");
    // Once paid, the code goes away.
    app.on_msg(ca_counter::tui::net::Msg::Event(
        ca_counter::api::OrderEvent {
            id: 9,
            order_no: ca_counter::domain::OrderNo::parse("HN20261128000007").expect("order number"),
            kind: "transition".into(),
            status: OrderStatus::PendingReview,
            from: Some(OrderStatus::PendingPayment),
            version: 2,
            action: Some("pay".into()),
            at: "2026-11-28T08:00:00Z".into(),
            order: None,
        },
    ));
    assert_eq!(decode_screen(&app, 80, 24), None);
}

fn start(app: &TestApp, dir: &std::path::Path) -> Tui {
    Tui::connect(&app.base, &app.clerk, dir, "zh-CN", 80, 24)
}

/// Plays the customer's phone: fetches the page, posts the form as a browser would.
async fn phone(app: &TestApp, url: &str, name: &str, id: &str) -> String {
    let page = app
        .http
        .get(url)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("name=\"id_number\""), "{page}");
    let form = [("name", name), ("id_number", id), ("consent", "yes")];
    ca_counter::api::submit_phone_form(&app.http, url, &form)
        .await
        .expect("post")
        .text()
        .await
        .expect("html")
}

fn small_png() -> Vec<u8> {
    // As small as the platform takes: a scan must be readable.
    let side = ca_counter::domain::MIN_SIDE;
    crate::common::scan_png(side, side)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_walk_in_goes_from_mobile_number_to_submitted_order() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let scan = dir.path().join("signed-form.png");
    std::fs::write(&scan, small_png()).expect("scan");
    let text_file = dir.path().join("fake-scan.jpg");
    std::fs::write(&text_file, b"not an image at all").expect("fake");
    let mut tui = start(&app, dir.path());
    tui.wait_text("● 在线", WAIT);
    tui.send("\x1bOP"); // F1
    tui.wait_text("输入客户的手机号", WAIT);

    // 1. A new customer by mobile number; a letter is refused as it is typed.
    tui.send("138a");
    tui.wait_text("手机号只能输入数字", WAIT);
    tui.send("1234567\r");
    tui.wait_text("手机号应为中国大陆的 11 位手机号码", WAIT);
    tui.send("8\r");
    tui.wait_text("新客户：输入姓名", WAIT);
    tui.send("张三\r");

    // 2. The real-name code; the customer's phone mistypes the ID number (refused on the
    // phone, no try, and the clerk is told), gets it wrong once (another name than the
    // counter's: a try that fails), then right.
    tui.wait_text("请客户用手机扫描右侧二维码", WAIT);
    let url = tui.wait_url(&app.base, "/m/realname/", WAIT);
    let typo = phone(&app, &url, "张三", "110101199003077757").await;
    assert!(typo.contains("校验码"), "{typo}");
    tui.wait_text("不计次数", WAIT);
    let wrong = phone(&app, &url, "李四", "11010519491231002X").await;
    assert!(wrong.contains("姓名与柜台登记的不一致"), "{wrong}");
    tui.wait_text("上次失败：", WAIT);
    let right = phone(&app, &url, "张三", "11010519491231002X").await;
    assert!(right.contains("实名认证成功"));
    // Verified: on to the project at once, no key needed.
    tui.wait_text("✓ 已实名：", Duration::from_secs(2));

    // 3. The project by pinyin initials, then a product.
    tui.wait_text("查找项目", WAIT);
    tui.send("xt");
    tui.wait_text("湘潭市公共资源交易系统", WAIT);
    tui.send("\r");
    tui.wait_text("选择产品", WAIT);
    tui.send("\r");

    // 4. The terms, accepted on purpose: the whole page drawn first (title and the line
    // that asks for a), then Enter, which must not accept them — a moment later the
    // terms still ask for a.
    tui.wait_text("数字证书申请条款", WAIT);
    tui.wait_text("客户同意后按 a 继续", WAIT);
    tui.send("\r");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        tui.screen().contains("客户同意后按 a 继续"),
        "Enter accepted the terms"
    );
    tui.send("a");

    // 5. The form: prefilled from the verification; a bad value is answered at once.
    tui.wait_text("（实名认证结果）", WAIT);
    assert!(tui.screen().contains("11010519491231002X"));
    tui.send("长沙市\t岳麓区\t麓山南路 932 号\t41008\r");
    tui.wait_text("邮政编码应为 6 位数字", WAIT);
    tui.send("3\r");

    // 6. Print (saved: no printer here), then the scan: a text file named .jpg is refused.
    tui.wait_text("签字扫描件", WAIT);
    tui.send("\x10"); // Ctrl-P
    tui.wait_text("已保存：", PRINT_WAIT);
    tui.send(&format!("{}\r", text_file.display()));
    tui.wait_text("只接受 JPEG、PNG 或 PDF", WAIT);
    tui.send("\x15"); // Ctrl-U clears the field
    tui.send(&format!("{}\r", scan.display()));
    tui.wait_text("image/png", WAIT);
    tui.send("\r");

    // 7. Submit, pressing twice as a hurried clerk would.
    tui.wait_text("核对无误后按 Enter 提交", WAIT);
    tui.send("\r\r");
    tui.wait_text("已提交：订单 HN", WAIT);
    tui.wait_text("待支付", WAIT);

    let page = app
        .client(&app.admin)
        .orders(&OrderQuery::default())
        .await
        .expect("orders");
    assert_eq!(page.items.len(), 1, "exactly one order");
    let order = app
        .client(&app.admin)
        .order(&page.items[0].order_no, true)
        .await
        .expect("order");
    assert_eq!(order.status, OrderStatus::PendingPayment);
    assert_eq!(order.applicant.id_number, "11010519491231002X");
    assert_eq!(order.mailing.postal_code, "410083");
    assert!(
        order
            .application_ref
            .as_deref()
            .is_some_and(|r| r.starts_with("SQ"))
    );
    assert_eq!(order.terms_version.as_deref(), Some("2026-12"));
    assert_eq!(order.attachments.len(), 1);
    assert_eq!(order.attachments[0].content_type, "image/png");
    let printed: Vec<_> = std::fs::read_dir(dir.path().join("prints"))
        .expect("prints")
        .collect();
    assert_eq!(printed.len(), 1, "the application form was saved");

    // The receipt.
    tui.send("r");
    tui.wait_text("受理回执.pdf", PRINT_WAIT);

    // 8. Payment by Alipay (the sandbox here): the code on screen with the amount; the
    // test pays as the customer's phone would; the screen follows without a key.
    tui.wait_text("请客户选择付款方式", WAIT);
    tui.send("p");
    // The embedded platform pays through its sandbox cashier: said beside the code.
    tui.wait_text("演示收银台（不是支付宝，不扣款）", WAIT);
    tui.wait_text("¥", WAIT);
    let pay_url = tui.wait_url(&app.base, "/m/pay/", WAIT);
    let cashier = app.http.get(&pay_url).send().await.expect("cashier");
    assert_eq!(cashier.status(), 200);
    let paid = ca_counter::api::submit_phone_form(&app.http, &pay_url, &[])
        .await
        .expect("pay");
    assert_eq!(paid.status(), 200);
    tui.wait_text("付款已登记", Duration::from_secs(2));
    assert!(tui.screen().contains("待审核"), "{}", tui.screen());
    let order = app
        .client(&app.admin)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert_eq!(order.status, OrderStatus::PendingReview);

    // On to the order.
    tui.send("o");
    tui.wait_text(&format!("订单 {} · 待审核", order.order_no), WAIT);

    // The same customer comes back for a second certificate: verified already, so the
    // form carries the name and ID number of that verification, and the address of the
    // first order (said so, to be checked with the customer); it goes through.
    tui.send("\x1bOP"); // F1
    tui.send("\x0e"); // Ctrl-N, a new draft
    tui.wait_text("输入客户的手机号", WAIT);
    tui.send("13812345678\r");
    tui.wait_text("✓ 已实名：", WAIT);
    tui.send("xt");
    tui.wait_text("湘潭市公共资源交易系统", WAIT);
    tui.send("\r");
    tui.wait_text("选择产品", WAIT);
    tui.send("\r");
    tui.wait_text("客户同意后按 a 继续", WAIT);
    tui.send("a");
    tui.wait_text("（实名认证结果）", WAIT);
    tui.wait_text("11010519491231002X", WAIT);
    tui.wait_text("填好，请与客户核对", WAIT);
    // The screen is drawn row by row: each part is waited for, not read the moment the
    // first appears (on a loaded machine the rows below come a moment later).
    tui.wait_text(&format!("上次订单 {}", order.order_no), WAIT);
    tui.wait_text("麓山南路 932 号", WAIT);
    tui.wait_text("410083", WAIT);
    // The footer says how the form goes on.
    tui.wait_text("Enter 下一栏", WAIT);
    // Nothing left empty: the cursor waits on the first field to check, the mobile
    // number, which takes no letter either.
    tui.send("a");
    tui.wait_text("手机号只能输入数字", WAIT);
    assert!(tui.screen().contains("13812345678 "), "{}", tui.screen());
    // The customer has moved: the clerk clears the old address (from 市 on: e-mail,
    // recipient, their number and the province come first).
    tui.send("\t\t\t\t\t");
    tui.send("\x05\x15\t\x05\x15\t\x05\x15\t\x05\x15");
    tui.wait_for("the address cleared", WAIT, |s| !s.contains("麓山南路"));
    // Printed before the address is typed: the platform names the fields, each message
    // goes beside its field (no field paths in the message), the cursor to the first; the
    // count follows the corrections.
    tui.send("\x10"); // Ctrl-P
    tui.wait_text("有 4 处需要修改，说明在各栏旁边", PRINT_WAIT);
    assert!(!tui.screen().contains("mailing."), "{}", tui.screen());
    assert!(
        !tui.screen().contains("手机号只能输入数字"),
        "{}",
        tui.screen()
    );
    tui.send("长沙市\t");
    tui.wait_text("有 3 处需要修改，说明在各栏旁边", WAIT);
    tui.send("岳麓区\t麓山南路 932 号\t410083");
    // Every field corrected: the message counting them goes, and Enter goes on.
    tui.wait_for("the corrected form", WAIT, |s| {
        s.contains("410083") && s.contains("Enter 继续") && !s.contains("处需要修改")
    });
    tui.send("\r");
    tui.wait_text("签字扫描件", WAIT);
    assert!(
        !tui.screen().contains("还没有实名认证结果"),
        "{}",
        tui.screen()
    );
    tui.send("\x03"); // Ctrl-C: the draft is kept for next time
    assert!(tui.wait_exit(WAIT));
    app.finish().await;
}

/// An order submitted earlier, opened from 待办订单: the customer pays by bank transfer,
/// the slip is printed, a file that is not an image is refused next to the field, the
/// voucher goes up and the order goes to review.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_bank_transfer_with_its_voucher_goes_to_review() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let order = app.submit("李四").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let voucher = dir.path().join("transfer.png");
    std::fs::write(&voucher, small_png()).expect("voucher");
    let fake = dir.path().join("transfer.pdf");
    std::fs::write(&fake, b"this is not a PDF").expect("fake");
    let mut tui = start(&app, dir.path());
    tui.wait_text("● 在线", WAIT);
    tui.send("\x1bOQ"); // F2: a clerk starts on 新申请
    tui.wait_text(&order.order_no, WAIT);
    tui.send("\r");
    tui.wait_text(&format!("订单 {} · 待支付", order.order_no), WAIT);
    tui.wait_text("p  收款", WAIT);
    tui.send("p");
    tui.wait_text("请客户选择付款方式", WAIT);
    assert!(tui.screen().contains("¥"), "{}", tui.screen());
    tui.send("b");
    tui.wait_text("请客户按以下信息转账", WAIT);
    tui.wait_text("示例银行长沙分行", WAIT);
    assert!(tui.screen().contains(order.order_no.as_str()));
    // Ctrl-P prints the slip, even while the choice of transfer is still being answered.
    tui.send("\x10"); // Ctrl-P
    tui.wait_text("转账说明.pdf", PRINT_WAIT);
    let order_now = app
        .client(&app.admin)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert_eq!(order_now.status, OrderStatus::PendingVoucher);

    tui.send("u");
    tui.wait_text("转账凭证", WAIT);
    tui.send(&format!("{}\r", fake.display()));
    tui.wait_text("只接受 JPEG、PNG 或 PDF", WAIT);
    let unchanged = app
        .client(&app.admin)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert_eq!(unchanged.status, OrderStatus::PendingVoucher);
    assert_eq!(unchanged.version, order_now.version);
    tui.send("\x15"); // Ctrl-U
    tui.send(&format!("{}\r", voucher.display()));
    // A voucher is a picture of a transfer, not money seen: review checks it.
    tui.wait_text("转账凭证已上传", WAIT);
    assert!(tui.screen().contains("待审核"), "{}", tui.screen());
    let reviewed = app
        .client(&app.admin)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert_eq!(reviewed.status, OrderStatus::PendingReview);
    assert!(
        reviewed
            .attachments
            .iter()
            .any(|a| a.kind == AttachmentKind::Voucher),
        "{:?}",
        reviewed.attachments
    );
    tui.send("n");
    tui.wait_text("输入客户的手机号", WAIT);
    tui.send("\x03"); // Ctrl-C
    assert!(tui.wait_exit(WAIT));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_draft_survives_a_killed_terminal() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let customer = app.customer("李四").await;
    let mut tui = start(&app, dir.path());
    tui.wait_text("● 在线", WAIT);
    tui.send("\x1bOP");
    tui.wait_text("输入客户的手机号", WAIT);
    tui.send(&format!("{}\r", customer.phone));
    tui.wait_text("请客户用手机扫描右侧二维码", WAIT);
    // A second draft for the next customer, half typed.
    tui.send("\x0e"); // Ctrl-N
    tui.wait_text("▸—", WAIT);
    tui.send("13900001111");
    // Every change is on disk as it is typed, in this platform's folder of drafts.
    let drafts = dir.path().join("drafts");
    let on_disk = || {
        std::fs::read_dir(&drafts)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .flat_map(|platform| std::fs::read_dir(platform.path()).into_iter().flatten())
            .filter_map(Result::ok)
            // The draft itself, not the temporary file it is renamed from: a kill
            // between the write and the rename keeps the previous draft.
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .any(|e| std::fs::read_to_string(e.path()).is_ok_and(|t| t.contains("13900001111")))
    };
    let started = std::time::Instant::now();
    while !on_disk() {
        assert!(
            started.elapsed() < WAIT,
            "the typed number never reached the draft file"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(tui); // SIGKILL: no chance to save anything on the way out

    let mut tui = start(&app, dir.path());
    tui.wait_text("● 在线", WAIT);
    tui.send("\x1bOP");
    tui.wait_text("13900001111", WAIT);
    assert!(
        tui.screen().contains("客户手机号  13900001111"),
        "{}",
        tui.screen()
    );
    tui.send("\x0f"); // Ctrl-O: the other draft
    tui.wait_text("请客户用手机扫描右侧二维码", WAIT);
    assert!(tui.screen().contains("李四"));
    tui.send("\x03");
    assert!(tui.wait_exit(WAIT));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn submitting_one_draft_twice_makes_one_order() {
    use ca_counter::tui::component::job;
    use ca_counter::tui::net::Route;
    use ca_counter::tui::net::{Msg, Net, spawn};
    use ca_counter::tui::tabs::newapp::{Answer, Request};
    let app = TestApp::spawn(Db::Sqlite).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let scan = dir.path().join("scan.png");
    std::fs::write(&scan, small_png()).expect("scan");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let net = Net::new(
        app.client(&app.clerk),
        tx,
        dir.path().to_owned(),
        Default::default(),
        Default::default(),
    );
    let order = app.new_order_body("王五").await;
    let draft = DraftId::new();
    for _ in 0..2 {
        let request = Request::Submit {
            draft: draft.clone(),
            order: Box::new(order.clone()),
            scan: scan.clone(),
        };
        spawn(&net, job::<NewApp>(Route::Tab(0), request));
    }
    let mut numbers = Vec::new();
    while numbers.len() < 2 {
        let answer = match tokio::time::timeout(WAIT, rx.recv()).await {
            Ok(Some(Msg::Answer { answer, .. })) => answer.downcast::<Answer>().ok(),
            _ => None,
        };
        match answer.map(|a| *a) {
            Some(Answer::Submitted {
                result: Ok(order), ..
            }) => numbers.push(order.order_no),
            other => panic!("expected a submitted order, got {other:?}"),
        }
    }
    assert_eq!(numbers[0], numbers[1]);
    let page = app
        .client(&app.admin)
        .orders(&OrderQuery::default())
        .await
        .expect("orders");
    assert_eq!(page.items.len(), 1);
    let stored = app
        .client(&app.admin)
        .order(&numbers[0], false)
        .await
        .expect("order");
    assert_eq!(stored.attachments.len(), 1, "the scan is attached once");
    app.finish().await;
}

#[test]
fn realname_session_answers_deserialize_for_the_tui() {
    // The TUI keeps what it needs of a session in the draft; a pending one has no reason.
    let session = RealnameSession {
        id: "s".into(),
        customer_id: "c".into(),
        status: RealnameStatus::Pending,
        url: None,
        masked_name: "*三".into(),
        expires_at: "2026-11-28T08:10:00Z".into(),
        attempts: 0,
        attempts_left: 5,
        reason: None,
        reason_text: None,
        verified_name: None,
        verified_id_number: None,
        verified_at: None,
        at_provider: false,
        provider: None,
        transaction_id: None,
        other_names: vec![],
    };
    let json = serde_json::to_string(&session).expect("json");
    assert!(
        !json.contains("\"url\""),
        "the URL is only in the answer that created the code"
    );
}

/// After a restart the counter opens on the draft worked on last — the customer's, not a
/// new draft opened after it and left empty.
#[test]
fn a_restart_opens_the_customers_draft_not_an_empty_one_opened_after_it() {
    let mut app = App::new(
        Lang::ZhCn,
        theme::load("default", None, false).expect("theme"),
        "https://ca-platform.internal".into(),
        time::OffsetDateTime::now_utc(),
        tabs::all(&Init::default()),
    );
    let typed = Draft {
        id: draft("01a22342-0000-7000-8000-000000000001"),
        phone: "13812345678".into(),
        updated_at: 1_000,
        ..Draft::default()
    };
    let empty = Draft {
        id: draft("01a22342-0000-7000-8000-000000000002"),
        updated_at: 2_000,
        ..Draft::default()
    };
    set_drafts(&mut app, vec![typed, empty]);
    let current = app
        .tab::<NewApp>()
        .and_then(|n| n.sheet())
        .map(|s| s.draft.phone.clone());
    assert_eq!(current.as_deref(), Some("13812345678"));
}
