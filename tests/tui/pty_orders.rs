//! The real `ca-counter` binary in a pseudo-terminal against a real platform: an order made
//! elsewhere appears with no key pressed; search, open, act through a popup.

use std::time::Duration;

use crate::common::{Db, TestApp};
use crate::pty::Tui;
use ca_counter::domain::OrderStatus;

const WAIT: Duration = Duration::from_secs(10);

fn start(app: &TestApp, token: &str, dir: &std::path::Path, lang: &str) -> Tui {
    Tui::connect(&app.base, token, dir, lang, 80, 24)
}

/// The sign-in of `phone` locked for a quarter of an hour, as five wrong codes lock it.
async fn lock_sign_in(app: &TestApp, phone: &str) {
    let now_ms = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    sqlx::query("UPDATE login_codes SET locked_until = $1, wrong = 0 WHERE phone = $2")
        .bind(now_ms + 15 * 60_000)
        .bind(phone)
        .execute(app.store().pool())
        .await
        .expect("locked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_order_made_elsewhere_appears_live_and_can_be_found_opened_and_cancelled() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut tui = start(&app, &app.clerk, dir.path(), "zh-CN");
    tui.wait_text("● 在线", WAIT);
    // A clerk starts on 新申请, where clerks work; the orders are on F2.
    tui.wait_text("输入客户的手机号", WAIT);
    tui.send("\x1bOQ"); // F2
    tui.wait_text("还没有订单", WAIT);

    // Another counter submits: it shows up with no key pressed.
    let other = app.submit_as(&app.clerk2, "欧阳娜娜").await;
    let shown_after = tui.wait_text(&other.order_no, WAIT);
    eprintln!("order appeared {shown_after:?} after submission");
    tui.wait_text("最近更新", WAIT);
    let second = app.submit("张三").await;
    tui.wait_text(&second.order_no, WAIT);

    // Search by name.
    tui.send("/");
    tui.wait_text("/ 查找", WAIT);
    tui.send("娜娜\r");
    tui.wait_for("only the matching order", WAIT, |s| {
        s.contains(other.order_no.as_str()) && !s.contains(second.order_no.as_str())
    });

    // Open it and cancel it through the popup.
    tui.send("\r");
    tui.wait_text(&format!("订单 {} · 待支付", other.order_no), WAIT);
    tui.wait_text("c  取消订单", WAIT);
    tui.send("c");
    tui.wait_text("原因 *", WAIT);
    tui.send("\r");
    tui.wait_text("! 必填", WAIT);
    tui.send("客户改日再来\r");
    // It cannot be undone: asked once more.
    tui.wait_text("后不能撤销，确定吗？", WAIT);
    tui.send("y");
    tui.wait_text(&format!("订单 {} · 已取消", other.order_no), WAIT);
    tui.wait_text("客户改日再来", WAIT);
    let stored = app
        .client(&app.admin)
        .order(&other.order_no, false)
        .await
        .expect("order");
    assert_eq!(stored.status, OrderStatus::Cancelled);

    // A change made elsewhere reaches the open order view too.
    app.act(
        &app.clerk2,
        &second,
        ca_counter::domain::Action::ChooseBankTransfer,
        Default::default(),
    )
    .await;
    tui.send("\x1b");
    tui.wait_text("已载入 1 单", WAIT);
    tui.send("\x1b");
    tui.wait_for("both orders again", WAIT, |s| {
        s.contains(second.order_no.as_str()) && s.contains("待上传凭证")
    });

    tui.send("q");
    assert!(tui.wait_exit(WAIT), "quits cleanly");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn english_help_finds_and_runs_a_command() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let order = app.submit("张三").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut tui = start(&app, &app.support, dir.path(), "en");
    tui.wait_text(&order.order_no, WAIT);
    tui.send("?");
    tui.wait_text("find:", WAIT);
    tui.send("review");
    tui.wait_text("only \"in review\"", WAIT);
    tui.send("\r");
    tui.wait_text("no orders match", WAIT);
    // Support agents see the review queue and the mailroom's list (read-only) but do not
    // take applications.
    tui.send("3");
    tui.wait_text("Nothing waiting for review", WAIT);
    tui.send("4");
    tui.wait_text("Nothing to mail", WAIT);
    tui.send("\x1bOP"); // F1
    tui.wait_text("Your role (support) cannot use \"New\"", WAIT);
    tui.send("\x1bOQ"); // F2
    tui.send(":q\r");
    assert!(tui.wait_exit(WAIT));
    app.finish().await;
}

#[test]
fn a_bad_config_is_refused_before_the_terminal_is_taken() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[ui]\ntheme = \"default\"\nmouse = \"yes\"\n").expect("config");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ca-counter"))
        .env("CA_COUNTER_CONFIG", &config)
        .env("CA_COUNTER_DATA_DIR", dir.path())
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("{}:3:", config.display())) && stderr.contains("mouse"),
        "{stderr}"
    );
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains("\x1b[?1049h"),
        "never entered the alternate screen"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_small_terminal_is_told_what_size_is_needed() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut tui = Tui::connect(&app.base, &app.clerk, dir.path(), "zh-CN", 70, 20);
    tui.wait_text("80×24", WAIT);
    tui.send("q");
    assert!(tui.wait_exit(WAIT));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_platform_restart_is_ridden_out_and_nothing_is_missed() {
    let mut app = TestApp::spawn(Db::Sqlite).await;
    let first = app.submit("张三").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut tui = start(&app, &app.clerk, dir.path(), "zh-CN");
    tui.wait_text("● 在线", WAIT);
    tui.send("\x1bOQ"); // F2: the orders
    tui.wait_text(&first.order_no, WAIT);

    // Start typing a note, then the platform goes away.
    tui.send("\r");
    tui.wait_text("可执行操作", WAIT);
    tui.send("N");
    tui.wait_text("备注 *", WAIT);
    tui.send("客户下午再来");
    let platform = app.platform.take().expect("running");
    let address = platform.local_addr();
    platform.shutdown().await.expect("stops");
    tui.wait_text("重连中", WAIT);
    tui.send("\r");
    tui.wait_text("连不上平台；已填写的内容都在", WAIT);
    assert!(
        tui.screen().contains("客户下午再来"),
        "the typed note stays:\n{}",
        tui.screen()
    );

    // While it is down, another instance of the platform records a change.
    let url = app.db.as_ref().expect("db").url.clone();
    let store = ca_counter::server::store::Store::open(&url, 2)
        .await
        .expect("store");
    drop(store);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .expect("same port again");
    let platform = ca_counter::server::Platform::start(Default::default(), &url, listener)
        .await
        .expect("restart");
    app.platform = Some(platform);
    tui.wait_text("● 在线", Duration::from_secs(30));
    // The note goes through on a second Enter, nothing retyped.
    tui.send("\r");
    tui.wait_text("客户下午再来", WAIT);
    tui.wait_for("the note in the timeline", WAIT, |s| {
        s.contains("备注  客户下午再来") || s.contains("已添加备注")
    });
    let later = app.submit("李四").await;
    tui.send("\x1b");
    tui.wait_text(&later.order_no, WAIT);
    tui.send("q");
    assert!(tui.wait_exit(WAIT));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_order_submitted_online_appears_at_the_counter_marked_online_with_its_next_step() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut tui = start(&app, &app.clerk, dir.path(), "zh-CN");
    tui.wait_text("输入客户的手机号", WAIT);
    tui.send("\x1bOQ"); // F2
    tui.wait_text("还没有订单", WAIT);

    // A customer applies from home, on their phone.
    let mut browser = crate::common::customer::Browser::new(&app);
    crate::common::customer::sign_in(&mut browser, &crate::common::unique_phone()).await;
    let order_no =
        crate::common::customer::apply(&app, &mut browser, "王小明", "11010519491231002X").await;

    // It shows up at the counter with no key pressed, marked as submitted online.
    tui.wait_text(&format!("{order_no}*"), WAIT);
    tui.wait_text("* 线上提交", WAIT);
    tui.send("\r");
    tui.wait_text(&format!("订单 {order_no} · 待支付 · 线上"), WAIT);
    // The same next step the customer's own page shows.
    tui.wait_text("客户下一步 请支付", WAIT);
    tui.send("q");
    assert!(tui.wait_exit(WAIT), "quits cleanly");
    app.finish().await;
}

