//! Tokens, roles, and the documents anyone may read.

use ca_counter::api::{Health, Problem};

use crate::common::{Db, TestApp};
use crate::on_both_databases;

on_both_databases!(
    health_and_openapi_need_no_token,
    every_other_route_needs_a_valid_token,
    a_revoked_operator_is_locked_out,
    a_revoked_operators_open_event_stream_ends_before_the_next_change,
    a_restored_operator_resuming_from_before_the_revocation_gets_every_event,
    a_revocation_by_another_process_ends_the_stream_within_seconds,
    me_names_the_operator_and_roles,
    revealing_personal_data_is_a_permission_and_is_audited,
    a_caller_who_may_not_is_told_so_before_anything_they_sent_is_read,
    the_request_id_in_an_orders_history_is_the_platforms_own,
    a_replaced_token_set_on_a_client_is_sent_by_every_clone,
);

/// The counter reads its token file again and sets a replaced token on its client: every
/// clone of it (each tab's, the event stream's) sends the new one from then on.
async fn a_replaced_token_set_on_a_client_is_sent_by_every_clone(db: Db) {
    let app = TestApp::spawn(db).await;
    let client = app.client("cac_not-a-token");
    let clone = client.clone();
    let refused = clone.me().await.expect_err("refused");
    assert_eq!(refused.problem().map(|p| p.status), Some(401));
    client.set_token(&app.clerk);
    assert!(clone.me().await.is_ok());
    assert_eq!(clone.token(), app.clerk);
    // What the counter does with a token read from its file: another token of the same
    // operator is used; another operator's is not (actions would be recorded under a
    // name the screen does not show); one the platform does not take, not yet.
    let mut operator = None;
    let fresh = app
        .store()
        .issue_token("clerk-li")
        .await
        .expect("store")
        .expect("a token");
    assert_eq!(
        ca_counter::tui::adopt_token(&client, &fresh, &mut operator).await,
        ca_counter::tui::Adopted::Yes
    );
    assert_eq!(client.token(), fresh);
    assert!(matches!(
        ca_counter::tui::adopt_token(&client, &app.reviewer, &mut operator).await,
        ca_counter::tui::Adopted::Another(_)
    ));
    assert_eq!(
        ca_counter::tui::adopt_token(&client, "cac_half-written", &mut operator).await,
        ca_counter::tui::Adopted::NotYet
    );
    assert_eq!(clone.token(), fresh, "still the clerk's");
    // Whose counter it is unknown (its own token refused before the platform said): none
    // is used.
    let stranger = app.client("cac_refused");
    let mut unknown = None;
    assert_eq!(
        ca_counter::tui::adopt_token(&stranger, &app.reviewer, &mut unknown).await,
        ca_counter::tui::Adopted::Unknown
    );
    assert_eq!(stranger.token(), "cac_refused");
    app.finish().await;
}

