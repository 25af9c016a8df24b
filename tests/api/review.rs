//! The review queue and claims: oldest payment first with the promise in working time,
//! one reviewer per order (claims are compare-and-set, lapse, and an administrator may take
//! them over, recorded), returned orders with every reason at once (notice, SMS), the
//! corrected resubmission marked and approved; scans scaled on the platform.

use ca_counter::api::{ActionRequest, AttachmentKind, ClientError, Order};
use ca_counter::domain::{Action, Deadline, OrderStatus};

use crate::common::{Db, TestApp};
use crate::documents::pdf_text;
use crate::on_both_databases;

on_both_databases!(
    the_queue_lists_paid_orders_oldest_first_against_the_promise,
    the_promise_counts_from_the_correction_after_a_return,
    a_return_asks_only_for_what_the_order_can_answer,
    a_claim_holds_an_order_for_one_reviewer_until_released_or_lapsed,
    an_admin_takes_over_a_claim_and_it_is_recorded,
    a_returned_order_lists_every_reason_and_comes_back_marked,
    a_correction_deadline_on_a_closed_day_moves_to_the_next_working_day,
    scans_are_scaled_on_the_platform_and_pdfs_say_their_pages,
    claims_at_the_same_moment_get_one_holder,
    the_queue_is_read_from_its_own_index_and_a_new_order_enters_none_it_need_not,
    an_order_is_approved_only_with_its_applicant_verified_and_its_form_signed,
    one_voucher_sent_for_two_orders_is_said_to_their_reviewer,
    a_file_added_under_review_makes_a_decision_on_an_earlier_read_stale,
    a_short_transfer_is_told_the_rest_to_transfer,
);

/// A return for the voucher's amount may say what the vouchers showed in all: the customer
/// is then told the rest (¥100.00 of a ¥400.00 order), not the whole amount again — in the
/// text, on the printed notice, its phone page and the order's page. Said without that
/// reason, or not short of the amount, or with another action, it is refused by name, with
/// the rest of what was wrong, and changes nothing; the order sent back forgets it.
async fn a_short_transfer_is_told_the_rest_to_transfer(db: Db) {
    let app = TestApp::spawn(db).await;
    let reviewer = app.client(&app.reviewer);
    let order = app.submit("李四").await;
    let order = app.by_transfer(&order).await;
    let order = app
        .send_voucher(&order, crate::common::voucher_jpeg(800, 600))
        .await;
    reviewer.claim(&order.order_no, false).await.expect("claim");
    let amount = order.amount_fen;
    let refuse = |reasons: Vec<String>, total: i64| {
        let reviewer = &reviewer;
        let order = &order;
        async move {
            let refused = reviewer
                .act(
                    &order.order_no,
                    Action::Reject,
                    &ActionRequest {
                        version: Some(order.version),
                        reasons,
                        voucher_total_fen: Some(total),
                        ..Default::default()
                    },
                )
                .await
                .expect_err("refused");
            refused.problem().cloned().expect("a problem")
        }
    };
    // On an order paid online the amount's reason is refused, and said once: not also the
    // total "without its reason".
    let online = paid(&app, "王五").await;
    reviewer
        .claim(&online.order_no, false)
        .await
        .expect("claim");
    let refused = reviewer
        .act(
            &online.order_no,
            Action::Reject,
            &ActionRequest {
                version: Some(online.version),
                reasons: vec!["转账凭证金额不符".into()],
                voucher_total_fen: Some(100),
                ..Default::default()
            },
        )
        .await
        .expect_err("not for this order");
    let problem = refused.problem().cloned().expect("a problem");
    let fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["reasons[0]"], "{problem:?}");
    // Not with the amount's reason: named, beside the reason that is wrong itself.
    let problem = refuse(vec!["申请表签字不清晰".into(), "缺少单位公章".into()], 100).await;
    let fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(problem.status, 422, "{problem:?}");
    assert!(fields.contains(&"voucher_total_fen"), "{problem:?}");
    assert!(
        problem
            .errors
            .iter()
            .any(|e| e.message.contains("the voucher's amount is wrong")),
        "{problem:?}"
    );
    // Not short of the amount (nothing to add), or nothing at all, or less.
    for total in [amount, amount + 1, 0, -100, i64::MAX] {
        let problem = refuse(vec!["转账凭证金额不符".into()], total).await;
        let said = problem
            .errors
            .iter()
            .find(|e| e.field == "voucher_total_fen")
            .unwrap_or_else(|| panic!("{total}: {problem:?}"));
        let price = ca_counter::domain::Money::from_fen(amount)
            .expect("amount")
            .to_string();
        assert!(said.message.contains(&price), "{said:?}");
    }
    // Text, or a fraction of a fen: said as what it must be, beside the rest. (`null` is
    // not given: the order is returned with no total, below.)
    for total in [serde_json::json!("300"), serde_json::json!(1.5)] {
        let response = reject_for_the_amount(&app, &order, order.version, total.clone()).await;
        assert_eq!(response.status(), 422, "{total}");
        let answer: serde_json::Value = response.json().await.expect("problem");
        assert_eq!(
            answer["errors"][0]["field"], "voucher_total_fen",
            "{answer}"
        );
    }
    let still = reviewer.order(&order.order_no, false).await.expect("order");
    assert_eq!(
        (still.status, still.version, still.voucher_total_fen),
        (OrderStatus::PendingReview, order.version, None)
    );
    // Short by ¥100.00.
    let returned = app
        .act(
            &app.reviewer,
            &order,
            Action::Reject,
            ActionRequest {
                reasons: vec!["转账凭证金额不符".into()],
                voucher_total_fen: Some(amount - 10_000),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(returned.voucher_total_fen, Some(amount - 10_000));
    // The history keeps it beside the reason: the order forgets it when sent back, and its
    // next reviewer reads what the customer was asked for there.
    let history = reviewer.history(&order.order_no).await.expect("history");
    let recorded = history
        .iter()
        .rev()
        .find(|h| h.action == "reject")
        .and_then(|h| h.reason.clone())
        .unwrap_or_default();
    assert!(
        recorded.starts_with("转账凭证金额不符；还需补转：")
            && recorded.contains(
                &ca_counter::domain::Money::from_fen(10_000)
                    .expect("fen")
                    .to_string()
            ),
        "{recorded}"
    );
    let money = |fen: i64| {
        ca_counter::domain::Money::from_fen(fen)
            .expect("fen")
            .to_string()
    };
    let texts = app.client(&app.admin).sms_messages().await.expect("sms");
    let text = texts
        .iter()
        .find(|m| m.kind.as_deref() == Some("returned"))
        .expect("the return's text");
    assert!(
        text.body.contains(&format!("还需补转 {}", money(10_000))),
        "{}",
        text.body
    );
    let notice = app
        .client(&app.clerk)
        .correction_notice(order.order_no.as_str())
        .await
        .expect("the notice");
    let paper: String = pdf_text(&notice.bytes).split_whitespace().collect();
    let said = format!(
        "还需补转：{}（订单金额{}，转账凭证所示已转{}）",
        money(10_000),
        money(amount),
        money(amount - 10_000)
    );
    assert!(paper.contains(&said), "{said}: {paper}");
    // And where to send it, for a customer with only the paper.
    let account = app
        .client(&app.clerk)
        .bank_account()
        .await
        .expect("bank account");
    let reference = format!("转账附言：{}", order.order_no);
    for given in [account.account_no.replace(' ', ""), reference] {
        assert!(paper.contains(&given), "{given}: {paper}");
    }
    let (_, mut browser) =
        crate::common::customer::signed_in_owner(&app, order.order_no.as_str()).await;
    let page = browser.get(&format!("/orders/{}", order.order_no)).await;
    assert!(
        page.html.contains("您转账的金额少于订单金额")
            && page.html.contains(&money(10_000))
            && page.html.contains("还需补转"),
        "{}",
        page.html
    );
    // The text's link: the notice on the phone.
    let link = text
        .body
        .split_whitespace()
        .find_map(|w| w.find("http").map(|i| w[i..].to_owned()))
        .expect("the notice's link");
    let phone = app
        .http
        .get(&link)
        .send()
        .await
        .expect("notice page")
        .text()
        .await
        .expect("html");
    assert!(
        phone.contains("还需补转") && phone.contains(&money(10_000)),
        "{phone}"
    );
    // Another action does not take it (said beside what else is wrong), and changes
    // nothing.
    let refused = app
        .client(&app.clerk)
        .act(
            &order.order_no,
            Action::Resubmit,
            &ActionRequest {
                version: Some(returned.version),
                voucher_total_fen: Some(100),
                ..Default::default()
            },
        )
        .await
        .expect_err("not taken");
    let problem = refused.problem().cloned().expect("a problem");
    assert!(
        problem.status == 422
            && problem
                .errors
                .iter()
                .any(|e| e.field == "voucher_total_fen"),
        "{problem:?}"
    );
    // Sent back, the total is the last return's no more.
    let back = app.resubmitted(&returned).await;
    assert_eq!(back.voucher_total_fen, None);
    // Returned again with no total (`null`): the page asks for the amount as before.
    reviewer.claim(&back.order_no, false).await.expect("claim");
    let response = reject_for_the_amount(&app, &order, back.version, serde_json::Value::Null).await;
    assert_eq!(response.status(), 200);
    let again = reviewer.order(&order.order_no, false).await.expect("order");
    assert_eq!(
        (again.status, again.voucher_total_fen),
        (OrderStatus::Rejected, None)
    );
    let page = browser.get(&format!("/orders/{}", order.order_no)).await;
    assert!(
        page.html.contains("请补转差额") && !page.html.contains("还需补转"),
        "{}",
        page.html
    );
    app.finish().await;
}

/// `order` returned by the reviewer for its voucher's amount, at `version`, with `total`
/// sent as it is (any JSON) for `voucher_total_fen`: the platform's raw answer.
async fn reject_for_the_amount(
    app: &TestApp,
    order: &Order,
    version: i64,
    total: serde_json::Value,
) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/api/v1/orders/{}/actions/reject", order.order_no)))
        .bearer_auth(&app.reviewer)
        .json(&serde_json::json!({
            "version": version,
            "reasons": ["转账凭证金额不符"],
            "voucher_total_fen": total,
        }))
        .send()
        .await
        .expect("send")
}