/// A province's worth of orders behind the counter: a search too broad for its budget is
/// answered at once with "type more" where the list would be, not retried, and the next
/// search is answered as usual.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_search_too_broad_asks_the_clerk_to_type_more() {
    let config = ca_counter::config::PlatformConfig {
        search_budget_rows: 100,
        ..Default::default()
    };
    let app = TestApp::spawn_with(Db::Sqlite, config).await;
    app.store()
        .load_demo_orders(1500, 11, |_| {})
        .await
        .expect("load");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut tui = start(&app, &app.clerk, dir.path(), "zh-CN");
    tui.wait_text("输入客户的手机号", WAIT);
    tui.send("\x1bOQ"); // F2
    tui.wait_text("HN", WAIT);
    tui.send("/");
    tui.wait_text("/ 查找", WAIT);
    // Hundreds of organisations start with the same three characters; none goes on so.
    tui.send("有限公司啊\r");
    tui.wait_text("范围太大，请输入更多字", WAIT);
    tui.wait_for("no rows of the previous list", WAIT, |s| {
        !s.contains("HN2") && !s.contains("重试")
    });
    // Narrower: answered.
    tui.send("/");
    tui.wait_text("/ 查找", WAIT);
    tui.send("\x15有限公司\r");
    tui.wait_for("organisations listed", WAIT, |s| {
        s.contains("HN2") && !s.contains("范围太大")
    });
    tui.send("q");
    assert!(tui.wait_exit(WAIT), "quits cleanly");
    app.finish().await;
}