async fn health_and_openapi_need_no_token(db: Db) {
    let app = TestApp::spawn(db).await;
    let health: Health = app
        .http
        .get(app.url("/api/v1/health"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(health.status, "ok");
    assert_eq!(
        health.database,
        if db == Db::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    );
    assert_eq!(health.version, env!("CARGO_PKG_VERSION"));
    let doc: serde_json::Value = app
        .http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    for path in [
        "/api/v1/orders",
        "/api/v1/orders/{order_no}",
        "/api/v1/orders/{order_no}/actions/{action}",
        "/api/v1/orders/{order_no}/history",
        "/api/v1/orders/{order_no}/attachments",
        "/api/v1/events",
        "/api/v1/customers",
        "/api/v1/projects",
        "/api/v1/me",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    app.finish().await;
}

async fn every_other_route_needs_a_valid_token(db: Db) {
    let app = TestApp::spawn(db).await;
    for path in [
        "/api/v1/me",
        "/api/v1/orders",
        "/api/v1/projects",
        "/api/v1/events",
        "/api/v1/orders/counts",
    ] {
        let response = app.http.get(app.url(path)).send().await.expect("send");
        assert_eq!(response.status(), 401, "{path}");
        assert_eq!(
            response
                .headers()
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok()),
            Some("Bearer"),
            "{path}"
        );
        assert_eq!(
            response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json")
        );
        let wrong = app
            .http
            .get(app.url(path))
            .bearer_auth("cac_not-a-token")
            .send()
            .await
            .expect("send");
        assert_eq!(wrong.status(), 401, "{path}");
    }
    let unknown = app
        .http
        .get(app.url("/api/v1/nothing-here"))
        .bearer_auth(&app.clerk)
        .send()
        .await
        .expect("send");
    assert_eq!(unknown.status(), 404);
    // What the API answers is one operator's: kept by no cache, read as nothing else.
    let orders = app
        .http
        .get(app.url("/api/v1/orders"))
        .bearer_auth(&app.clerk)
        .send()
        .await
        .expect("send");
    for answer in [&orders, &unknown] {
        let header = |name: &str| {
            answer
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        assert_eq!(header("cache-control").as_deref(), Some("no-store"));
        assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
        // In the caller's language (here the default), and a cache would know it.
        assert_eq!(header("content-language").as_deref(), Some("zh-CN"));
        assert!(header("vary").is_some_and(|v| v.contains("Accept-Language")));
    }
    let problem: Problem = unknown.json().await.expect("problem json");
    assert_eq!(problem.code, "not_found");
    app.finish().await;
}

async fn a_revoked_operator_is_locked_out(db: Db) {
    let app = TestApp::spawn(db).await;
    let client = app.client(&app.clerk2);
    client.me().await.expect("works before");
    assert!(
        app.store()
            .revoke_operator("clerk-wang")
            .await
            .expect("revoke")
    );
    let refused = client.me().await.expect_err("locked out");
    assert_eq!(refused.problem().map(|p| p.status), Some(401));
    assert!(
        !app.store()
            .revoke_operator("clerk-wang")
            .await
            .expect("second revoke")
    );
    app.finish().await;
}

/// The next item of the stream within `secs`; `None` when it ended.
async fn next_or_end(
    stream: &mut ca_counter::api::EventStream,
    secs: u64,
) -> Option<ca_counter::api::ServerEvent> {
    use futures_util::StreamExt;
    match tokio::time::timeout(std::time::Duration::from_secs(secs), stream.next()).await {
        Ok(Some(Ok(event))) => Some(event),
        Ok(Some(Err(_)) | None) => None,
        Err(_) => panic!("the stream neither spoke nor ended within {secs} s"),
    }
}

async fn a_revoked_operators_open_event_stream_ends_before_the_next_change(db: Db) {
    use ca_counter::api::ServerEvent;
    let app = TestApp::spawn(db).await;
    let support = app.client(&app.support);
    let mut stream = support.events(None).await.expect("subscribe");
    assert!(matches!(
        next_or_end(&mut stream, 5).await,
        Some(ServerEvent::Hello { .. })
    ));
    let before = app.submit("甲").await;
    match next_or_end(&mut stream, 5).await {
        Some(ServerEvent::Order(e)) => assert_eq!(e.order_no, before.order_no),
        other => panic!("the order made before the revocation arrives: {other:?}"),
    }
    assert!(
        app.store()
            .revoke_operator("support-zhou")
            .await
            .expect("revoke")
    );
    let after = app.submit("乙").await;
    match next_or_end(&mut stream, 5).await {
        None => {}
        Some(event) => panic!(
            "a revoked operator was sent {event:?} (order {})",
            after.order_no
        ),
    }
    let refused = support
        .events(None)
        .await
        .err()
        .expect("reconnecting is refused");
    assert_eq!(refused.problem().map(|p| p.status), Some(401));
    app.finish().await;
}

/// An operator revoked and restored (a new token), whose client resumes from an event
/// before the revocation: the revocation read again ended the old token, not this one —
/// the stream goes on with everything after (it closed at once, every time, and a client
/// retrying by the rules never caught up).
async fn a_restored_operator_resuming_from_before_the_revocation_gets_every_event(db: Db) {
    use ca_counter::api::ServerEvent;
    let app = TestApp::spawn(db).await;
    let mut stream = app
        .client(&app.support)
        .events(None)
        .await
        .expect("subscribe");
    let Some(ServerEvent::Hello { last_event_id }) = next_or_end(&mut stream, 5).await else {
        panic!("hello");
    };
    drop(stream);
    assert!(
        app.store()
            .revoke_operator("support-zhou")
            .await
            .expect("revoke")
    );
    let token = app
        .store()
        .restore_operator("support-zhou")
        .await
        .expect("restore")
        .expect("a new token");
    let before = app.submit("甲").await;
    let mut stream = app
        .client(&token)
        .events(Some(last_event_id))
        .await
        .expect("resume");
    match next_or_end(&mut stream, 5).await {
        Some(ServerEvent::Order(e)) => assert_eq!(e.order_no, before.order_no),
        other => panic!("the order made after the restore arrives: {other:?}"),
    }
    let after = app.submit("乙").await;
    match next_or_end(&mut stream, 5).await {
        Some(ServerEvent::Order(e)) => assert_eq!(e.order_no, after.order_no),
        other => panic!("the stream goes on: {other:?}"),
    }
    // The old token, resuming the same way, is refused.
    let refused = app
        .client(&app.support)
        .events(Some(last_event_id))
        .await
        .err();
    assert_eq!(
        refused.and_then(|e| e.problem().map(|p| p.status)),
        Some(401)
    );
    app.finish().await;
}

async fn a_revocation_by_another_process_ends_the_stream_within_seconds(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut stream = app
        .client(&app.support)
        .events(None)
        .await
        .expect("subscribe");
    next_or_end(&mut stream, 5).await.expect("hello");
    // `ca-counter operator revoke` runs in its own process, with its own connections.
    let url = app.db.as_ref().expect("database").url.clone();
    let other = ca_counter::server::store::Store::open(&url, 2)
        .await
        .expect("second store");
    assert!(other.revoke_operator("support-zhou").await.expect("revoke"));
    other.close().await;
    let started = std::time::Instant::now();
    assert!(
        next_or_end(&mut stream, 10).await.is_none(),
        "the stream ended"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(8));
    app.finish().await;
}

async fn me_names_the_operator_and_roles(db: Db) {
    let app = TestApp::spawn(db).await;
    let me = app.client(&app.clerk_reviewer).me().await.expect("me");
    assert_eq!(me.name, "clerk-reviewer-sun");
    let roles: Vec<&str> = me.roles.iter().map(|r| r.as_str()).collect();
    assert_eq!(roles, ["clerk", "reviewer"]);
    assert!(me.may_reveal);
    assert!(!app.client(&app.support).me().await.expect("me").may_reveal);
    app.finish().await;
}

async fn revealing_personal_data_is_a_permission_and_is_audited(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.submit("张三").await;
    assert_eq!(order.applicant.id_number, "1101**********002X");
    assert!(order.applicant.phone.contains("****"));
    // The customer's identity verified on the phone page (its ID number is on the order
    // as the verified identity's too).
    let session = app
        .client(&app.clerk)
        .create_realname_session(&order.customer_id)
        .await
        .expect("session");
    let verified = ca_counter::api::submit_phone_form(
        &app.http,
        &session.url.expect("url"),
        &[
            ("name", "张三"),
            ("id_number", "11010519491231002X"),
            ("consent", "yes"),
        ],
    )
    .await
    .expect("post");
    assert!(
        verified
            .text()
            .await
            .expect("page")
            .contains("实名认证成功")
    );
    assert_eq!(order.mailing.street, "****");
    let refused = app
        .client(&app.support)
        .order(&order.order_no, true)
        .await
        .expect_err("support may not");
    assert_eq!(refused.problem().map(|p| p.status), Some(403));
    let revealed = app
        .client(&app.reviewer)
        .order(&order.order_no, true)
        .await
        .expect("reviewer may");
    assert!(revealed.revealed);
    assert_eq!(revealed.applicant.id_number, "11010519491231002X");
    assert_eq!(revealed.mailing.street, "麓山南路 932 号");
    let history = app
        .client(&app.admin)
        .history(&order.order_no)
        .await
        .expect("history");
    let reveal = history
        .iter()
        .find(|h| h.action == "reveal")
        .expect("audited");
    assert_eq!(reveal.actor.name, "reviewer-zhao");
    assert!(reveal.request_id.is_some());
    // The mailroom's reveal is where to send the parcel: the phone and the street, recorded
    // the same way, with the ID number still masked; the application form, which prints it,
    // is not theirs to print.
    let mailroom = app.client(&app.mailroom);
    let me = mailroom.me().await.expect("me");
    assert!(me.may_reveal && !me.may_reveal_id_number);
    // Not before the order is one it ships (unpaid, in review, returned): refused, and
    // its receipt prints the address masked.
    let early = mailroom.order(&order.order_no, true).await.err();
    assert_eq!(
        early.and_then(|e| e.problem().map(|p| (p.status, p.code.clone()))),
        Some((403, "not_for_mailing".to_owned()))
    );
    let receipt = mailroom.receipt(&order.order_no).await.expect("receipt");
    let text = crate::documents::pdf_text(&receipt.bytes);
    assert!(
        !text.contains("麓山南路 932") && !text.contains(&revealed.mailing.phone),
        "{text}"
    );
    let paid = app.pay(&order).await;
    app.act(
        &app.reviewer,
        &paid,
        ca_counter::domain::Action::Approve,
        Default::default(),
    )
    .await;
    let addressed = mailroom
        .order(&order.order_no, true)
        .await
        .expect("the mailroom may see the address");
    assert!(addressed.revealed);
    assert_eq!(addressed.mailing.street, "麓山南路 932 号");
    assert!(!addressed.mailing.phone.contains('*'));
    assert_eq!(addressed.applicant.id_number, "1101**********002X");
    // Nor the e-mail: a parcel is not sent there.
    assert!(
        addressed
            .applicant
            .email
            .as_deref()
            .is_none_or(|e| e.contains("***")),
        "{:?}",
        addressed.applicant.email
    );
    // The verified identity's too (it was shown whole once).
    assert_eq!(
        addressed.realname.as_ref().map(|r| r.id_number.as_str()),
        Some("1101**********002X")
    );
    assert_eq!(
        revealed.realname.as_ref().map(|r| r.id_number.as_str()),
        Some("11010519491231002X")
    );
    let form = app
        .http
        .get(app.url(&format!(
            "/api/v1/orders/{}/application-form",
            order.order_no
        )))
        .bearer_auth(&app.mailroom)
        .send()
        .await
        .expect("send");
    assert_eq!(form.status(), 403);
    let history = app
        .client(&app.admin)
        .history(&order.order_no)
        .await
        .expect("history");
    assert!(
        history
            .iter()
            .any(|h| h.action == "reveal" && h.actor.name == "mailroom-wu")
    );
    assert!(
        app.client(&app.reviewer)
            .me()
            .await
            .expect("me")
            .may_reveal_id_number
    );
    app.finish().await;
}

/// Whoever may not do something gets 403 for it, whatever they sent: their body or query
/// is not read first (a 422 would tell them how to shape a request they may not make).
async fn a_caller_who_may_not_is_told_so_before_anything_they_sent_is_read(db: Db) {
    let app = TestApp::spawn(db).await;
    let customer = app.customer("张三").await;
    let order = app.submit("李四").await;
    let cases = [
        (
            &app.support,
            "POST",
            "/api/v1/customers".to_owned(),
            r#"{"phone": 5}"#,
        ),
        (
            &app.finance,
            "POST",
            "/api/v1/realname-sessions".to_owned(),
            "[]",
        ),
        (
            &app.reviewer,
            "PATCH",
            format!("/api/v1/customers/{}", customer.id),
            r#"{"name": 1}"#,
        ),
        (
            &app.mailroom,
            "POST",
            format!("/api/v1/orders/{}/payments", order.order_no),
            r#"{"method": "nothing"}"#,
        ),
        (
            &app.clerk,
            "GET",
            "/api/v1/payments?status=nothing".to_owned(),
            "",
        ),
        (
            &app.clerk,
            "GET",
            "/api/v1/sms?status=nothing".to_owned(),
            "",
        ),
    ];
    for (token, method, path, body) in cases {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let response = app
            .http
            .request(method.clone(), app.url(&path))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 403, "{method} {path}");
        let problem: Problem = response.json().await.expect("problem");
        assert!(problem.errors.is_empty(), "{method} {path}: {problem:?}");
    }
    app.finish().await;
}

/// A client's `X-Request-Id` never becomes the id an order's history records (it could
/// name another's request, as a forged trail): the platform's own, new each time, is
/// answered and recorded.
async fn the_request_id_in_an_orders_history_is_the_platforms_own(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.submit("张三").await;
    let chosen = "01a2478b-5a87-71cf-8bd0-4708e4a81635";
    let answered = app
        .http
        .post(app.url(&format!("/api/v1/orders/{}/notes", order.order_no)))
        .bearer_auth(&app.clerk)
        .header("x-request-id", chosen)
        .json(&serde_json::json!({ "text": "客户来电" }))
        .send()
        .await
        .expect("note");
    assert!(answered.status().is_success(), "{:?}", answered.status());
    let id = answered
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(!id.is_empty() && id != chosen, "{id}");
    let history = app
        .client(&app.admin)
        .history(&order.order_no)
        .await
        .expect("history");
    let note = history
        .iter()
        .rev()
        .find(|h| h.action == "note")
        .expect("noted");
    assert_eq!(note.request_id.as_deref(), Some(id.as_str()));
    assert!(
        history
            .iter()
            .all(|h| h.request_id.as_deref() != Some(chosen))
    );
    app.finish().await;
}