/// The version is what a decision is taken on: a file attached while the order waits for
/// review moves it, so a reviewer who read the order before cannot approve files they never
/// saw (`409 version_conflict`). Before review, a file waits for the action that sends it
/// on and moves nothing.
async fn a_file_added_under_review_makes_a_decision_on_an_earlier_read_stale(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let unpaid = app.submit("李四").await;
    clerk
        .upload_attachment(
            &unpaid.order_no,
            AttachmentKind::Other,
            "id-card.jpg",
            crate::common::voucher_jpeg(390, 308),
        )
        .await
        .expect("upload before review");
    let read = clerk.order(&unpaid.order_no, false).await.expect("order");
    assert_eq!(read.version, unpaid.version, "no decision waits on it yet");

    let order = app.pay(&app.submit("张三").await).await;
    app.verify_customer(&order.customer_id, "张三", "11010519491231002X")
        .await;
    clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::SignedForm,
            "signed.png",
            crate::common::scan_png(300, 390),
        )
        .await
        .expect("scan");
    let zhao = app.client(&app.reviewer);
    zhao.claim(&order.order_no, false).await.expect("claim");
    let seen = zhao.order(&order.order_no, false).await.expect("order");
    clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::SignedForm,
            "signed-again.png",
            crate::common::scan_png(300, 391),
        )
        .await
        .expect("another scan");
    let (status, code_, _) = code(
        zhao.act(&order.order_no, Action::Approve, &approve(&seen))
            .await,
    );
    assert_eq!((status, code_.as_str()), (409, "version_conflict"));
    let now = zhao.order(&order.order_no, false).await.expect("order");
    assert_eq!(now.version, seen.version + 1);
    assert_eq!(now.attachments.len(), seen.attachments.len() + 1);
    let approved = zhao
        .act(&order.order_no, Action::Approve, &approve(&now))
        .await
        .expect("approve on what was seen");
    assert_eq!(approved.status, OrderStatus::PendingShipment);
    app.finish().await;
}