/// A caller with orders whose code "does not work": their number lists their orders and,
/// under them, that their sign-in is locked with what lifts it (only a number with no
/// order said so); `K` texts a code and the line follows.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_caller_with_orders_is_told_under_them_that_their_sign_in_is_locked() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let body = app.new_order_body("张三").await;
    let phone = body.applicant.phone.clone();
    let order = app
        .client(&app.clerk)
        .create_order(&uuid::Uuid::now_v7().to_string(), &body)
        .await
        .expect("create order");
    let mut browser = crate::common::customer::Browser::new(&app);
    crate::common::customer::sign_in(&mut browser, &phone).await;
    lock_sign_in(&app, &phone).await;
    let mut tui = start(&app, &app.support, dir.path(), "zh-CN");
    tui.wait_text("● 在线", WAIT);
    tui.wait_text(order.order_no.as_str(), WAIT);
    tui.send("/");
    tui.wait_text("/ 查找", WAIT);
    tui.send(&format!("{phone}\r"));
    tui.wait_text("已锁定至", WAIT);
    assert!(
        tui.screen().contains(order.order_no.as_str()),
        "{}",
        tui.screen()
    );
    tui.wait_text("K 短信发送登录验证码", WAIT);
    // Signed in a moment ago: one code a minute; a minute later the agent's goes, and
    // the line under the list says the codes sent, the lock lifted.
    sqlx::query("UPDATE login_codes SET sent_at = sent_at - 120000")
        .execute(app.store().pool())
        .await
        .expect("a minute later");
    tui.send("K");
    tui.wait_text("今天已发送验证码 2 条", WAIT);
    assert!(!tui.screen().contains("已锁定至"), "{}", tui.screen());
    assert!(
        tui.screen().contains(order.order_no.as_str()),
        "{}",
        tui.screen()
    );
    tui.send("q");
    assert!(tui.wait_exit(WAIT), "quits cleanly");
    app.finish().await;
}

