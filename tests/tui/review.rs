//! The review queue end to end, in the real binary: a reviewer claims an order and sees its
//! scan, returns it with two reasons; a clerk (a second TUI) prints the notice and
//! resubmits the corrected scan; the reviewer, whose queue follows live, approves it and the
//! order reaches 待邮寄.

use std::time::Duration;

use crate::common::{Db, TestApp};
use crate::pty::Tui;
use ca_counter::api::AttachmentKind;
use ca_counter::domain::OrderStatus;

const WAIT: Duration = Duration::from_secs(15);

/// A real PNG: a form, white with a dark signature band at `band` (a scan made again has
/// its own: the very file returned is no correction).
fn scan_png(band: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(600, 800, |_, y| {
        if (band..band + 40).contains(&y) {
            image::Rgb([20, 20, 20])
        } else {
            image::Rgb([245, 245, 245])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reviewer_returns_an_order_and_approves_it_once_corrected() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let order = app.submit("张三").await;
    app.client(&app.clerk)
        .upload_attachment(
            &order.order_no,
            AttachmentKind::SignedForm,
            "signed.png",
            scan_png(500),
        )
        .await
        .expect("scan");
    // Verified as its applicant, as at the counter: approval needs it.
    app.ready_for_approval(&order).await;
    let order = app.pay(&order).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let reviewer_dir = dir.path().join("reviewer");
    let clerk_dir = dir.path().join("clerk");
    std::fs::create_dir_all(&reviewer_dir).expect("dir");
    std::fs::create_dir_all(&clerk_dir).expect("dir");
    let corrected = clerk_dir.join("corrected.png");
    std::fs::write(&corrected, scan_png(520)).expect("corrected scan");

    // The reviewer opens the queue and the order: claimed, the scan drawn.
    let mut reviewer = Tui::connect(&app.base, &app.reviewer, &reviewer_dir, "zh-CN", 80, 24);
    reviewer.wait_text("● 在线", WAIT);
    reviewer.send("3");
    reviewer.wait_text(&order.order_no, WAIT);
    reviewer.wait_text("待审核 1 单", WAIT);
    reviewer.send("\r");
    reviewer.wait_text("你正在审核", WAIT);
    reviewer.wait_text("附件 1/1：签字申请表", WAIT);
    reviewer.wait_for("the scan drawn in half blocks", WAIT, |s| s.contains('▀'));
    let claim = app
        .client(&app.admin)
        .order(&order.order_no, false)
        .await
        .expect("order")
        .claim
        .expect("claimed");
    assert_eq!(claim.by.name, "reviewer-zhao");

    // Returned with two reasons from the checklist.
    reviewer.send("r");
    reviewer.wait_text("申请表缺少签字", WAIT);
    reviewer.send("1");
    reviewer.send("4");
    reviewer.send("\r");
    reviewer.wait_text("已退回补正", WAIT);
    // Texts only logged (the demo's): the reviewer is told the customer gets none.
    reviewer.wait_for("the demo SMS said", WAIT, |s| {
        s.split_whitespace()
            .collect::<String>()
            .contains("短信为演示")
    });
    let returned = app
        .client(&app.admin)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert_eq!(returned.status, OrderStatus::Rejected);
    assert_eq!(
        returned.rejection_reasons,
        ["申请表缺少签字", "信息与实名认证结果不一致"]
    );

    // The clerk finds it, prints the notice, resubmits the corrected scan.
    let mut clerk = Tui::connect(&app.base, &app.clerk, &clerk_dir, "zh-CN", 80, 24);
    clerk.wait_text("● 在线", WAIT);
    clerk.send("\x1bOQ"); // F2: a clerk starts on 新申请
    clerk.wait_text("已载入", WAIT);
    clerk.send("/");
    clerk.send(&format!("{}\r", order.order_no));
    clerk.wait_text("已驳回", WAIT);
    clerk.send("\r");
    clerk.wait_text(&format!("订单 {} · 已驳回", order.order_no), WAIT);
    clerk.wait_text("打印告知书", WAIT);
    clerk.send("p");
    clerk.wait_text("补正告知书.pdf", WAIT);
    clerk.send("s");
    clerk.wait_text("文件路径", WAIT);
    clerk.send(&format!("{}\r", corrected.display()));
    clerk.wait_text(&format!("订单 {} · 待审核", order.order_no), WAIT);

    // The reviewer's queue shows it again, marked, with no key pressed; approved.
    reviewer.wait_text("补正件", WAIT);
    reviewer.send("\r");
    reviewer.wait_text("你正在审核", WAIT);
    reviewer.wait_text("上次退回", WAIT);
    reviewer.send("a");
    reviewer.wait_text("审核通过订单", WAIT);
    reviewer.send("\r");
    reviewer.wait_text("已审核通过", WAIT);
    let approved = app
        .client(&app.admin)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert_eq!(approved.status, OrderStatus::PendingShipment);
    assert_eq!(approved.resubmissions, 1);
    clerk.send("\x03");
    reviewer.send("\x03");
    assert!(clerk.wait_exit(WAIT));
    assert!(reviewer.wait_exit(WAIT));
    app.finish().await;
}
