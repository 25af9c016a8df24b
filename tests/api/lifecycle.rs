//! The transition table through the API: every allowed step reachable, every other one
//! refused, races decided by the database.

use std::collections::HashSet;

use ca_counter::api::{ActionRequest, AttachmentKind, ClientError, Order, Problem};
use ca_counter::domain::{Action, OrderStatus, TRANSITIONS};

use crate::common::{Db, TestApp};
use crate::on_both_databases;

on_both_databases!(
    every_transition_in_the_table_is_reachable_through_the_api,
    every_transition_not_in_the_table_is_refused_and_changes_nothing,
    two_reviewers_approving_at_the_same_moment_get_one_winner,
    a_clerk_calling_approve_is_forbidden,
    a_reviewer_cannot_approve_an_order_they_submitted,
    a_reviewer_cannot_decide_an_order_whose_voucher_they_sent,
    a_stale_version_is_a_conflict_with_the_current_state,
    actions_ask_for_what_they_need,
    payment_is_confirmed_by_the_provider_not_by_hand,
    support_may_add_notes_but_change_nothing,
    a_payment_code_refused_says_why,
);

fn problem(result: Result<Order, ClientError>) -> Problem {
    match result {
        Ok(order) => panic!(
            "expected a refusal, got {} in {}",
            order.order_no, order.status
        ),
        Err(e) => e
            .problem()
            .cloned()
            .unwrap_or_else(|| panic!("expected a problem, got {e}")),
    }
}

fn reason(text: &str) -> ActionRequest {
    ActionRequest {
        reason: Some(text.into()),
        ..Default::default()
    }
}