/// A caller with no order yet: their number, searched for by a support agent, says who they
/// are and where their own application is stuck — in Chinese and in English, nothing cut
/// at 80×24 — and K texts them a login code, said to reach nobody while texts are a demo.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_caller_with_no_order_is_found_by_number_with_where_they_are_stuck() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let phone = crate::common::unique_phone();
    let mut browser = crate::common::customer::Browser::new(&app);
    crate::common::customer::sign_in(&mut browser, &phone).await;
    browser.get("/apply").await;
    // Their real-name tries for the day spent on two codes of their own.
    let customer = app
        .client(&app.clerk)
        .find_customer(&phone)
        .await
        .expect("find")
        .expect("a customer once signed in");
    for _ in 0..2 {
        let (session, _) = app
            .store()
            .create_realname_session(
                &customer.id,
                "",
                None,
                ca_counter::server::store::self_service::ONLINE_OPERATOR_ID,
                600_000,
            )
            .await
            .expect("a code of their own");
        sqlx::query("UPDATE realname_sessions SET attempts = 5, status = 'locked' WHERE id = $1")
            .bind(&session.id)
            .execute(app.store().pool())
            .await
            .expect("five tries");
    }
    // Their sign-in locked too (five wrong codes).
    lock_sign_in(&app, &phone).await;

    let mut tui = start(&app, &app.support, dir.path(), "zh-CN");
    tui.wait_text("● 在线", WAIT);
    // Support starts on 待办订单 once the platform has said who they are: the list first,
    // then the search (a `/` pressed before would go to the tab shown at start).
    tui.wait_text("还没有订单", WAIT);
    tui.send("/");
    tui.wait_for("the search line open", WAIT, |s| {
        s.lines().any(|l| l.trim_start().starts_with("/ 查找"))
    });
    tui.send(&format!("{phone}\r"));
    tui.wait_text("这个手机号还没有订单", WAIT);
    tui.wait_text("网上申请 第 1/7 步 实名认证", WAIT);
    tui.wait_text("最近在网上活动", WAIT);
    // Signed in online, no name given yet: said, not a blank.
    assert!(
        tui.screen().contains("未实名") && tui.screen().contains("（还没有姓名）"),
        "{}",
        tui.screen()
    );
    // Why the phone will not let them try again, and what to tell them.
    tui.wait_text("今天不能再发起", WAIT);
    // The lock: the wrong codes that made it (not 0), and that K lifts it for a customer.
    tui.wait_for("the lock said with what lifts it", WAIT, |s| {
        let flat: String = s
            .lines()
            .flat_map(|l| l.chars())
            .filter(|c| !c.is_whitespace() && *c != '│')
            .collect();
        flat.contains("验证码输错5次，已锁定至") && flat.contains("按K发送验证码可解除锁定")
    });
    tui.wait_text("K 短信发送登录验证码", WAIT);
    // Signed in a moment ago: one code a minute.
    tui.send("K");
    tui.wait_text("一分钟内只能发送一次验证码", WAIT);
    // A minute later the agent's code goes — into the demo's log, which says so.
    sqlx::query("UPDATE login_codes SET sent_at = sent_at - 120000")
        .execute(app.store().pool())
        .await
        .expect("a minute later");
    tui.send("K");
    tui.wait_text("客户收不到", WAIT);
    // The card counts it at once (it read one code until a refresh).
    tui.wait_text("今天已发送验证码 2 条", WAIT);
    // The next search starts empty: the next caller's number is typed afresh.
    tui.send("/");
    tui.wait_text("/ 查找", WAIT);
    tui.send("13800000000\r");
    tui.wait_text("平台上也没有这个号码的客户", WAIT);
    assert!(!tui.screen().contains(&format!("{phone}13800000000")));
    // A caller whose code "does not work": five wrong ones locked the number (never a
    // customer: they never got in). Said, with until when.
    let locked = crate::common::unique_phone();
    let mut locked_out = crate::common::customer::Browser::new(&app);
    locked_out.get("/login").await;
    let sent = locked_out
        .post_follow("/login", &[("phone", &locked)])
        .await;
    let demo = crate::common::customer::hidden(&sent.html, "demo");
    let wrong = if demo.starts_with("000000") {
        "111111"
    } else {
        "000000"
    };
    for _ in 0..5 {
        locked_out
            .post(
                "/login/code",
                &[("phone", &locked), ("code", wrong), ("demo", &demo)],
            )
            .await;
    }
    tui.send("/");
    tui.wait_text("/ 查找", WAIT);
    tui.send(&format!("{locked}\r"));
    tui.wait_text("还没有登录成功过", WAIT);
    tui.wait_text("验证码输错 5 次，已锁定至", WAIT);
    // No customer behind the number: K says how the customer gets a code (it did nothing)
    // — once the lock is over (it sent them to a page that refuses them until then).
    tui.send("K");
    tui.wait_text("柜台无法代发验证码", WAIT);
    tui.wait_for("when the customer may ask for a code", WAIT, |s| {
        let flat: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        flat.contains("之后在手机登录页输入这个号码")
    });
    // Its last four digits find no order, and say the whole number finds the customer.
    tui.send("/");
    tui.wait_text("/ 查找", WAIT);
    tui.send(&format!("{}\r", &locked[7..]));
    tui.wait_text("请输入完整的 11 位手机号", WAIT);
    // In English, the same card.
    tui.send("/");
    tui.wait_text("/ 查找", WAIT);
    tui.send(&format!("{phone}\r"));
    tui.wait_text("这个手机号还没有订单", WAIT);
    tui.send("\x0c"); // Ctrl-L
    tui.wait_text("No order with this number yet", WAIT);
    tui.wait_text("step 1 of 7, Identity", WAIT);
    for line in tui.screen().lines() {
        assert!(!line.contains("这个手机号"), "{line}");
    }
    // What the card offers is in the footer in English too (it was pushed off the line).
    tui.wait_text("K text a login code", WAIT);
    tui.wait_text("tried 10 times", WAIT);
    tui.send("q");
    assert!(tui.wait_exit(WAIT), "quits cleanly");
    app.finish().await;
}
