//! Correcting an order after submission (`PATCH /orders/{order_no}`): the address until the
//! order is mailed, a returned organisation's details; the rule, the compare-and-set on the
//! version, the history, the event, the search index.

use std::time::Duration;

use ca_counter::api::{
    ActionRequest, AttachmentKind, ClientError, MailingAddress, Order, OrderQuery, OrderUpdate,
    Organization, Problem, ScanOutcome, ServerEvent,
};
use ca_counter::domain::{Action, OrderPart, OrderStatus};
use futures_util::StreamExt;

use crate::common::{Db, TestApp};
use crate::on_both_databases;

on_both_databases!(
    a_clerk_corrects_the_address_until_the_order_is_mailed,
    a_bad_correction_names_every_field_and_changes_nothing,
    a_returned_organisation_is_corrected_and_found_by_its_new_name,
    a_form_printed_before_the_organisation_was_corrected_is_refused,
    two_corrections_from_the_same_version_one_wins,
    a_return_answered_by_correcting_the_address_goes_back_to_review_without_a_file,
    the_very_file_an_order_was_returned_over_is_no_correction,
    a_correction_from_the_page_of_an_earlier_return_is_not_taken,
    a_street_is_kept_as_it_prints_and_an_older_one_is_no_change,
);

/// A street is kept as it prints — full-width digits in ASCII, spaces one at a time — when
/// an order is made; an order saved before that rule, its street as typed then, is not said
/// to have a changed street when a correction sends it back as it is (no new version, no
/// text to the customer), and a real change to it still is one.
async fn a_street_is_kept_as_it_prints_and_an_older_one_is_no_change(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut body = app.new_order_body("张三").await;
    body.mailing.street = "人民路１２号　　３栋".into();
    let made = app
        .client(&app.clerk)
        .create_order(&uuid::Uuid::now_v7().to_string(), &body)
        .await
        .expect("made");
    let admin = app.client(&app.admin);
    let order = admin.order(&made.order_no, true).await.expect("order");
    assert_eq!(order.mailing.street, "人民路12号 3栋");
    // As an earlier version kept it.
    sqlx::query(
        "UPDATE orders SET mailing_json = REPLACE(mailing_json, $1, $2) WHERE order_no = $3",
    )
    .bind("人民路12号 3栋")
    .bind("人民路１２号　３栋")
    .bind(made.order_no.to_string())
    .execute(app.store().pool())
    .await
    .expect("as kept before");
    let order = admin.order(&made.order_no, true).await.expect("order");
    assert_eq!(order.mailing.street, "人民路１２号　３栋");
    let same = app
        .client(&app.clerk)
        .update_order(
            &order.order_no,
            &OrderUpdate {
                version: Some(order.version),
                mailing: Some(order.mailing.clone()),
                reason: Some("核对".into()),
                ..Default::default()
            },
        )
        .await
        .expect("answered");
    assert_eq!(same.version, order.version, "nothing changed");
    let moved = app
        .client(&app.clerk)
        .update_order(
            &order.order_no,
            &OrderUpdate {
                version: Some(order.version),
                mailing: Some(MailingAddress {
                    street: "人民路１４号".into(),
                    ..order.mailing.clone()
                }),
                reason: Some("客户来电".into()),
                ..Default::default()
            },
        )
        .await
        .expect("corrected");
    assert_eq!(moved.version, order.version + 1);
    let order = admin.order(&made.order_no, true).await.expect("order");
    assert_eq!(order.mailing.street, "人民路14号");
    app.finish().await;
}

fn refusal(result: Result<Order, ClientError>) -> Problem {
    match result {
        Ok(order) => panic!(
            "expected a refusal, got {} v{}",
            order.order_no, order.version
        ),
        Err(e) => e
            .problem()
            .cloned()
            .unwrap_or_else(|| panic!("expected a problem, got {e}")),
    }
}

fn moved_house() -> MailingAddress {
    MailingAddress {
        recipient: "张三".into(),
        phone: "13900139000".into(),
        province: "湖南省".into(),
        city: "株洲市".into(),
        district: "天元区".into(),
        street: "珠江北路 99 号".into(),
        postal_code: "412007".into(),
    }
}