/// A transfer voucher is what review approves a transfer's payment on: the same file sent
/// for two orders (one transfer, two orders) is said on each order's voucher and marked in
/// the queue, so the reviewer checks the transfer pays for both. A voucher of its own, or
/// the same file sent twice for one order, is not.
async fn one_voucher_sent_for_two_orders_is_said_to_their_reviewer(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let mut sent = Vec::new();
    for (name, voucher) in [
        ("张三", crate::common::voucher_jpeg(392, 336)),
        ("李四", crate::common::voucher_jpeg(392, 336)),
        ("王五", crate::common::voucher_jpeg(394, 364)),
    ] {
        let order = app.submit(name).await;
        let order = app
            .act(
                &app.clerk,
                &order,
                Action::ChooseBankTransfer,
                Default::default(),
            )
            .await;
        // Sent twice for its own order (a retry): one order, no twin.
        for _ in 0..2 {
            clerk
                .upload_attachment(
                    &order.order_no,
                    AttachmentKind::Other,
                    "again.jpg",
                    crate::common::voucher_jpeg(397, 300 + sent.len() as u32),
                )
                .await
                .expect("other upload");
        }
        let order = app.send_voucher(&order, voucher).await;
        assert_eq!(order.status, OrderStatus::PendingReview);
        sent.push(order.order_no.to_string());
    }
    let reviewer = app.client(&app.reviewer);
    let also_on = |order: &Order, kind: AttachmentKind| -> Vec<String> {
        order
            .attachments
            .iter()
            .filter(|a| a.kind == kind)
            .flat_map(|a| a.also_on.clone())
            .collect()
    };
    let first = reviewer.order(&sent[0], false).await.expect("order");
    let second = reviewer.order(&sent[1], false).await.expect("order");
    let third = reviewer.order(&sent[2], false).await.expect("order");
    assert_eq!(also_on(&first, AttachmentKind::Voucher), [sent[1].clone()]);
    assert_eq!(also_on(&second, AttachmentKind::Voucher), [sent[0].clone()]);
    assert!(
        also_on(&third, AttachmentKind::Voucher).is_empty(),
        "{third:?}"
    );
    for order in [&first, &second, &third] {
        assert!(
            also_on(order, AttachmentKind::Other).is_empty(),
            "{order:?}"
        );
        // The platform's own documents are never compared.
        assert!(also_on(order, AttachmentKind::ApplicationForm).is_empty());
    }
    let queue = reviewer.review_queue().await.expect("queue");
    let marked: Vec<(String, bool)> = queue
        .items
        .iter()
        .map(|item| (item.order.order_no.to_string(), item.file_elsewhere))
        .collect();
    assert_eq!(
        marked,
        [
            (sent[0].clone(), true),
            (sent[1].clone(), true),
            (sent[2].clone(), false)
        ]
    );
}

fn code(result: Result<impl std::fmt::Debug, ClientError>) -> (u16, String, String) {
    match result {
        Ok(value) => panic!("expected a refusal, got {value:?}"),
        Err(e) => {
            let problem = e.problem().cloned().expect("a problem document");
            (problem.status, problem.code, problem.detail)
        }
    }
}

/// A paid order that may be approved: its customer verified, its signed form scanned.
async fn paid(app: &TestApp, name: &str) -> Order {
    let order = app.submit(name).await;
    app.ready_for_approval(&order).await;
    app.pay(&order).await
}

/// Moves an order's payment time back, as if it had waited that long.
async fn paid_ago(app: &TestApp, order: &Order, days: i64) {
    let at = time::OffsetDateTime::now_utc() - time::Duration::days(days);
    sqlx::query("UPDATE orders SET paid_at = $1 WHERE order_no = $2")
        .bind((at.unix_timestamp_nanos() / 1_000_000) as i64)
        .bind(order.order_no.as_str())
        .execute(app.store().pool())
        .await
        .expect("update");
}

fn approve(order: &Order) -> ActionRequest {
    ActionRequest {
        version: Some(order.version),
        ..Default::default()
    }
}

async fn the_queue_lists_paid_orders_oldest_first_against_the_promise(db: Db) {
    let app = TestApp::spawn(db).await;
    let older = paid(&app, "张三").await;
    let newer = paid(&app, "李四").await;
    let _unpaid = app.submit("王五").await;
    paid_ago(&app, &older, 10).await;
    let queue = app
        .client(&app.reviewer)
        .review_queue()
        .await
        .expect("queue");
    let numbers: Vec<&str> = queue
        .items
        .iter()
        .map(|i| i.order.order_no.as_str())
        .collect();
    assert_eq!(numbers, [older.order_no.as_str(), newer.order_no.as_str()]);
    let (first, second) = (&queue.items[0], &queue.items[1]);
    // Two working days of 9:00–17:30.
    assert_eq!(first.promised_minutes, 2 * 510);
    assert_eq!(first.deadline, Deadline::Overdue, "{first:?}");
    assert!(first.waited_minutes >= 2 * 510);
    assert!(second.waited_minutes < 2 * 510);
    assert_ne!(second.deadline, Deadline::Overdue);
    assert!(first.paid_at.is_some() && !first.due_at.is_empty());
    assert_eq!(first.resubmissions, 0);
    assert!(first.claim.is_none());
    assert!(!first.own);
    assert_eq!(first.order.phone.matches('*').count(), 4, "masked");
    // Support agents may look.
    assert_eq!(
        app.client(&app.support)
            .review_queue()
            .await
            .expect("queue")
            .items
            .len(),
        2
    );
    app.finish().await;
}

