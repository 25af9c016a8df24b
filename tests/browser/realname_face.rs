//! Real-name verification by Alipay's face check, end to end: the counter TUI in a
//! pseudo-terminal shows the QR code; a phone (headless Chromium) opens it, types name and
//! ID number, follows the link to the stand-in Alipay app and passes, fails or abandons the
//! face check; the counter's screen follows with no key pressed.

use std::time::Duration;

use ca_counter::config::{AlipayConfig, IdentityProvider, PlatformConfig};

use crate::common::alipay::{APP_ID, Gateway, key_file};
use crate::common::{Db, TestApp};
use crate::driver::{Driver, Session};
use crate::keep;
use crate::pty::Tui;

const WAIT: Duration = Duration::from_secs(15);

async fn spawn() -> (TestApp, Gateway) {
    let gateway = Gateway::start().await;
    let mut config = PlatformConfig {
        identity_provider: IdentityProvider::Alipay,
        alipay: Some(AlipayConfig {
            gateway: gateway.url.clone(),
            app_id: APP_ID.into(),
            private_key_file: key_file("merchant_private.pem"),
            alipay_public_key_file: key_file("gateway_public.pem"),
            seller_id: None,
            notify_url: None,
        }),
        ..PlatformConfig::default()
    };
    config.identity.check_ms = 200;
    (TestApp::spawn_with(Db::Sqlite, config).await, gateway)
}

/// The clerk starts a walk-in for a new customer; returns the real-name code's URL.
fn clerk_starts(tui: &mut Tui, app: &TestApp, phone: &str, name: &str) -> String {
    tui.send("\x1bOP"); // F1
    tui.wait_text("输入客户的手机号", WAIT);
    tui.send(&format!("{phone}\r"));
    tui.wait_text("新客户：输入姓名", WAIT);
    tui.send(&format!("{name}\r"));
    tui.wait_text("请客户用手机扫描右侧二维码", WAIT);
    tui.wait_url(&app.base, "/m/realname/", WAIT)
}

/// The phone fills our page and follows the link on to Alipay.
async fn phone_goes_to_alipay(page: &Session<'_>, url: &str) {
    page.open(url).await;
    page.type_into("#name", "张三").await;
    page.type_into("#id_number", "11010519491231002X").await;
    page.click("input[name=consent]").await;
    page.click("main button[type=submit]").await;
    page.wait_heading("请在支付宝中完成刷脸").await;
    // A phone browser would hand `alipays://` to the Alipay app; the stand-in app is a page,
    // reached by the link for browsers.
    page.click("#open-browser").await;
    page.wait_heading("支付宝刷脸认证").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_counter_shows_verified_when_the_phone_passes_the_face_check() {
    let (app, _gateway) = spawn().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut tui = Tui::connect(&app.base, &app.clerk, dir.path(), "zh-CN", 80, 24);
    tui.wait_text("● 在线", WAIT);
    tui.wait_text("演示", WAIT);
    let url = clerk_starts(&mut tui, &app, "13812340001", "张三");

    let driver = Driver::start().await;
    let page = Session::phone(&driver).await;
    phone_goes_to_alipay(&page, &url).await;
    tui.wait_text("客户正在支付宝中刷脸", WAIT);
    page.click("#pass").await;
    page.wait_heading("实名认证成功").await;
    keep("realname-face-passed.png", &page.screenshot().await);
    page.close().await;

    // No key pressed: the counter moves on by itself.
    tui.wait_text("✓ 已实名：", WAIT);
    tui.wait_text("查找项目", WAIT);
    tui.send("\x03");
    assert!(tui.wait_exit(WAIT));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_and_then_an_abandoned_face_check_each_end_with_the_reason_at_the_counter() {
    let (app, _gateway) = spawn().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut tui = Tui::connect(&app.base, &app.clerk, dir.path(), "zh-CN", 80, 24);
    tui.wait_text("● 在线", WAIT);
    let url = clerk_starts(&mut tui, &app, "13812340002", "张三");

    let driver = Driver::start().await;
    let page = Session::phone(&driver).await;
    phone_goes_to_alipay(&page, &url).await;
    page.click("#fail").await;
    page.wait_for("p.bad").await;
    assert!(page.text("p.bad").await.contains("支付宝刷脸未通过"));
    tui.wait_text("上次失败：支付宝刷脸未通过", WAIT);

    // Again, and this time the customer leaves Alipay and never comes back.
    phone_goes_to_alipay(&page, &url).await;
    page.click("#abandon").await;
    tui.wait_text("客户正在支付宝中刷脸", WAIT);
    sqlx::query("UPDATE realname_sessions SET expires_at = $1 WHERE status = 'pending'")
        .bind(ca_counter::server::store::now_ms() + 500)
        .execute(app.store().pool())
        .await
        .expect("shorten the code");
    tui.wait_text("客户未在有效期内完成支付宝刷脸", WAIT);
    keep_screen("realname-face-abandoned.txt", &tui.screen());
    page.close().await;
    tui.send("\x03");
    assert!(tui.wait_exit(WAIT));
    app.finish().await;
}

/// Keeps the counter's screen in the test artefacts.
fn keep_screen(name: &str, screen: &str) {
    let artefacts = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-artifacts");
    let _ = std::fs::create_dir_all(&artefacts);
    let _ = std::fs::write(artefacts.join(name), screen);
}