/// The address of [`moved_house`] with another street.
fn at_street(street: &str) -> MailingAddress {
    MailingAddress {
        street: street.into(),
        ..moved_house()
    }
}

/// The order returned by the reviewer for `reason`.
async fn returned_for(app: &TestApp, order: &Order, reason: &str) -> Order {
    app.act(
        &app.reviewer,
        order,
        Action::Reject,
        ActionRequest {
            reasons: vec![reason.into()],
            ..Default::default()
        },
    )
    .await
}

async fn a_clerk_corrects_the_address_until_the_order_is_mailed(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let order = app.submit("张三").await;
    // Who may change what, said on the order itself.
    assert_eq!(order.editable, vec![OrderPart::Mailing]);
    for (token, who) in [(&app.support, "support"), (&app.reviewer, "reviewer")] {
        let seen = app
            .client(token)
            .order(&order.order_no, false)
            .await
            .expect("order");
        assert!(seen.editable.is_empty(), "{who}");
    }
    let refused = refusal(
        app.client(&app.support)
            .update_order(
                &order.order_no,
                &OrderUpdate {
                    version: Some(order.version),
                    mailing: Some(moved_house()),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(refused.status, 403);

    let counts_before = clerk.order_counts().await.expect("counts");
    let mut stream = app
        .client(&app.support)
        .events(None)
        .await
        .expect("subscribe");
    let next = async |stream: &mut ca_counter::api::EventStream| match tokio::time::timeout(
        Duration::from_secs(5),
        stream.next(),
    )
    .await
    {
        Ok(Some(Ok(event))) => event,
        other => panic!("no event within 5 s: {other:?}"),
    };
    assert!(matches!(next(&mut stream).await, ServerEvent::Hello { .. }));

    let update = OrderUpdate {
        version: Some(order.version),
        mailing: Some(moved_house()),
        organization: None,
        reason: Some("客户来电：已搬家".into()),
        ..Default::default()
    };
    let corrected = clerk
        .update_order(&order.order_no, &update)
        .await
        .expect("corrected");
    assert_eq!(corrected.version, order.version + 1);
    assert_eq!(corrected.status, OrderStatus::PendingPayment);
    let shown = clerk.order(&order.order_no, true).await.expect("revealed");
    assert_eq!(shown.mailing, moved_house());

    // On the stream as an update that leaves the counts alone, with the row. (The order's
    // own `created` may come first: on PostgreSQL events are numbered after commit, and
    // the submission's may have been numbered after the stream began.)
    let event = loop {
        match next(&mut stream).await {
            ServerEvent::Order(event) if event.kind == "created" => continue,
            ServerEvent::Order(event) => break event,
            other => panic!("an order event, got {other:?}"),
        }
    };
    assert_eq!(event.order_no, order.order_no);
    assert_eq!(event.kind, "updated");
    assert_eq!(event.action.as_deref(), Some("edit_details"));
    assert_eq!(event.version, corrected.version);
    assert_eq!(event.count_move(), None);
    assert_eq!(
        clerk.order_counts().await.expect("counts"),
        counts_before,
        "a correction moves no order between statuses"
    );

    // In the history: which fields, and why, by whom; never the values.
    let history = clerk.history(&order.order_no).await.expect("history");
    let entry = history
        .iter()
        .find(|h| h.action == "edit_details")
        .expect("the correction is in the history");
    let reason = entry.reason.as_deref().unwrap_or_default();
    assert!(
        reason.starts_with(
            "mailing.phone,mailing.city,mailing.district,mailing.street,mailing.postal_code "
        ),
        "{reason}"
    );
    assert!(reason.ends_with("客户来电：已搬家"), "{reason}");
    assert!(!reason.contains("珠江北路"), "{reason}");
    assert_eq!(entry.from_status, None);

    // The version seen before is stale now: refused, nothing changed.
    let mut stale = update.clone();
    stale.mailing = Some(at_street("别的地址 1 号"));
    let refused = refusal(clerk.update_order(&order.order_no, &stale).await);
    assert_eq!(refused.status, 409);
    assert_eq!(refused.code, "version_conflict");
    assert_eq!(refused.current_version, Some(corrected.version));
    let unchanged = clerk.order(&order.order_no, true).await.expect("order");
    assert_eq!(unchanged.mailing.street, "珠江北路 99 号");
    assert_eq!(unchanged.version, corrected.version);

    // The order's ETag back as If-Match is the version too: stale, it is refused.
    let answer = app
        .http
        .patch(app.url(&format!("/api/v1/orders/{}", order.order_no)))
        .bearer_auth(&app.clerk)
        .header("If-Match", format!("\"{}\"", order.version))
        .json(&serde_json::json!({"mailing": serde_json::to_value(moved_house()).expect("json")}))
        .send()
        .await
        .expect("patch");
    assert_eq!(answer.status(), 409);

    // The same address again changes nothing: no new version, no new history row.
    let same = OrderUpdate {
        version: Some(corrected.version),
        ..update.clone()
    };
    let again = clerk
        .update_order(&order.order_no, &same)
        .await
        .expect("same address");
    assert_eq!(again.version, corrected.version);
    let edits = |rows: &[ca_counter::api::HistoryEntry]| {
        rows.iter().filter(|h| h.action == "edit_details").count()
    };
    let rows = clerk.history(&order.order_no).await.expect("history");
    assert_eq!(edits(&rows), edits(&history));
    assert_eq!(edits(&rows), 1);

    // The applicant is texted where it goes now (region, street masked), once: the same
    // address sent again and the stale attempts sent nothing.
    let texts: Vec<_> = app
        .client(&app.admin)
        .sms_messages()
        .await
        .expect("outbox")
        .into_iter()
        .filter(|m| m.kind.as_deref() == Some("address_changed"))
        .collect();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert_eq!(texts[0].order_no.as_deref(), Some(order.order_no.as_str()));
    assert_eq!(texts[0].phone, shown.applicant.phone);
    assert!(
        texts[0].body.contains("湖南省株洲市天元区****") && !texts[0].body.contains("珠江北路"),
        "{}",
        texts[0].body
    );

    // Still open to change while it waits for review and for the parcel; shut once mailed.
    let paid = app.pay(&again).await;
    assert_eq!(paid.editable, vec![OrderPart::Mailing]);
    let approved = app
        .act(&app.reviewer, &paid, Action::Approve, Default::default())
        .await;
    let approved = clerk.order(&approved.order_no, false).await.expect("order");
    assert_eq!(approved.editable, vec![OrderPart::Mailing]);
    let shipped = crate::mailing::ship_approved(&app, &approved, "1234567890123").await;
    let shipped = clerk.order(&shipped.order_no, false).await.expect("order");
    assert!(shipped.editable.is_empty());
    let refused = refusal(
        clerk
            .update_order(
                &order.order_no,
                &OrderUpdate {
                    version: Some(shipped.version),
                    mailing: Some(at_street("太迟了 1 号")),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(refused.status, 409);
    assert_eq!(refused.code, "not_editable");
    assert!(
        refused.detail.contains("mailing address"),
        "{}",
        refused.detail
    );
    let after = clerk.order(&order.order_no, true).await.expect("order");
    assert_eq!(after.mailing.street, "珠江北路 99 号");
    assert_eq!(after.version, shipped.version);
    app.finish().await;
}

async fn a_bad_correction_names_every_field_and_changes_nothing(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let order = app.submit("李四").await;
    let bad = OrderUpdate {
        version: Some(order.version),
        mailing: Some(MailingAddress {
            phone: "123".into(),
            province: " ".into(),
            postal_code: "41".into(),
            street: "街道\u{202e}反转".into(),
            ..moved_house()
        }),
        organization: Some(Organization {
            name: "某公司".into(),
            uscc: "91110000600037341L".into(),
            legal_representative: "王五".into(),
        }),
        ..Default::default()
    };
    let refused = refusal(clerk.update_order(&order.order_no, &bad).await);
    assert_eq!(refused.status, 422);
    let fields: Vec<&str> = refused.errors.iter().map(|e| e.field.as_str()).collect();
    for field in [
        "mailing.phone",
        "mailing.province",
        "mailing.postal_code",
        "mailing.street",
        // An individual's order has no organisation to correct.
        "organization",
    ] {
        assert!(fields.contains(&field), "{field} in {fields:?}");
    }
    // Nothing to change, and a version that cannot be.
    let refused = refusal(
        clerk
            .update_order(
                &order.order_no,
                &OrderUpdate {
                    version: Some(order.version),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(refused.status, 422);
    assert_eq!(refused.errors[0].field, "mailing");
    let refused = refusal(
        clerk
            .update_order(
                &order.order_no,
                &OrderUpdate {
                    version: Some(0),
                    mailing: Some(moved_house()),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(refused.errors[0].field, "version");
    // A character the documents cannot print is refused on its field, named.
    let refused = refusal(
        clerk
            .update_order(
                &order.order_no,
                &OrderUpdate {
                    version: Some(order.version),
                    mailing: Some(at_street("人民路 1 号 🏠")),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(refused.errors[0].field, "mailing.street");
    assert!(refused.errors[0].message.contains('🏠'), "{refused:?}");
    // The applicant is refused by name; the version may come as the order's ETag instead,
    // and one that disagrees with the body's is named.
    let refused = refusal(
        clerk
            .update_order(
                &order.order_no,
                &OrderUpdate {
                    version: Some(order.version),
                    applicant: Some(serde_json::json!({"name": "坏人"})),
                    mailing: Some(moved_house()),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(refused.errors[0].field, "applicant");
    let patch = |if_match: &str, body: serde_json::Value| {
        app.http
            .patch(app.url(&format!("/api/v1/orders/{}", order.order_no)))
            .bearer_auth(&app.clerk)
            .header("If-Match", if_match)
            .json(&body)
            .send()
    };
    let mailing = serde_json::to_value(moved_house()).expect("json");
    let answer = patch(
        "\"9\"",
        serde_json::json!({"version": order.version, "mailing": mailing}),
    )
    .await
    .expect("patch");
    assert_eq!(answer.status(), 422);
    let problem: Problem = answer.json().await.expect("problem");
    assert_eq!(problem.errors[0].field, "If-Match");
    let answer = app
        .http
        .patch(app.url(&format!("/api/v1/orders/{}", order.order_no)))
        .bearer_auth(&app.clerk)
        .json(&serde_json::json!({"mailing": mailing}))
        .send()
        .await
        .expect("patch");
    assert_eq!(answer.status(), 428, "no version at all");

    // Unknown orders are 404s.
    let refused = refusal(
        clerk
            .update_order(
                "HN20991231999999",
                &OrderUpdate {
                    version: Some(1),
                    mailing: Some(moved_house()),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(refused.status, 404);

    let unchanged = clerk.order(&order.order_no, true).await.expect("order");
    assert_eq!(unchanged.version, order.version);
    assert_eq!(unchanged.mailing.street, "麓山南路 932 号");
    let history = clerk.history(&order.order_no).await.expect("history");
    assert!(history.iter().all(|h| h.action != "edit_details"));

    // A zero-width space pasted inside a street is not kept: the label shows what is read.
    let pasted = clerk
        .update_order(
            &order.order_no,
            &OrderUpdate {
                version: Some(order.version),
                mailing: Some(at_street("珠江北路\u{200B} 99 号")),
                ..Default::default()
            },
        )
        .await
        .expect("corrected");
    let shown = clerk.order(&pasted.order_no, true).await.expect("order");
    assert_eq!(shown.mailing.street, "珠江北路 99 号");
    app.finish().await;
}

async fn a_returned_organisation_is_corrected_and_found_by_its_new_name(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let body = app.new_org_order_body("王五").await;
    let order = clerk
        .create_order(&uuid::Uuid::now_v7().to_string(), &body)
        .await
        .expect("order");
    assert_eq!(order.editable, vec![OrderPart::Mailing]);
    let form_scan = clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::SignedForm,
            "signed-form.png",
            crate::common::scan_png(620, 877),
        )
        .await
        .expect("the signed form");
    let renamed = Organization {
        name: "湘江新区测绘有限公司".into(),
        uscc: "91110000600037341L".into(),
        legal_representative: "赵六".into(),
    };
    // Not before it is returned: the form the customer signed says what it says.
    let refused = refusal(
        clerk
            .update_order(
                &order.order_no,
                &OrderUpdate {
                    version: Some(order.version),
                    organization: Some(renamed.clone()),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(refused.status, 409);
    assert_eq!(refused.code, "not_editable");
    assert!(
        refused.detail.contains("organisation details"),
        "{}",
        refused.detail
    );
    // Sent as it is, beside a new address (a form that always sends both): the rule asks
    // of what changes, so the address is corrected.
    let same_org = clerk
        .update_order(
            &order.order_no,
            &OrderUpdate {
                version: Some(order.version),
                organization: body.organization.clone(),
                mailing: Some(moved_house()),
                ..Default::default()
            },
        )
        .await
        .expect("the address alone changes");
    let order = Order {
        version: same_org.version,
        ..order
    };

    let paid = app.pay(&order).await;
    let returned = returned_for(&app, &paid, "单位名称与营业执照不符").await;
    let returned = clerk.order(&returned.order_no, false).await.expect("order");
    assert_eq!(returned.status, OrderStatus::Rejected);
    assert_eq!(
        returned.editable,
        vec![OrderPart::Mailing, OrderPart::Organization]
    );
    let corrected = clerk
        .update_order(
            &order.order_no,
            &OrderUpdate {
                version: Some(returned.version),
                organization: Some(renamed.clone()),
                ..Default::default()
            },
        )
        .await
        .expect("corrected");
    assert_eq!(corrected.status, OrderStatus::Rejected);
    assert_eq!(
        corrected.organization.as_ref().map(|o| o.name.as_str()),
        Some("湘江新区测绘有限公司")
    );
    let history = clerk.history(&order.order_no).await.expect("history");
    let entry = history
        .iter()
        .rev()
        .find(|h| h.action == "edit_details")
        .expect("in the history");
    assert_eq!(
        entry.reason.as_deref(),
        Some("organization.name,organization.legal_representative")
    );

    // The organisation's name is on the signed form: not back to review without the form
    // signed again.
    let refused = refusal(
        clerk
            .act(
                &order.order_no,
                Action::Resubmit,
                &ActionRequest {
                    version: Some(corrected.version),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(refused.errors[0].field, "attachment_ids");
    // A correction uploaded before the change still goes back to review with it; the very
    // file sent before the return (kept once) is named as not a correction.
    let clerk_upload = |name: &'static str, bytes: Vec<u8>| {
        let clerk = app.client(&app.clerk);
        let order_no = order.order_no.to_string();
        async move {
            clerk
                .upload_attachment(&order_no, AttachmentKind::Correction, name, bytes)
                .await
                .expect("upload")
        }
    };
    let signed_again =
        clerk_upload("signed-again.jpg", crate::common::voucher_jpeg(392, 336)).await;
    let now = clerk.order(&order.order_no, false).await.expect("order");
    let again = clerk
        .update_order(
            &order.order_no,
            &OrderUpdate {
                version: Some(now.version),
                organization: Some(Organization {
                    legal_representative: "赵七".into(),
                    ..renamed.clone()
                }),
                ..Default::default()
            },
        )
        .await
        .expect("corrected again");
    // The same file sent again after the return is refused as no correction, naming it;
    // named by its id, the file kept from before is not one either.
    let same = clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::Correction,
            "signed-form.png",
            crate::common::scan_png(620, 877),
        )
        .await
        .expect_err("the file sent before the return");
    assert!(
        same.problem().is_some_and(|p| p
            .errors
            .iter()
            .any(|e| e.field == "file" && e.message.contains("signed-form.png"))),
        "{same}"
    );
    let same = form_scan.clone();
    let refused = refusal(
        clerk
            .act(
                &order.order_no,
                Action::Resubmit,
                &ActionRequest {
                    version: Some(again.version),
                    attachment_ids: vec![same.id],
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(refused.status, 422);
    assert!(
        refused.errors[0]
            .message
            .contains("before the order was returned"),
        "{refused:?}"
    );
    let resubmitted = clerk
        .act(
            &order.order_no,
            Action::Resubmit,
            &ActionRequest {
                version: Some(again.version),
                attachment_ids: vec![signed_again.id],
                ..Default::default()
            },
        )
        .await
        .expect("the correction sent before the change goes to review");
    assert_eq!(resubmitted.status, OrderStatus::PendingReview);

    // The list shows the new name, and a search finds the order by it and not the old one.
    let search = async |q: &str| {
        clerk
            .orders(&OrderQuery {
                q: Some(q.into()),
                ..Default::default()
            })
            .await
            .expect("search")
            .items
            .into_iter()
            .map(|o| (o.order_no.to_string(), o.customer_name))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        search("测绘").await,
        vec![(
            order.order_no.to_string(),
            "湘江新区测绘有限公司".to_owned()
        )]
    );
    assert!(search("建设").await.is_empty());
    // The applicant's own name still finds it.
    assert_eq!(search("王五").await.len(), 1);
    app.finish().await;
}

async fn two_corrections_from_the_same_version_one_wins(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.submit("张三").await;
    let (a, b) = (app.client(&app.clerk), app.client(&app.admin));
    let to = |street: &str| OrderUpdate {
        version: Some(order.version),
        mailing: Some(at_street(street)),
        ..Default::default()
    };
    let (first, second) = (to("甲街 1 号"), to("乙街 2 号"));
    let (one, two) = tokio::join!(
        a.update_order(&order.order_no, &first),
        b.update_order(&order.order_no, &second),
    );
    let (won, lost) = match (one, two) {
        (Ok(won), Err(lost)) => (won, (lost, "乙街 2 号")),
        (Err(lost), Ok(won)) => (won, (lost, "甲街 1 号")),
        (one, two) => panic!("one must win: {one:?} / {two:?}"),
    };
    assert_eq!(lost.0.problem().map(|p| p.status), Some(409));
    assert_eq!(won.version, order.version + 1);
    let now = app
        .client(&app.clerk)
        .order(&order.order_no, true)
        .await
        .expect("order");
    assert_ne!(
        now.mailing.street, lost.1,
        "the loser's address is not kept"
    );
    assert_eq!(now.version, won.version);
    let history = app
        .client(&app.clerk)
        .history(&order.order_no)
        .await
        .expect("history");
    assert_eq!(
        history
            .iter()
            .filter(|h| h.action == "edit_details")
            .count(),
        1
    );
    app.finish().await;
}

async fn a_return_answered_by_correcting_the_address_goes_back_to_review_without_a_file(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let order = app.submit("张三").await;
    let paid = app.pay(&order).await;
    let returned = returned_for(&app, &paid, "收件地址不完整，请补充门牌号").await;
    let resubmit = |version: i64| ActionRequest {
        version: Some(version),
        ..Default::default()
    };
    // Not corrected yet: a file is needed.
    let refused = refusal(
        clerk
            .act(
                &order.order_no,
                Action::Resubmit,
                &resubmit(returned.version),
            )
            .await,
    );
    assert_eq!(refused.errors[0].field, "attachment_ids");
    let corrected = clerk
        .update_order(
            &order.order_no,
            &OrderUpdate {
                version: Some(returned.version),
                mailing: Some(moved_house()),
                ..Default::default()
            },
        )
        .await
        .expect("corrected");
    let back = clerk
        .act(
            &order.order_no,
            Action::Resubmit,
            &resubmit(corrected.version),
        )
        .await
        .expect("back to review with the correction alone");
    assert_eq!(back.status, OrderStatus::PendingReview);
    assert_eq!(back.resubmissions, 1);
    // Returned again: the correction before the last return does not count any more.
    let again = returned_for(&app, &back, "申请表缺少签字").await;
    let refused = refusal(
        clerk
            .act(&order.order_no, Action::Resubmit, &resubmit(again.version))
            .await,
    );
    assert_eq!(refused.errors[0].field, "attachment_ids");
    // A return asking for the signed form is not answered by correcting the address.
    let edited = clerk
        .update_order(
            &order.order_no,
            &OrderUpdate {
                version: Some(again.version),
                mailing: Some(at_street("珠江北路 99 号 101 室")),
                ..Default::default()
            },
        )
        .await
        .expect("corrected");
    let refused = refusal(
        clerk
            .act(&order.order_no, Action::Resubmit, &resubmit(edited.version))
            .await,
    );
    assert_eq!(refused.errors[0].field, "attachment_ids");
    app.finish().await;
}

async fn a_form_printed_before_the_organisation_was_corrected_is_refused(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let body = app.new_org_order_body("王五").await;
    let order = clerk
        .create_order(&uuid::Uuid::now_v7().to_string(), &body)
        .await
        .expect("order");
    // The form as printed for the customer to sign, before anything was returned.
    let printed = |order_no: String| {
        let clerk = app.client(&app.clerk);
        async move {
            let pdf = clerk
                .order_application_form(&order_no)
                .await
                .expect("the form");
            crate::common::scanned(&pdf.bytes)
        }
    };
    let old_paper = printed(order.order_no.to_string()).await;
    let old_pdf = clerk
        .order_application_form(&order.order_no)
        .await
        .expect("the form")
        .bytes;
    let paid = app.pay(&order).await;
    let returned = returned_for(&app, &paid, "单位名称与营业执照不符").await;
    let returned = clerk.order(&returned.order_no, false).await.expect("order");
    let upload = |name: &'static str, bytes: Vec<u8>| {
        let clerk = app.client(&app.clerk);
        let order_no = order.order_no.to_string();
        async move {
            clerk
                .upload_attachment(&order_no, AttachmentKind::Correction, name, bytes)
                .await
        }
    };
    // Before the correction, the form printed is this order's as it stands.
    let before = upload("signed.png", old_paper.clone())
        .await
        .expect("the form as it stands");
    assert_eq!(
        before.scan_check.as_ref().map(|c| c.outcome),
        Some(ScanOutcome::Matches)
    );
    clerk
        .update_order(
            &order.order_no,
            &OrderUpdate {
                version: Some(returned.version),
                organization: Some(Organization {
                    name: "湘江新区测绘有限公司".into(),
                    ..body.organization.clone().expect("an organisation")
                }),
                ..Default::default()
            },
        )
        .await
        .expect("corrected");
    // The scan taken before now reads as outdated, not as a match.
    let now = clerk.order(&order.order_no, false).await.expect("order");
    let kept = now
        .attachments
        .iter()
        .find(|a| a.id == before.id)
        .and_then(|a| a.scan_check.clone())
        .expect("its check");
    assert_eq!(kept.outcome, ScanOutcome::Outdated);
    assert!(
        kept.describe(order.order_no.as_str(), ca_counter::i18n::Lang::ZhCn)
            .starts_with("⚠"),
        "{kept:?}"
    );
    // After it, the old printout (its code still names the order) is refused under any
    // kind — a correction, the signed form, "other" — and said why; nothing is stored.
    for kind in [
        AttachmentKind::Correction,
        AttachmentKind::SignedForm,
        AttachmentKind::Other,
        AttachmentKind::ApplicationForm,
    ] {
        let refused = clerk
            .upload_attachment(&order.order_no, kind, "old.png", old_paper.clone())
            .await;
        let Err(ClientError::Problem(problem)) = refused else {
            panic!("an old printout taken as {kind:?}: {refused:?}");
        };
        assert_eq!(problem.status, 422);
        assert!(
            problem.errors[0]
                .message
                .contains("before the organisation's details were corrected"),
            "{problem:?}"
        );
    }
    // The old form's PDF file too: its codes are in its metadata, with its edition.
    let refused = clerk
        .upload_attachment(&order.order_no, AttachmentKind::Other, "old.pdf", old_pdf)
        .await;
    let Err(ClientError::Problem(problem)) = refused else {
        panic!("the old form's PDF: {refused:?}");
    };
    assert!(
        problem.errors[0]
            .message
            .contains("before the organisation's details were corrected"),
        "{problem:?}"
    );
    // And the new form's file itself, sent as the signed correction: nothing is signed on
    // it. Kept as the application form, it is what it is.
    let new_pdf = clerk
        .order_application_form(&order.order_no)
        .await
        .expect("the form")
        .bytes;
    let refused = clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::Correction,
            "form.pdf",
            new_pdf.clone(),
        )
        .await;
    let Err(ClientError::Problem(problem)) = refused else {
        panic!("the form's own PDF as a correction: {refused:?}");
    };
    assert!(
        problem.errors[0].message.contains("nothing signed on it"),
        "{problem:?}"
    );
    clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::ApplicationForm,
            "form.pdf",
            new_pdf,
        )
        .await
        .expect("the generated form, kept as such");
    // The form printed again is taken, and matches.
    let new_paper = printed(order.order_no.to_string()).await;
    assert_ne!(new_paper, old_paper);
    let stored = clerk.order(&order.order_no, false).await.expect("order");
    assert_eq!(stored.attachments.len(), now.attachments.len() + 1);
    let taken = upload("signed-again.png", new_paper)
        .await
        .expect("the form printed again");
    assert_eq!(
        taken.scan_check.as_ref().map(|c| c.outcome),
        Some(ScanOutcome::Matches)
    );
    app.finish().await;
}

/// A "correction" with the very bytes of the signed form the order was returned over is
/// refused on `file`, naming the earlier file; a new scan is taken, and a retry of that
/// new one is the same upload, not a refusal.
async fn the_very_file_an_order_was_returned_over_is_no_correction(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let order = app.submit("张三").await;
    let signed = crate::common::scan_png(620, 877);
    clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::SignedForm,
            "张三-签字.png",
            signed.clone(),
        )
        .await
        .expect("the signed form");
    let order = app.pay(&order).await;
    let order = app.returned(&order, &["申请表签字不清晰"]).await;
    let refused = clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::Correction,
            "again.png",
            signed.clone(),
        )
        .await
        .expect_err("the same file");
    let problem = refused.problem().cloned().expect("a problem");
    assert_eq!(problem.status, 422);
    assert!(
        problem
            .errors
            .iter()
            .any(|e| e.field == "file" && e.message.contains("张三-签字.png")),
        "{problem:?}"
    );
    let rescanned = crate::common::scan_png(620, 880);
    let first = clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::Correction,
            "rescanned.png",
            rescanned.clone(),
        )
        .await
        .expect("a new scan");
    let retried = clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::Correction,
            "rescanned.png",
            rescanned,
        )
        .await
        .expect("a retry");
    assert_eq!(first.id, retried.id);
    app.finish().await;
}

/// A customer's page of the first return, left open while the order went back to review
/// and was returned again: a correction chosen there is not taken into the second return
/// (its reasons may be others), said so with the new page; the new page's is taken.
async fn a_correction_from_the_page_of_an_earlier_return_is_not_taken(db: Db) {
    use crate::common::customer::{hidden, signed_in_owner};
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let order = app.submit("张三").await;
    let order = app.pay(&order).await;
    let order = app.returned(&order, &["申请表签字不清晰"]).await;
    let no = order.order_no.to_string();
    let (_, mut browser) = signed_in_owner(&app, &no).await;
    let first = browser.get(&format!("/orders/{no}")).await;
    let (version, round) = (hidden(&first.html, "version"), hidden(&first.html, "round"));
    // The counter sends a correction, the reviewer returns the order again.
    let order = app.resubmitted(&order).await;
    let order = app.returned(&order, &["缺少营业执照复印件"]).await;
    assert_eq!(order.status, OrderStatus::Rejected);
    let path = format!("/orders/{no}/correction");
    let stale = browser
        .upload_with(
            &path,
            &[("version", &version), ("round", &round)],
            crate::common::scan_png(1240, 1754),
            "image/png",
        )
        .await;
    assert_eq!(stale.status, 422, "{}", stale.html);
    assert!(
        stale.html.contains("又被退回了一次") && stale.html.contains("缺少营业执照复印件"),
        "{}",
        stale.html
    );
    let kept = clerk.order(&no, false).await.expect("order");
    assert_eq!(kept.attachments.len(), order.attachments.len());
    let second = browser.get(&format!("/orders/{no}")).await;
    let (version, round_now) = (
        hidden(&second.html, "version"),
        hidden(&second.html, "round"),
    );
    assert_ne!(round_now, round);
    let taken = browser
        .upload_with(
            &path,
            &[("version", &version), ("round", &round_now)],
            crate::common::scan_png(1240, 1754),
            "image/png",
        )
        .await;
    assert_eq!(taken.status, 303, "{}", taken.html);
    app.finish().await;
}