async fn a_claim_holds_an_order_for_one_reviewer_until_released_or_lapsed(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = paid(&app, "张三").await;
    let (zhao, qian) = (app.client(&app.reviewer), app.client(&app.reviewer2));
    let claim = zhao.claim(&order.order_no, false).await.expect("claim");
    assert_eq!(claim.by.name, "reviewer-zhao");
    // The other reviewer can neither claim nor decide it, and is told who has it.
    let (status, code_, detail) = code(qian.claim(&order.order_no, false).await);
    assert_eq!((status, code_.as_str()), (409, "claimed_by_other"));
    assert!(detail.contains("reviewer-zhao"), "{detail}");
    let (status, code_, _) = code(
        qian.act(&order.order_no, Action::Approve, &approve(&order))
            .await,
    );
    assert_eq!((status, code_.as_str()), (409, "claimed_by_other"));
    let seen = qian.review_queue().await.expect("queue");
    assert_eq!(
        seen.items[0].claim.as_ref().map(|c| c.by.name.as_str()),
        Some("reviewer-zhao")
    );
    // Renewing keeps it and records nothing new.
    let renewed = zhao.claim(&order.order_no, false).await.expect("renew");
    let at = |text: &str| {
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
            .expect("an RFC 3339 time")
    };
    // Compared as times: RFC 3339 text drops trailing zeros (`.1Z` is after `.12Z` as text).
    assert!(at(&renewed.expires_at) >= at(&claim.expires_at));
    let claims = |history: Vec<ca_counter::api::HistoryEntry>| {
        history.iter().filter(|h| h.action == "claim").count()
    };
    let admin = app.client(&app.admin);
    assert_eq!(
        claims(admin.history(&order.order_no).await.expect("history")),
        1
    );
    // A lapsed lease frees it: the other reviewer takes it, the first can no longer decide.
    sqlx::query("UPDATE orders SET claim_expires_at = 1 WHERE order_no = $1")
        .bind(order.order_no.as_str())
        .execute(app.store().pool())
        .await
        .expect("lapse");
    qian.claim(&order.order_no, false)
        .await
        .expect("claim a lapsed order");
    let (status, code_, detail) = code(
        zhao.act(&order.order_no, Action::Approve, &approve(&order))
            .await,
    );
    assert_eq!((status, code_.as_str()), (409, "claimed_by_other"));
    assert!(detail.contains("reviewer-qian"), "{detail}");
    // Releasing frees it at once.
    qian.release(&order.order_no).await.expect("release");
    let (status, code_, _) = code(
        zhao.act(&order.order_no, Action::Approve, &approve(&order))
            .await,
    );
    assert_eq!((status, code_.as_str()), (409, "claim_required"));
    zhao.claim(&order.order_no, false).await.expect("claim");
    let approved = zhao
        .act(&order.order_no, Action::Approve, &approve(&order))
        .await
        .expect("approve");
    assert_eq!(approved.status, OrderStatus::PendingShipment);
    assert!(approved.claim.is_none(), "deciding ends the claim");
    let (status, code_, _) = code(zhao.claim(&order.order_no, false).await);
    assert_eq!((status, code_.as_str()), (409, "not_in_review"));
    // Clerks cannot claim.
    let other = paid(&app, "李四").await;
    let (status, _, _) = code(app.client(&app.clerk).claim(&other.order_no, false).await);
    assert_eq!(status, 403);
    app.finish().await;
}

async fn an_admin_takes_over_a_claim_and_it_is_recorded(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = paid(&app, "张三").await;
    let zhao = app.client(&app.reviewer);
    zhao.claim(&order.order_no, false).await.expect("claim");
    let admin = app.client(&app.admin);
    let (status, code_, _) = code(admin.claim(&order.order_no, false).await);
    assert_eq!((status, code_.as_str()), (409, "claimed_by_other"));
    let (status, _, detail) = code(
        app.client(&app.reviewer2)
            .claim(&order.order_no, true)
            .await,
    );
    assert_eq!(status, 403, "only administrators take over");
    // Said as such: not that a reviewer may not claim at all.
    assert!(
        detail.contains("only an administrator may take over"),
        "{detail}"
    );
    // Asked of their own claim, "take over" is refused to no reviewer: it renews it.
    let own = zhao.claim(&order.order_no, true).await.expect("their own");
    assert_eq!(own.by.name, "reviewer-zhao");
    let taken = admin.claim(&order.order_no, true).await.expect("takeover");
    assert_eq!(taken.by.name, "admin");
    let history = admin.history(&order.order_no).await.expect("history");
    let takeover = history
        .iter()
        .find(|h| h.action == "takeover")
        .expect("a takeover row");
    assert_eq!(takeover.actor.name, "admin");
    assert_eq!(takeover.reason.as_deref(), Some("reviewer-zhao"));

    let (status, code_, _) = code(
        zhao.act(&order.order_no, Action::Approve, &approve(&order))
            .await,
    );
    assert_eq!((status, code_.as_str()), (409, "claimed_by_other"));
    // Freeing someone's claim is recorded too.
    admin.release(&order.order_no).await.expect("release own");
    zhao.claim(&order.order_no, false)
        .await
        .expect("claim again");
    admin
        .release(&order.order_no)
        .await
        .expect("free zhao's claim");
    let history = admin.history(&order.order_no).await.expect("history");
    let freed = history
        .iter()
        .find(|h| h.action == "release")
        .expect("a release row");
    assert_eq!(freed.reason.as_deref(), Some("reviewer-zhao"));

    // A reviewer revoked lets go of what they held: another takes it up at once, not when
    // the lease runs out.
    zhao.claim(&order.order_no, false)
        .await
        .expect("claim before leaving");
    assert!(
        app.store()
            .revoke_operator("reviewer-zhao")
            .await
            .expect("revoke")
    );
    let taken = app
        .client(&app.reviewer2)
        .claim(&order.order_no, false)
        .await
        .expect("free for another reviewer");
    assert_eq!(taken.by.name, "reviewer-qian");
    app.finish().await;
}

/// The notice offers to bring materials to the counter by its deadline: a deadline that
/// falls on a weekend or a holiday moves on to the next working day.
async fn a_correction_deadline_on_a_closed_day_moves_to_the_next_working_day(db: Db) {
    use ca_counter::config::{Day, PlatformConfig, ReviewConfig};
    let china = time::UtcOffset::from_hms(8, 0, 0).expect("offset");
    let today = time::OffsetDateTime::now_utc().to_offset(china).date();
    let plain = today + time::Duration::days(7);
    // The plain deadline and the two days after it are holidays (whatever weekday they
    // are); the weekend after may close more.
    let holidays: Vec<Day> = (0..3)
        .map(|i| Day(plain + time::Duration::days(i)))
        .collect();
    let mut expected = plain + time::Duration::days(3);
    while matches!(
        expected.weekday(),
        time::Weekday::Saturday | time::Weekday::Sunday
    ) {
        expected += time::Duration::days(1);
    }
    let config = PlatformConfig {
        review: ReviewConfig {
            correction_days: 7,
            holidays,
            ..ReviewConfig::default()
        },
        ..PlatformConfig::default()
    };
    let app = TestApp::spawn_with(db, config).await;
    let order = paid(&app, "张三").await;
    app.act(
        &app.reviewer,
        &order,
        Action::Reject,
        ActionRequest {
            reasons: vec!["签字缺失".to_owned()],
            ..Default::default()
        },
    )
    .await;
    let notice = app
        .client(&app.clerk)
        .correction_notice(&order.order_no)
        .await
        .expect("notice");
    let text: String = pdf_text(&notice.bytes).split_whitespace().collect();
    let date = format!(
        "{:04}年{:02}月{:02}日",
        expected.year(),
        u8::from(expected.month()),
        expected.day()
    );
    assert!(text.contains(&format!("请于{date}")), "{date} in {text}");
    assert!(text.contains("遇休息日顺延"), "{text}");
    app.finish().await;
}