/// Drives orders into every status along every edge of the table; returns one order per
/// status and the edges taken.
async fn walk_the_table(app: &TestApp) -> (Vec<Order>, HashSet<(Action, OrderStatus)>) {
    let mut taken = HashSet::new();
    let mut by_status = Vec::new();
    let mut step = |order: &Order, action: Action| {
        taken.insert((action, order.status));
    };

    // Alipay-like path: pay → approve → ship → invoice.
    let a = app.submit("甲").await;
    by_status.push(a.clone());
    step(&a, Action::Pay);
    let a = app.pay(&a).await;
    assert_eq!(a.status, OrderStatus::PendingReview);
    by_status.push(a.clone());
    step(&a, Action::Approve);
    let a = app
        .act(&app.reviewer, &a, Action::Approve, Default::default())
        .await;
    assert_eq!(a.status, OrderStatus::PendingShipment);
    by_status.push(a.clone());
    step(&a, Action::Ship);
    let ship = |number: &str| ActionRequest {
        carrier: Some("ems".into()),
        tracking_no: Some(number.into()),
        ..Default::default()
    };
    let a = app
        .act(&app.mailroom, &a, Action::Ship, ship("1234567890123"))
        .await;
    assert_eq!(a.status, OrderStatus::PendingInvoice);
    assert_eq!(a.shipment.as_ref().map(|s| s.carrier.as_str()), Some("ems"));
    // The courier brings it back: to be mailed again, then mailed with a new number.
    step(&a, Action::ReturnParcel);
    let a = app
        .act(
            &app.mailroom,
            &a,
            Action::ReturnParcel,
            ActionRequest {
                reason: Some("地址不详".into()),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(a.status, OrderStatus::PendingShipment);
    let a = app
        .act(&app.mailroom, &a, Action::Ship, ship("EA314159268CN"))
        .await;
    assert_eq!(a.status, OrderStatus::PendingInvoice);
    by_status.push(a.clone());
    step(&a, Action::IssueInvoice);
    let a = app
        .client(&app.finance)
        .issue_invoice(
            &a.order_no,
            &ca_counter::api::IssueInvoice {
                version: Some(a.version),
                request: Some(ca_counter::domain::InvoiceRequestInput {
                    buyer_kind: Some("individual".into()),
                    invoice_kind: Some("normal".into()),
                    buyer_name: "甲".into(),
                    email: "jia@example.com".into(),
                    ..Default::default()
                }),
            },
        )
        .await
        .expect("issue the invoice");
    assert_eq!(a.status, OrderStatus::Completed);
    // Issued to the wrong name: reversed by a red-letter invoice, and issued anew.
    step(&a, Action::ReverseInvoice);
    let a = app
        .act(
            &app.finance,
            &a,
            Action::ReverseInvoice,
            ActionRequest {
                reason: Some("抬头错误".into()),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(a.status, OrderStatus::PendingInvoice);
    let a = app
        .client(&app.finance)
        .issue_invoice(
            &a.order_no,
            &ca_counter::api::IssueInvoice {
                version: Some(a.version),
                // To the right name (issued with none, the reversed request is refused:
                // invoice_reversal).
                request: Some(ca_counter::domain::InvoiceRequestInput {
                    buyer_kind: Some("individual".into()),
                    invoice_kind: Some("normal".into()),
                    buyer_name: "张三".into(),
                    email: "jia@example.com".into(),
                    ..Default::default()
                }),
            },
        )
        .await
        .expect("issue the invoice again");
    assert_eq!(a.status, OrderStatus::Completed);
    // Its parcel comes back after all: mailed again, and 已完成 again under that invoice.
    step(&a, Action::ReturnParcel);
    let a = app
        .act(
            &app.mailroom,
            &a,
            Action::ReturnParcel,
            ActionRequest {
                reason: Some("拒收".into()),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(a.status, OrderStatus::PendingShipment);
    let a = app
        .act(&app.mailroom, &a, Action::Ship, ship("EA271828189CN"))
        .await;
    assert_eq!(a.status, OrderStatus::Completed);
    by_status.push(a.clone());

    // Bank transfer path with a return for correction.
    let b = app.submit("乙").await;
    step(&b, Action::ChooseBankTransfer);
    let b = app
        .act(
            &app.clerk,
            &b,
            Action::ChooseBankTransfer,
            Default::default(),
        )
        .await;
    assert_eq!(b.status, OrderStatus::PendingVoucher);
    // Not transferred after all: back to paying online, and to the transfer again.
    step(&b, Action::ChooseOnlinePayment);
    let b = app
        .act(
            &app.clerk,
            &b,
            Action::ChooseOnlinePayment,
            Default::default(),
        )
        .await;
    assert_eq!(b.status, OrderStatus::PendingPayment);
    assert_eq!(b.payment_method, None);
    let b = app
        .act(
            &app.clerk,
            &b,
            Action::ChooseBankTransfer,
            Default::default(),
        )
        .await;
    assert_eq!(b.status, OrderStatus::PendingVoucher);
    by_status.push(b.clone());
    let clerk = app.client(&app.clerk);
    let voucher = clerk
        .upload_attachment(
            &b.order_no,
            AttachmentKind::Voucher,
            "voucher.jpg",
            crate::common::voucher_jpeg(392, 336),
        )
        .await
        .expect("voucher upload");
    step(&b, Action::UploadVoucher);
    let with_voucher = ActionRequest {
        attachment_ids: vec![voucher.id.clone()],
        ..Default::default()
    };
    let b = app
        .act(&app.clerk, &b, Action::UploadVoucher, with_voucher)
        .await;
    assert_eq!(b.status, OrderStatus::PendingReview);
    step(&b, Action::Reject);
    // More reasons than the contract's 20 are refused next to the field, changing nothing
    // (a thousand once went into the customer's text and notice).
    let reviewer = app.client(&app.reviewer);
    reviewer.claim(&b.order_no, false).await.expect("claim");
    let too_many = ActionRequest {
        version: Some(b.version),
        reasons: vec!["签名缺失".into(); 21],
        ..Default::default()
    };
    let refused = problem(reviewer.act(&b.order_no, Action::Reject, &too_many).await);
    assert_eq!(refused.status, 422);
    assert!(
        refused.errors.iter().any(|e| e.field == "reasons"),
        "{refused:?}"
    );
    let unchanged = reviewer.order(&b.order_no, false).await.expect("order");
    assert_eq!((unchanged.status, unchanged.version), (b.status, b.version));
    let reject = ActionRequest {
        reasons: vec!["签名缺失".into(), "转账金额不符".into()],
        ..Default::default()
    };
    let b = app.act(&app.reviewer, &b, Action::Reject, reject).await;
    assert_eq!(b.status, OrderStatus::Rejected);
    assert_eq!(b.rejection_reasons, ["签名缺失", "转账金额不符"]);
    by_status.push(b.clone());
    let corrected = clerk
        .upload_attachment(
            &b.order_no,
            AttachmentKind::Correction,
            "signed-again.jpg",
            // Scanned anew: the very voucher sent before the return is no correction.
            crate::common::voucher_jpeg(393, 350),
        )
        .await
        .expect("correction upload");
    step(&b, Action::Resubmit);
    let resubmit = ActionRequest {
        attachment_ids: vec![corrected.id],
        ..Default::default()
    };
    let b = app.act(&app.clerk, &b, Action::Resubmit, resubmit).await;
    assert_eq!(b.status, OrderStatus::PendingReview);
    assert!(b.rejection_reasons.is_empty());
    let b = app
        .act(&app.reviewer2, &b, Action::Approve, Default::default())
        .await;
    let b = app
        .act(&app.mailroom, &b, Action::Ship, ship("EA123456785CN"))
        .await;
    step(&b, Action::DeclineInvoice);
    let b = app
        .act(
            &app.finance,
            &b,
            Action::DeclineInvoice,
            reason("客户不需要发票"),
        )
        .await;
    assert_eq!(b.status, OrderStatus::Completed);

    // Cancellations from both unpaid statuses.
    let c = app.submit("丙").await;
    step(&c, Action::Cancel);
    let c = app
        .act(&app.clerk, &c, Action::Cancel, reason("客户改日再来"))
        .await;
    assert_eq!(c.status, OrderStatus::Cancelled);
    by_status.push(c);
    let d = app.submit("丁").await;
    let d = app
        .act(
            &app.clerk,
            &d,
            Action::ChooseBankTransfer,
            Default::default(),
        )
        .await;
    step(&d, Action::Cancel);
    let d = app
        .act(&app.clerk, &d, Action::Cancel, reason("客户放弃"))
        .await;
    assert_eq!(d.status, OrderStatus::Cancelled);

    (by_status, taken)
}

async fn every_transition_in_the_table_is_reachable_through_the_api(db: Db) {
    let app = TestApp::spawn(db).await;
    let (_, taken) = walk_the_table(&app).await;
    for (action, from, _) in TRANSITIONS {
        assert!(
            taken.contains(&(*action, *from)),
            "{action} from {from} never taken"
        );
    }
    app.finish().await;
}

async fn every_transition_not_in_the_table_is_refused_and_changes_nothing(db: Db) {
    let app = TestApp::spawn(db).await;
    let (orders, _) = walk_the_table(&app).await;
    let statuses: HashSet<OrderStatus> = orders.iter().map(|o| o.status).collect();
    assert_eq!(
        statuses.len(),
        OrderStatus::ALL.len(),
        "one order in every status"
    );
    let admin = app.client(&app.admin);
    for order in &orders {
        let current = admin.order(&order.order_no, false).await.expect("order");
        for action in Action::ALL {
            if action.is_provider_only()
                || ca_counter::domain::next_status(action, current.status).is_some()
            {
                continue;
            }
            let request = ActionRequest {
                version: Some(current.version),
                reason: Some("x".into()),
                reasons: vec!["x".into()],
                carrier: Some("ems".into()),
                tracking_no: Some("1234567890".into()),
                invoice_no: Some("1".into()),
                ..Default::default()
            };
            let refused = problem(admin.act(&current.order_no, action, &request).await);
            if action == Action::IssueInvoice {
                // Never an action to post, whatever the status: not "not now".
                assert_eq!(
                    (refused.status, refused.code.as_str()),
                    (400, "issue_through_invoice"),
                    "from {}",
                    current.status
                );
                continue;
            }
            assert_eq!(refused.status, 409, "{action} from {}", current.status);
            assert_eq!(refused.code, "invalid_transition");
            assert_eq!(refused.current_status, Some(current.status));
            let after = admin.order(&current.order_no, false).await.expect("order");
            assert_eq!(
                (after.status, after.version),
                (current.status, current.version)
            );
        }
    }
    app.finish().await;
}

async fn two_reviewers_approving_at_the_same_moment_get_one_winner(db: Db) {
    let app = TestApp::spawn(db).await;
    // Each reviewer opens the order (claims it) and approves at once, as fast as they can:
    // as many rounds as the payment races, exactly one decision each, the other told
    // clearly why not.
    for round in 0..crate::races::ROUNDS {
        let order = app
            .submit(&format!("客户{}", crate::common::han(round)))
            .await;
        app.ready_for_approval(&order).await;
        let order = app.pay(&order).await;
        let race = |token: String| {
            let client = app.client(&token);
            let order_no = order.order_no.clone();
            let request = ActionRequest {
                version: Some(order.version),
                ..Default::default()
            };
            tokio::spawn(async move {
                client.claim(&order_no, false).await?;
                client.act(&order_no, Action::Approve, &request).await
            })
        };
        let (a, b) = tokio::join!(race(app.reviewer.clone()), race(app.reviewer2.clone()));
        let results = [a.expect("join"), b.expect("join")];
        let wins = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(wins, 1, "round {round}: {results:?}");
        let loser = results
            .into_iter()
            .find_map(Result::err)
            .expect("one loser");
        let problem = loser.problem().cloned().expect("problem");
        assert_eq!(problem.status, 409);
        assert!(
            // The claim decides the race: never two claims, so never a version conflict
            // between two holders.
            matches!(problem.code.as_str(), "claimed_by_other" | "not_in_review"),
            "{problem:?}"
        );
        assert!(!problem.detail.is_empty());
        let history = app
            .client(&app.admin)
            .history(&order.order_no)
            .await
            .expect("history");
        assert_eq!(
            history.iter().filter(|h| h.action == "approve").count(),
            1,
            "round {round}"
        );
    }
    app.finish().await;
}

async fn a_clerk_calling_approve_is_forbidden(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.pay(&app.submit("张三").await).await;
    let request = ActionRequest {
        version: Some(order.version),
        ..Default::default()
    };
    let refused = problem(
        app.client(&app.clerk)
            .act(&order.order_no, Action::Approve, &request)
            .await,
    );
    assert_eq!(refused.status, 403);
    assert_eq!(refused.code, "forbidden");
    assert!(refused.detail.contains("clerk"), "{refused:?}");
    // And whom to ask: the roles that may.
    assert!(
        refused.detail.contains("it is for: reviewer, admin"),
        "{refused:?}"
    );
    let after = app
        .client(&app.clerk)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert_eq!(after.status, OrderStatus::PendingReview);
    assert!(!after.allowed_actions.contains(&Action::Approve));
    app.finish().await;
}

async fn a_reviewer_cannot_approve_an_order_they_submitted(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.submit_as(&app.clerk_reviewer, "张三").await;
    let order = app.pay(&order).await;
    let own = app.client(&app.clerk_reviewer);
    let seen = own.order(&order.order_no, false).await.expect("order");
    // Neither decision of the review is theirs: not offered, and refused as such.
    for action in [Action::Approve, Action::Reject] {
        assert!(
            !seen.allowed_actions.contains(&action),
            "{action} not offered"
        );
        let request = ActionRequest {
            version: Some(order.version),
            reasons: vec!["申请表未签字".into()],
            ..Default::default()
        };
        let refused = problem(own.act(&order.order_no, action, &request).await);
        assert_eq!(refused.status, 403, "{action}");
        assert_eq!(refused.code, "self_review", "{action}");
    }
    let approved = app
        .act(&app.reviewer, &order, Action::Approve, Default::default())
        .await;
    assert_eq!(approved.status, OrderStatus::PendingShipment);
    app.finish().await;
}

/// An operator who is clerk and reviewer attaches the bank transfer's voucher of an order
/// another clerk submitted (and that clerk sends it on): they do not decide it either —
/// nobody checks their own proof of payment. Not offered, refused by the claim and by the
/// decision, marked theirs in the queue; another reviewer approves it.
async fn a_reviewer_cannot_decide_an_order_whose_voucher_they_sent(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.submit("张三").await;
    let order = app
        .act(
            &app.clerk_reviewer,
            &order,
            Action::ChooseBankTransfer,
            Default::default(),
        )
        .await;
    let both = app.client(&app.clerk_reviewer);
    let voucher = both
        .upload_attachment(
            &order.order_no,
            AttachmentKind::Voucher,
            "voucher.jpg",
            crate::common::voucher_jpeg(392, 336),
        )
        .await
        .expect("voucher");
    // A colleague sends it on: the file is still the reviewer's own.
    let order = app
        .act(
            &app.clerk,
            &order,
            Action::UploadVoucher,
            ActionRequest {
                attachment_ids: vec![voucher.id],
                ..Default::default()
            },
        )
        .await;
    assert_eq!(order.status, OrderStatus::PendingReview);
    let seen = both.order(&order.order_no, false).await.expect("order");
    assert!(
        !seen.allowed_actions.contains(&Action::Approve),
        "{:?}",
        seen.allowed_actions
    );
    let refused = both
        .claim(&order.order_no, false)
        .await
        .err()
        .and_then(|e| e.problem().map(|p| (p.status, p.code.clone())));
    assert_eq!(refused, Some((403, "self_review".to_owned())));
    let refused = problem(
        both.act(
            &order.order_no,
            Action::Approve,
            &ActionRequest {
                version: Some(order.version),
                ..Default::default()
            },
        )
        .await,
    );
    assert_eq!(
        (refused.status, refused.code.as_str()),
        (403, "self_review")
    );
    assert!(refused.detail.contains("transfer voucher"), "{refused:?}");
    let queue = both.review_queue().await.expect("queue");
    assert!(
        queue
            .items
            .iter()
            .any(|i| i.order.order_no == order.order_no && i.own),
        "{queue:?}"
    );
    let approved = app
        .act(&app.reviewer, &order, Action::Approve, Default::default())
        .await;
    assert_eq!(approved.status, OrderStatus::PendingShipment);
    app.finish().await;
}

async fn a_stale_version_is_a_conflict_with_the_current_state(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.submit("张三").await;
    let clerk = app.client(&app.clerk);
    clerk
        .add_note(&order.order_no, "客户说下午来付款")
        .await
        .expect("note does not bump the version");
    let moved = app
        .act(
            &app.clerk,
            &order,
            Action::ChooseBankTransfer,
            Default::default(),
        )
        .await;
    assert_eq!(moved.version, order.version + 1);
    // The other counter still shows version 1 and tries to cancel.
    let stale = ActionRequest {
        version: Some(order.version),
        reason: Some("x".into()),
        ..Default::default()
    };
    let refused = problem(
        app.client(&app.clerk2)
            .act(&order.order_no, Action::Cancel, &stale)
            .await,
    );
    assert_eq!(refused.status, 409);
    assert_eq!(refused.code, "version_conflict");
    assert_eq!(refused.current_status, Some(OrderStatus::PendingVoucher));
    assert_eq!(refused.current_version, Some(moved.version));
    // If-Match works as well as the body's version.
    let response = app
        .http
        .post(app.url(&format!("/api/v1/orders/{}/actions/cancel", order.order_no)))
        .bearer_auth(&app.clerk2)
        .header("If-Match", format!("\"{}\"", moved.version))
        .json(&serde_json::json!({"reason": "客户放弃"}))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    // The answer's ETag is the new version, for the next If-Match; so is the order's.
    let etag = |response: &reqwest::Response| {
        response
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let next = format!("\"{}\"", moved.version + 1);
    assert_eq!(etag(&response).as_deref(), Some(next.as_str()));
    let read = app
        .http
        .get(app.url(&format!("/api/v1/orders/{}", order.order_no)))
        .bearer_auth(&app.clerk2)
        .send()
        .await
        .expect("send");
    assert_eq!(etag(&read).as_deref(), Some(next.as_str()));
    app.finish().await;
}

async fn actions_ask_for_what_they_need(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.submit("张三").await;
    let no = &order.order_no;
    // A reason that is only a tab is named once, for what it holds — not also as missing.
    let response = app
        .http
        .post(app.url(&format!("/api/v1/orders/{no}/actions/cancel")))
        .bearer_auth(&app.clerk)
        .json(&serde_json::json!({"reason": "\t", "version": order.version}))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 422);
    let answer: serde_json::Value = response.json().await.expect("problem");
    let named: Vec<&serde_json::Value> = answer["errors"]
        .as_array()
        .map(|a| a.iter().filter(|e| e["field"] == "reason").collect())
        .unwrap_or_default();
    assert_eq!(named.len(), 1, "{answer}");
    // No version at all.
    let response = app
        .http
        .post(app.url(&format!("/api/v1/orders/{no}/actions/cancel")))
        .bearer_auth(&app.clerk)
        .json(&serde_json::json!({"reason": "x"}))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 428);
    // A version that cannot be one (they start at 1), in the body or in If-Match.
    for (body, if_match) in [
        (serde_json::json!({"reason": "x", "version": -1}), None),
        (serde_json::json!({"reason": "x", "version": 0}), None),
        (serde_json::json!({"reason": "x"}), Some("W/\"-1\"")),
        (serde_json::json!({"reason": "x"}), Some("*")),
        // Two versions that disagree: which one is meant cannot be told.
        (
            serde_json::json!({"reason": "x", "version": 1}),
            Some("\"2\""),
        ),
        (
            serde_json::json!({"reason": "x", "version": 2}),
            Some("\"1\""),
        ),
    ] {
        let mut request = app
            .http
            .post(app.url(&format!("/api/v1/orders/{no}/actions/cancel")))
            .bearer_auth(&app.clerk)
            .json(&body);
        if let Some(value) = if_match {
            request = request.header("If-Match", value);
        }
        let response = request.send().await.expect("send");
        assert_eq!(response.status(), 422, "{body} {if_match:?}");
        let answer: serde_json::Value = response.json().await.expect("problem");
        let field = &answer["errors"][0]["field"];
        assert!(field == "version" || field == "If-Match", "{answer}");
        // Said as what a version is (its ETag), not "invalid value".
        let message = answer["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("ETag") || message.contains("disagree") || message.contains("不一致"),
            "{answer}"
        );
    }
    // Cancel without a reason.
    let refused = problem(
        app.client(&app.clerk)
            .act(
                no,
                Action::Cancel,
                &ActionRequest {
                    version: Some(1),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(
        (refused.status, refused.errors[0].field.as_str()),
        (422, "reason")
    );
    // A field the action does not take is named, not dropped: a carrier on a cancel, an
    // invoice number anywhere; and nothing changes.
    let refused = problem(
        app.client(&app.clerk)
            .act(
                no,
                Action::Cancel,
                &ActionRequest {
                    version: Some(1),
                    reason: Some("客户不要了".into()),
                    carrier: Some("ems".into()),
                    invoice_no: Some("12345678".into()),
                    ..Default::default()
                },
            )
            .await,
    );
    let fields: Vec<&str> = refused.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        (refused.status, fields),
        (422, vec!["carrier", "invoice_no"])
    );
    assert!(
        refused.errors[0].message.contains("cancel")
            && refused.errors[0].message.contains("reason"),
        "{refused:?}"
    );
    let unchanged = app
        .client(&app.clerk)
        .order(no, false)
        .await
        .expect("order");
    assert_eq!((unchanged.status, unchanged.version), (order.status, 1));
    // Never posted as an action, whatever the order's status.
    let refused = problem(
        app.client(&app.finance)
            .act(
                no,
                Action::IssueInvoice,
                &ActionRequest {
                    version: Some(1),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(
        (refused.status, refused.code.as_str()),
        (400, "issue_through_invoice")
    );
    // Without a version too: not "send the version" for an action that is never posted.
    let response = app
        .http
        .post(app.url(&format!("/api/v1/orders/{no}/actions/issue_invoice")))
        .bearer_auth(&app.finance)
        .json(&serde_json::json!({}))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 400);
    // Unknown action.
    let response = app
        .http
        .post(app.url(&format!("/api/v1/orders/{no}/actions/teleport")))
        .bearer_auth(&app.clerk)
        .json(&serde_json::json!({"version": 1}))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 404);
    // A voucher that is not a voucher of this order.
    let order = app
        .act(
            &app.clerk,
            &order,
            Action::ChooseBankTransfer,
            Default::default(),
        )
        .await;
    let refused = problem(
        app.client(&app.clerk)
            .act(
                no,
                Action::UploadVoucher,
                &ActionRequest {
                    version: Some(order.version),
                    attachment_ids: vec!["no-such-id".into()],
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(refused.errors[0].field, "attachment_ids[0]");
    // Another order's voucher, or this order's file that is no voucher: said as such.
    let other = app
        .act(
            &app.clerk,
            &app.submit("王五").await,
            Action::ChooseBankTransfer,
            Default::default(),
        )
        .await;
    let theirs = app
        .client(&app.clerk)
        .upload_attachment(
            &other.order_no,
            ca_counter::api::AttachmentKind::Voucher,
            "voucher.jpg",
            crate::common::voucher_jpeg(800, 600),
        )
        .await
        .expect("their voucher");
    let own = app
        .client(&app.clerk)
        .upload_attachment(
            no,
            ca_counter::api::AttachmentKind::Other,
            "id-copy.jpg",
            crate::common::voucher_jpeg(820, 600),
        )
        .await
        .expect("an ID copy");
    let refused = problem(
        app.client(&app.clerk)
            .act(
                no,
                Action::UploadVoucher,
                &ActionRequest {
                    version: Some(order.version),
                    attachment_ids: vec![theirs.id.clone(), own.id.clone()],
                    ..Default::default()
                },
            )
            .await,
    );
    let said: Vec<(&str, &str)> = refused
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(
        said[0].0 == "attachment_ids[0]"
            && said[0].1.contains(&format!("is not one of order {no}'s")),
        "{said:?}"
    );
    assert!(
        said[1].0 == "attachment_ids[1]" && said[1].1.contains("is not a voucher"),
        "{said:?}"
    );
    // Reject needs reasons; ship needs carrier and number.
    let paid = app.pay(&app.submit("李四").await).await;
    let refused = problem(
        app.client(&app.reviewer)
            .act(
                &paid.order_no,
                Action::Reject,
                &ActionRequest {
                    version: Some(paid.version),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(refused.errors[0].field, "reasons");
    // Reasons are texted to the customer in the CA's name: none may send them elsewhere.
    let refused = problem(
        app.client(&app.reviewer)
            .act(
                &paid.order_no,
                Action::Reject,
                &ActionRequest {
                    version: Some(paid.version),
                    reasons: vec![
                        "签字不清晰".into(),
                        "请访问 http://evil.example/login 重新上传".into(),
                    ],
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(refused.errors.len(), 1, "{refused:?}");
    assert_eq!(refused.errors[0].field, "reasons[1]");
    assert!(
        refused.errors[0].message.contains("web address"),
        "{refused:?}"
    );
    let approved = app
        .act(&app.reviewer, &paid, Action::Approve, Default::default())
        .await;
    let refused = problem(
        app.client(&app.mailroom)
            .act(
                &approved.order_no,
                Action::Ship,
                &ActionRequest {
                    version: Some(approved.version),
                    ..Default::default()
                },
            )
            .await,
    );
    let fields: Vec<&str> = refused.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["carrier", "tracking_no"]);
    app.finish().await;
}

async fn payment_is_confirmed_by_the_provider_not_by_hand(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.submit("张三").await;
    let refused = problem(
        app.client(&app.admin)
            .act(
                &order.order_no,
                Action::Pay,
                &ActionRequest {
                    version: Some(1),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(
        (refused.status, refused.code.as_str()),
        (403, "provider_only")
    );
    let paid = app.pay(&order).await;
    assert_eq!(paid.status, OrderStatus::PendingReview);
    assert_eq!(paid.payment_method.as_deref(), Some("sandbox"));
    let history = app
        .client(&app.admin)
        .history(&order.order_no)
        .await
        .expect("history");
    let pay = history.iter().find(|h| h.action == "pay").expect("pay row");
    assert_eq!(pay.actor.id, None, "the platform, not an operator");
    assert_eq!(pay.from_status, Some(OrderStatus::PendingPayment));
    // A second payment for a paid order is refused.
    let again_paid = app
        .client(&app.clerk)
        .create_payment(&order.order_no, "sandbox")
        .await;
    assert_eq!(
        again_paid.expect_err("paid").problem().map(|p| p.status),
        Some(409)
    );
    // Asking twice for an unpaid order shows the same QR code; cancelling closes it.
    let open = app.submit("李四").await;
    let clerk = app.client(&app.clerk);
    let first = clerk
        .create_payment(&open.order_no, "sandbox")
        .await
        .expect("payment");
    let second = clerk
        .create_payment(&open.order_no, "sandbox")
        .await
        .expect("payment again");
    assert_eq!(first.id, second.id);
    // The customer's phone has the cashier open when the clerk cancels.
    let open_page = ca_counter::api::PhonePage::open(&app.http, &first.pay_url)
        .await
        .expect("cashier page");
    assert_eq!(open_page.status, 200);
    app.act(&app.clerk, &open, Action::Cancel, reason("客户放弃"))
        .await;
    let page = app
        .http
        .get(&first.pay_url)
        .send()
        .await
        .expect("cashier page");
    // Gone, and said why: the order was cancelled.
    assert_eq!(
        page.status(),
        410,
        "a cancelled order's QR code no longer works"
    );
    let pay = open_page.submit(&app.http, &[]).await.expect("pay");
    assert_eq!(pay.status(), 410);
    let after = clerk.order(&open.order_no, false).await.expect("order");
    assert_eq!(after.status, OrderStatus::Cancelled);

    let again = app
        .client(&app.clerk)
        .create_payment(&order.order_no, "sandbox")
        .await;
    assert_eq!(
        again.expect_err("paid already").problem().map(|p| p.status),
        Some(409)
    );
    app.finish().await;
}

async fn support_may_add_notes_but_change_nothing(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.submit("张三").await;
    let support = app.client(&app.support);
    let seen = support
        .order(&order.order_no, false)
        .await
        .expect("support reads orders");
    assert!(seen.allowed_actions.is_empty());
    // Not paid: nothing promised yet.
    assert_eq!(seen.mailed_by, None);
    let note = support
        .add_note(&order.order_no, "客户来电询问进度")
        .await
        .expect("note");
    assert_eq!(note.action, "note");
    let refused = problem(
        support
            .act(&order.order_no, Action::Cancel, &reason("x"))
            .await,
    );
    assert_eq!(refused.status, 403);
    // Paid: the date the customer's page promises, for the agent the customer calls.
    app.pay(&order).await;
    let seen = support
        .order(&order.order_no, false)
        .await
        .expect("support reads orders");
    assert_eq!(seen.status, OrderStatus::PendingReview);
    let at = |t: &str| {
        time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|e| panic!("{t}: {e}"))
    };
    let by = at(seen.mailed_by.as_deref().expect("a promise once paid"));
    let paid = at(seen.paid_at.as_deref().expect("paid"));
    assert!(by - paid >= time::Duration::hours(8), "{by} after {paid}");
    let body = app.new_order_body("王五").await;
    let refused = support
        .create_order("k", &body)
        .await
        .expect_err("support cannot submit");
    assert_eq!(refused.problem().map(|p| p.status), Some(403));
    app.finish().await;
}

/// A payment code asked for an order that cannot take one says why, in a code an
/// integrator can act on: the customer chose a transfer (choose online payment first), or
/// the order waits for no money.
async fn a_payment_code_refused_says_why(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let order = app.submit("张三").await;
    let order = app
        .act(
            &app.clerk,
            &order,
            Action::ChooseBankTransfer,
            ActionRequest::default(),
        )
        .await;
    let refused = clerk
        .create_payment(&order.order_no, "qr")
        .await
        .expect_err("a transfer was chosen");
    let problem = refused.problem().expect("a problem");
    assert_eq!(
        (problem.status, problem.code.as_str()),
        (409, "transfer_chosen"),
        "{problem:?}"
    );
    assert!(
        problem.detail.contains("choose online payment first"),
        "{problem:?}"
    );
    let order = app
        .act(&app.clerk, &order, Action::Cancel, reason("客户放弃"))
        .await;
    let refused = clerk
        .create_payment(&order.order_no, "qr")
        .await
        .expect_err("cancelled");
    let problem = refused.problem().expect("a problem");
    assert_eq!(
        (problem.status, problem.code.as_str()),
        (409, "not_awaiting_payment"),
        "{problem:?}"
    );
    assert!(problem.detail.contains("nothing to pay"), "{problem:?}");
    app.finish().await;
}