async fn a_returned_order_lists_every_reason_and_comes_back_marked(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = paid(&app, "张三").await;
    let reasons = vec!["签字缺失".to_owned(), "信息与实名认证结果不一致".to_owned()];
    let returned = app
        .act(
            &app.reviewer,
            &order,
            Action::Reject,
            ActionRequest {
                reasons: reasons.clone(),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(returned.status, OrderStatus::Rejected);
    assert_eq!(returned.rejection_reasons, reasons);

    // The one-time notice lists every reason.
    let clerk = app.client(&app.clerk);
    let notice = clerk
        .correction_notice(&order.order_no)
        .await
        .expect("notice");
    let text = pdf_text(&notice.bytes);
    // Numbers hang left of their reasons, so the words are compared without spaces.
    let squeezed: String = text.split_whitespace().collect();
    for expected in [
        "补正材料一次性告知书",
        order.order_no.as_str(),
        "1.签字缺失",
        "2.信息与实名认证结果不一致",
        "reviewer-zhao",
    ] {
        assert!(
            squeezed.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    // The customer is told by SMS, with every reason and the notice's link; administrators
    // read the log.
    // Written with the return; the outbox's worker hands it to the `log` provider.
    let started = std::time::Instant::now();
    let messages = loop {
        let messages = app.client(&app.admin).sms_messages().await.expect("sms");
        if messages
            .iter()
            .all(|m| m.status != "queued" && m.status != "sending")
            || started.elapsed() > std::time::Duration::from_secs(10)
        {
            break messages;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(messages.len(), 1);
    let sms = &messages[0];
    assert_eq!(sms.order_no.as_deref(), Some(order.order_no.as_str()));
    assert_eq!(
        (sms.status.as_str(), sms.kind.as_deref()),
        ("logged", Some("returned"))
    );
    assert!(
        sms.body.contains("签字缺失")
            && sms.body.contains("信息与实名认证结果不一致")
            && sms.body.contains("/m/notice/"),
        "{}",
        sms.body
    );
    let (status, _, _) = code(app.client(&app.reviewer).sms_messages().await);
    assert_eq!(status, 403);

    // The clerk hands in the corrected scan and resubmits: back in the queue, marked.
    let corrected = clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::Correction,
            "corrected.png",
            crate::common::scan_png(302, 394),
        )
        .await
        .expect("upload");
    let again = app
        .act(
            &app.clerk,
            &returned,
            Action::Resubmit,
            ActionRequest {
                attachment_ids: vec![corrected.id],
                ..Default::default()
            },
        )
        .await;
    assert_eq!(again.status, OrderStatus::PendingReview);
    assert_eq!(again.resubmissions, 1);
    let queue = app
        .client(&app.reviewer2)
        .review_queue()
        .await
        .expect("queue");
    assert_eq!(queue.items[0].resubmissions, 1);
    let (status, code_, _) = code(clerk.correction_notice(&order.order_no).await);
    assert_eq!((status, code_.as_str()), (409, "not_returned"));
    let approved = app
        .act(&app.reviewer2, &again, Action::Approve, Default::default())
        .await;
    assert_eq!(approved.status, OrderStatus::PendingShipment);
    app.finish().await;
}

/// A real PNG, `width`×`height`, left half red, right half blue, a black rule across its
/// top (something on it: two flat colours alone are as good as blank in grey).
fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        if y < height / 20 {
            image::Rgb([0, 0, 0])
        } else if x < width / 2 {
            image::Rgb([220, 20, 20])
        } else {
            image::Rgb([20, 20, 220])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

async fn scans_are_scaled_on_the_platform_and_pdfs_say_their_pages(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.submit("张三").await;
    let clerk = app.client(&app.clerk);
    let scan = clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::SignedForm,
            "scan.png",
            png(1600, 800),
        )
        .await
        .expect("upload");
    let reviewer = app.client(&app.reviewer);
    let small = reviewer
        .attachment_preview(&scan.id, 1, 160, 96)
        .await
        .expect("preview");
    assert_eq!(small.pages, 1, "an image is one page");
    let small = small.bytes;
    let decoded = image::load_from_memory(&small).expect("a png");
    assert_eq!(
        (decoded.width(), decoded.height()),
        (160, 80),
        "fits, proportions kept"
    );
    assert!(
        small.len() < 20_000,
        "{} bytes for a slow link",
        small.len()
    );
    let rgb = decoded.to_rgb8();
    assert!(rgb.get_pixel(10, 40)[0] > 150, "red stays on the left");
    assert!(rgb.get_pixel(150, 40)[2] > 150, "blue on the right");
    // Never scaled up.
    let whole = reviewer
        .attachment_preview(&scan.id, 1, 2048, 2048)
        .await
        .expect("preview");
    let decoded = image::load_from_memory(&whole.bytes).expect("a png");
    assert_eq!((decoded.width(), decoded.height()), (1600, 800));
    // An image has no second page; a page below the first is said to be one.
    let (status, code_, _) = code(reviewer.attachment_preview(&scan.id, 2, 160, 96).await);
    assert_eq!((status, code_.as_str()), (422, "validation_failed"));
    for page in ["0", "-1"] {
        let response = app
            .http
            .get(app.url(&format!(
                "/api/v1/attachments/{}/preview?page={page}",
                scan.id
            )))
            .bearer_auth(&app.reviewer)
            .header("accept-language", "en")
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 422, "{page}");
        let problem: ca_counter::api::Problem = response.json().await.expect("problem");
        assert_eq!(
            problem.errors[0].message, "pages are numbered from 1",
            "{page}"
        );
    }

    let pdf = crate::common::scan_pdf(2, 0);
    let form = clerk
        .upload_attachment(&order.order_no, AttachmentKind::SignedForm, "scan.pdf", pdf)
        .await
        .expect("upload pdf");
    let (status, code_, detail) = code(reviewer.attachment_preview(&form.id, 1, 160, 96).await);
    assert_eq!((status, code_.as_str()), (409, "no_preview"));
    assert!(detail.contains('2'), "{detail}");
    app.finish().await;
}

async fn claims_at_the_same_moment_get_one_holder(db: Db) {
    let app = TestApp::spawn(db).await;
    // As many rounds as the other races (a lock-order or compare-and-set defect loses
    // most of them).
    for round in 0..crate::races::ROUNDS {
        let order = paid(&app, &format!("客户{}", crate::common::han(round))).await;
        let tokens = [
            app.reviewer.clone(),
            app.reviewer2.clone(),
            app.admin.clone(),
        ];
        let tasks: Vec<_> = tokens
            .into_iter()
            .map(|token| {
                let client = app.client(&token);
                let order_no = order.order_no.clone();
                tokio::spawn(async move { client.claim(&order_no, false).await })
            })
            .collect();
        let mut held = Vec::new();
        for task in tasks {
            match task.await.expect("join") {
                Ok(claim) => held.push(claim.by.name),
                Err(e) => assert_eq!(
                    e.problem().map(|p| p.code.as_str()),
                    Some("claimed_by_other"),
                    "{e}"
                ),
            }
        }
        assert_eq!(held.len(), 1, "round {round}: {held:?}");
        let seen = app
            .client(&app.admin)
            .order(&order.order_no, false)
            .await
            .expect("order");
        assert_eq!(seen.claim.map(|c| c.by.name), held.pop());
    }
    // Whoever submitted an order does not review it.
    let own = app.submit_as(&app.clerk_reviewer, "李四").await;
    let own = app.pay(&own).await;
    let (status, code_, _) = code(
        app.client(&app.clerk_reviewer)
            .claim(&own.order_no, false)
            .await,
    );
    assert_eq!((status, code_.as_str()), (403, "self_review"));
    app.finish().await;
}

/// The review queue is read in its order from the partial index of the orders waiting
/// for review (no sort, no walk of other orders), also as a generic plan on PostgreSQL; an
/// order that has no invoice token, parcel or review yet takes no entry in their indexes.
async fn the_queue_is_read_from_its_own_index_and_a_new_order_enters_none_it_need_not(db: Db) {
    let app = TestApp::spawn(db).await;
    let store = app.store();
    store.load_demo_orders(600, 3, |_| {}).await.expect("load");
    let pool = store.pool();
    let queue = format!(
        "SELECT o.order_no FROM orders o WHERE {} LIMIT $1",
        ca_counter::server::store::REVIEW_QUEUE
    );
    let tracking = "SELECT order_no FROM orders WHERE carrier = $1 AND tracking_no = $2";
    match store.backend() {
        ca_counter::server::store::Backend::Sqlite => {
            for (sql, args, index) in [
                (&queue, 1, "orders_review"),
                (&tracking.to_owned(), 2, "orders_tracking"),
            ] {
                let explain = format!("EXPLAIN QUERY PLAN {sql}");
                let mut plan = sqlx::query_as::<_, (i64, i64, i64, String)>(&explain);
                plan = if args == 1 {
                    plan.bind(100_i64)
                } else {
                    plan.bind("sf").bind("SF1")
                };
                let plan = plan.fetch_all(pool).await.expect("plan");
                let text: Vec<&str> = plan.iter().map(|r| r.3.as_str()).collect();
                assert!(
                    text.iter().any(|line| line.contains(index)),
                    "{sql}: {text:?}"
                );
                assert!(
                    !text.iter().any(|line| line.contains("TEMP B-TREE")),
                    "{text:?}"
                );
            }
            let partial: Vec<(String,)> = sqlx::query_as(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'orders' \
                 AND sql LIKE '% WHERE %' ORDER BY name",
            )
            .fetch_all(pool)
            .await
            .expect("indexes");
            assert_eq!(
                partial.into_iter().map(|r| r.0).collect::<Vec<_>>(),
                [
                    // 已完成 orders held by a reversal under way (or cut short).
                    "orders_completed_held",
                    "orders_invoice_token",
                    "orders_review",
                    "orders_tracking",
                    // A parcel's number alone, for search: only mailed orders' rows.
                    "orders_tracking_no",
                ]
            );
        }
        ca_counter::server::store::Backend::Postgres => {
            crate::search::assert_generic_plans(
                pool,
                &[
                    ("q_queue", queue.as_str(), "(100)", "using orders_review"),
                    (
                        "q_tracking",
                        tracking,
                        "('sf', 'SF1')",
                        "using orders_tracking",
                    ),
                ],
            )
            .await;
            let mut conn = pool.acquire().await.expect("connection");
            let partial: Vec<(String,)> = sqlx::query_as(
                "SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'orders' \
                 AND indexdef LIKE '% WHERE %' ORDER BY indexname",
            )
            .fetch_all(&mut *conn)
            .await
            .expect("indexes");
            assert_eq!(
                partial.into_iter().map(|r| r.0).collect::<Vec<_>>(),
                [
                    // 已完成 orders held by a reversal under way (or cut short).
                    "orders_completed_held",
                    "orders_invoice_token",
                    "orders_review",
                    "orders_tracking",
                    // A parcel's number alone, for search: only mailed orders' rows.
                    "orders_tracking_no",
                ]
            );
        }
    }
    app.finish().await;
}

/// An order made through the API without the counter's steps is paid and reviewed, but
/// approved only once its customer was verified as its applicant and its signed form is
/// in; the reviewer is told each thing missing, and nothing changes meanwhile. Its e-mail
/// is masked like its phone for whoever does not reveal.
async fn an_order_is_approved_only_with_its_applicant_verified_and_its_form_signed(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.pay(&app.submit("张三").await).await;
    let zhao = app.client(&app.reviewer);
    zhao.claim(&order.order_no, false).await.expect("claim");
    let refused = |detail: &str, wanted: &[&str], unwanted: &[&str]| {
        for w in wanted {
            assert!(detail.contains(w), "{w}: {detail}");
        }
        for u in unwanted {
            assert!(!detail.contains(u), "{u}: {detail}");
        }
    };
    let (status, code_, detail) = code(
        zhao.act(&order.order_no, Action::Approve, &approve(&order))
            .await,
    );
    assert_eq!((status, code_.as_str()), (409, "not_ready_for_approval"));
    // The queue marks it so before it is opened.
    let gaps = |queue: ca_counter::api::ReviewQueue| {
        queue
            .items
            .into_iter()
            .find(|i| i.order.order_no == order.order_no)
            .map(|i| i.gaps)
    };
    use ca_counter::domain::ApprovalGap;
    assert_eq!(
        gaps(zhao.review_queue().await.expect("queue")),
        Some(vec![ApprovalGap::NotVerified, ApprovalGap::NoSignedForm])
    );
    refused(
        &detail,
        &[
            "the customer has not passed the real-name check",
            "and there is no scan of the signed application form",
            "Return it, naming what is missing",
        ],
        &[],
    );

    // Verified, but with another ID number than the order's applicant gave.
    app.verify_customer(&order.customer_id, "张三", "110105199003071239")
        .await;
    app.client(&app.clerk)
        .upload_attachment(
            &order.order_no,
            AttachmentKind::SignedForm,
            "signed.png",
            crate::common::scan_png(300, 390),
        )
        .await
        .expect("scan");
    let current = zhao.order(&order.order_no, false).await.expect("order");
    // A version seen before the payment: stale, said so before anything else.
    let stale = ActionRequest {
        version: Some(current.version - 1),
        ..ActionRequest::default()
    };
    let (status, code_, _) = code(zhao.act(&order.order_no, Action::Approve, &stale).await);
    assert_eq!((status, code_.as_str()), (409, "version_conflict"));
    let (status, code_, detail) = code(
        zhao.act(&order.order_no, Action::Approve, &approve(&current))
            .await,
    );
    assert_eq!((status, code_.as_str()), (409, "not_ready_for_approval"));
    refused(&detail, &["another name or ID number"], &["scan"]);
    assert_eq!(
        gaps(zhao.review_queue().await.expect("queue")),
        Some(vec![ApprovalGap::NotTheApplicant])
    );
    let unchanged = zhao.order(&order.order_no, false).await.expect("order");
    assert_eq!(
        (unchanged.status, unchanged.version),
        (OrderStatus::PendingReview, current.version)
    );

    // Verified as the applicant: nothing missing, approved. (A verified identity is never
    // replaced through the platform; the test makes the customer unverified again.)
    sqlx::query("UPDATE customers SET realname_verified_at = NULL WHERE id = $1")
        .bind(&order.customer_id)
        .execute(app.store().pool())
        .await
        .expect("unverify");
    app.verify_customer(&order.customer_id, "张三", "11010519491231002X")
        .await;
    assert_eq!(
        gaps(zhao.review_queue().await.expect("queue")),
        Some(vec![])
    );
    let approved = zhao
        .act(&order.order_no, Action::Approve, &approve(&current))
        .await
        .expect("approve");
    assert_eq!(approved.status, OrderStatus::PendingShipment);

    // The e-mail, masked for a role that does not reveal.
    let seen = app
        .client(&app.support)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert_eq!(seen.applicant.email.as_deref(), Some("z***@example.com"));
    app.finish().await;
}

/// An order paid two months ago, returned and corrected today: the promise to mail it
/// counts from the correction, as the terms say — the date support reads out and the
/// queue's waiting time (it said two months overdue, the date long past).
async fn the_promise_counts_from_the_correction_after_a_return(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let order = app.submit("张三").await;
    let order = app.pay(&order).await;
    let long_ago = time::OffsetDateTime::now_utc().unix_timestamp() * 1000 - 60 * 86_400_000;
    sqlx::query("UPDATE orders SET paid_at = $1 WHERE order_no = $2")
        .bind(long_ago)
        .bind(order.order_no.as_str())
        .execute(app.store().pool())
        .await
        .expect("paid two months ago");
    let paid_long_ago = clerk.order(&order.order_no, false).await.expect("order");
    let overdue = paid_long_ago.mailed_by.clone().expect("a promise");
    // Paid yesterday and never returned: it has waited longer than the correction.
    let yesterday = paid(&app, "李四").await;
    paid_ago(&app, &yesterday, 1).await;
    let order = app.returned(&paid_long_ago, &["申请表签字不清晰"]).await;
    let order = app.resubmitted(&order).await;
    let promised = order.mailed_by.clone().expect("a promise");
    let now = time::OffsetDateTime::now_utc();
    let promised_at =
        time::OffsetDateTime::parse(&promised, &time::format_description::well_known::Rfc3339)
            .expect("rfc 3339");
    assert!(
        promised_at > now,
        "{promised} (before the correction: {overdue})"
    );
    let queue = app
        .client(&app.reviewer)
        .review_queue()
        .await
        .expect("queue");
    let item = queue
        .items
        .iter()
        .find(|i| i.order.order_no == order.order_no)
        .expect("queued");
    assert!(item.waited_minutes < 60, "{item:?}");
    assert_ne!(item.deadline, Deadline::Overdue, "{item:?}");
    // Listed as it waits: the one paid yesterday first (it was listed by payment, the
    // correction of today first as paid two months ago).
    let listed = |items: Vec<&str>| items == [yesterday.order_no.as_str(), order.order_no.as_str()];
    let numbers: Vec<&str> = queue
        .items
        .iter()
        .map(|i| i.order.order_no.as_str())
        .collect();
    assert!(listed(numbers.clone()), "{numbers:?}");
    // Approved, the mailroom's queue counts from the correction too, and lists so.
    let approved = app
        .act(&app.reviewer, &order, Action::Approve, approve(&order))
        .await;
    assert_eq!(approved.status, OrderStatus::PendingShipment);
    let yesterday = clerk
        .order(&yesterday.order_no, false)
        .await
        .expect("order");
    app.act(
        &app.reviewer,
        &yesterday,
        Action::Approve,
        approve(&yesterday),
    )
    .await;
    let mailing = app
        .client(&app.mailroom)
        .mailing_queue()
        .await
        .expect("mailing queue");
    let item = mailing
        .items
        .iter()
        .find(|i| i.order.order_no == order.order_no)
        .expect("to be mailed");
    assert!(item.waited_minutes < 60, "{item:?}");
    let numbers: Vec<&str> = mailing
        .items
        .iter()
        .map(|i| i.order.order_no.as_str())
        .collect();
    assert!(listed(numbers.clone()), "{numbers:?}");
    app.finish().await;
}

/// A person's order paid online is not returned for an organisation's stamp nor for its
/// voucher (the customer was asked for a voucher of a transfer never made): refused on
/// the reason, nothing changed; an order paid by transfer is returned for its voucher.
async fn a_return_asks_only_for_what_the_order_can_answer(db: Db) {
    let app = TestApp::spawn(db).await;
    let reviewer = app.client(&app.reviewer);
    let online = paid(&app, "张三").await;
    reviewer
        .claim(&online.order_no, false)
        .await
        .expect("claim");
    // Nor for what the correction notice cannot print (it came out as `[U+FDFD]`).
    for reason in ["转账凭证金额不符", "缺少单位公章", "请补充\u{FDFD}说明"] {
        let refused = reviewer
            .act(
                &online.order_no,
                Action::Reject,
                &ActionRequest {
                    version: Some(online.version),
                    reasons: vec!["申请表签字不清晰".into(), reason.into()],
                    ..Default::default()
                },
            )
            .await
            .expect_err("not for this order");
        let problem = refused.problem().cloned().expect("a problem");
        assert_eq!(problem.status, 422, "{problem:?}");
        assert!(
            problem.errors.iter().any(|e| e.field == "reasons[1]"),
            "{problem:?}"
        );
    }
    // A field not taken is named once, not also judged (a reject's over-long `reason`
    // was named twice: not taken, and too long).
    let refused = reviewer
        .act(
            &online.order_no,
            Action::Reject,
            &ActionRequest {
                version: Some(online.version),
                reasons: vec!["申请表签字不清晰".into()],
                reason: Some("很".repeat(600)),
                ..Default::default()
            },
        )
        .await
        .expect_err("reason is not taken");
    let problem = refused.problem().cloned().expect("a problem");
    let named = problem
        .errors
        .iter()
        .filter(|e| e.field == "reason")
        .count();
    assert_eq!(named, 1, "{problem:?}");
    let still = reviewer
        .order(&online.order_no, false)
        .await
        .expect("order");
    assert_eq!(
        (still.status, still.version),
        (OrderStatus::PendingReview, online.version)
    );
    let order = app.submit("李四").await;
    let order = app.by_transfer(&order).await;
    let order = app
        .send_voucher(&order, crate::common::voucher_jpeg(800, 600))
        .await;
    // (The same reason twice is one.)
    let returned = app
        .returned(&order, &["转账凭证金额不符", "转账凭证金额不符"])
        .await;
    assert_eq!(returned.status, OrderStatus::Rejected);
    assert_eq!(returned.rejection_reasons, ["转账凭证金额不符"]);
    // The customer's page gives the amount and the account again beside the reason: the
    // step that showed them is behind them, and "the amount is wrong" alone says not what
    // is right.
    let account = app
        .client(&app.clerk)
        .bank_account()
        .await
        .expect("bank account");
    let (_, mut browser) =
        crate::common::customer::signed_in_owner(&app, order.order_no.as_str()).await;
    let page = browser.get(&format!("/orders/{}", order.order_no)).await;
    let amount = ca_counter::domain::Money::from_fen(returned.amount_fen)
        .expect("amount")
        .to_string();
    assert!(
        page.html.contains("转账凭证金额不符")
            && page.html.contains("请补转差额")
            && !page.html.contains("form.pdf")
            && page.html.contains("请在下面上传转账凭证")
            && !page.html.contains("重新打印签字的申请表")
            && !page.html.contains("补正材料（申请表、转账回单等）")
            && page.html.contains(&account.account_no)
            && page.html.contains(&amount),
        "{}",
        page.html
    );
    // The voucher sent before the return, sent again as the page's words might be read:
    // said to be on the order already (not "correct it and photograph it again").
    let version = crate::common::customer::hidden(&page.html, "version");
    let again = browser
        .upload(
            &format!("/orders/{}/correction", order.order_no),
            &version,
            crate::common::voucher_jpeg(800, 600),
            "image/jpeg",
        )
        .await;
    assert!(
        again.html.contains("仍在订单上") && !again.html.contains("修改后，重新拍照"),
        "{}",
        again.html
    );
    // The new voucher, sent from the phone, is not said to lack a form's code (a bank's
    // slip carries none).
    let page = browser.get(&format!("/orders/{}", order.order_no)).await;
    let version = crate::common::customer::hidden(&page.html, "version");
    let sent = browser
        .upload(
            &format!("/orders/{}/correction", order.order_no),
            &version,
            crate::common::voucher_jpeg(900, 640),
            "image/jpeg",
        )
        .await;
    assert_eq!(sent.status, reqwest::StatusCode::SEE_OTHER, "{}", sent.html);
    let page = browser.get(&format!("/orders/{}", order.order_no)).await;
    assert!(
        page.html.contains("已上传 1 份补正材料") && !page.html.contains("二维码"),
        "{}",
        page.html
    );
    // Sent back, the transfer counts as paid from then: the receipt's date is the new
    // voucher's, not the refused one's (an hour back here).
    sqlx::query("UPDATE orders SET paid_at = paid_at - 3600000 WHERE order_no = $1")
        .bind(order.order_no.to_string())
        .execute(app.store().pool())
        .await
        .expect("an hour back");
    let before = app
        .client(&app.clerk)
        .order(&order.order_no, false)
        .await
        .expect("order")
        .paid_at;
    // (Sent by the counter: this customer has not passed the check the phone asks for.)
    let seen = app
        .client(&app.clerk)
        .order(&order.order_no, false)
        .await
        .expect("order");
    let voucher = seen
        .attachments
        .iter()
        .find(|a| a.kind == ca_counter::api::AttachmentKind::Correction)
        .expect("the new voucher");
    // Nor to the reviewer: no check kept to flag it (the queue's 核, the pane's warning).
    assert_eq!(voucher.scan_check, None, "{voucher:?}");
    let voucher = voucher.id.clone();
    let resubmitted = app
        .client(&app.clerk)
        .act(
            &order.order_no,
            Action::Resubmit,
            &ActionRequest {
                version: Some(seen.version),
                attachment_ids: vec![voucher],
                ..Default::default()
            },
        )
        .await
        .expect("sent back");
    assert_eq!(resubmitted.status, OrderStatus::PendingReview);
    assert!(
        resubmitted.paid_at.is_some() && resubmitted.paid_at > before,
        "{before:?} → {:?}",
        resubmitted.paid_at
    );
    app.finish().await;
}
