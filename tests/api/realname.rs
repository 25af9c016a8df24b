//! Real-name verification: the clerk's code, the customer's phone page, five tries, single
//! use, expiry, and the event the counter waits for.

use std::time::Duration;

use ca_counter::api::{RealnameStatus, ServerEvent};
use futures_util::StreamExt;

use crate::common::{Db, TestApp};
use crate::on_both_databases;

on_both_databases!(
    a_second_form_with_another_identity_is_told_it_was_not_used,
    a_customer_verifies_on_their_phone_and_the_counter_hears_of_it,
    five_wrong_tries_lock_the_code,
    tries_sent_at_once_each_say_where_the_code_stands,
    used_expired_and_replaced_codes_get_a_clear_page,
    the_clerk_can_correct_the_name_until_verified,
    one_id_number_under_two_names_is_flagged_to_clerk_and_reviewer,
    a_new_verification_says_where_it_stands,
    phone_forms_naming_another_site_are_refused,
    a_verified_identity_is_never_replaced_by_a_second_check,
    a_name_the_documents_cannot_print_is_refused_where_it_is_typed,
    a_customers_own_tries_count_every_question_to_the_provider,
);

/// A customer registered at the counter as `name`, and the real-name code a clerk opened
/// for them, with the address it opens.
async fn counter_code(
    app: &TestApp,
    name: &str,
) -> (
    ca_counter::api::Customer,
    ca_counter::api::RealnameSession,
    String,
) {
    let customer = app.customer(name).await;
    let session = app
        .client(&app.clerk)
        .create_realname_session(&customer.id)
        .await
        .expect("session");
    let url = session.url.clone().expect("url");
    (customer, session, url)
}

/// Plays the customer's phone: fills the form and posts it as a browser would.
async fn phone_post(
    app: &TestApp,
    url: &str,
    name: &str,
    id: &str,
    consent: bool,
) -> (u16, String) {
    let mut form = vec![("name", name), ("id_number", id)];
    if consent {
        form.push(("consent", "yes"));
    }
    let response = ca_counter::api::submit_phone_form(&app.http, url, &form)
        .await
        .expect("post");
    let status = response.status().as_u16();
    (status, response.text().await.expect("page"))
}

async fn a_customer_verifies_on_their_phone_and_the_counter_hears_of_it(db: Db) {
    let app = TestApp::spawn(db).await;
    let customer = app.customer("张三").await;
    let clerk = app.client(&app.clerk);
    let mut events = app
        .client(&app.support)
        .events(None)
        .await
        .expect("subscribe");
    events.next().await;
    // Not verified yet: no identity to fill a form with.
    match clerk.customer_identity(&customer.id).await {
        Err(e) => assert_eq!(e.problem().map(|p| p.status), Some(404), "{e:?}"),
        Ok(found) => panic!("an identity before verification: {found:?}"),
    }
    let session = clerk
        .create_realname_session(&customer.id)
        .await
        .expect("session");
    let url = session.url.clone().expect("url");
    assert!(
        url.starts_with(&format!("{}/m/realname/", app.base)),
        "{url}"
    );
    let token = url.rsplit('/').next().expect("token");
    assert!(token.len() >= 22, "at least 128 bits: {token}");
    assert_eq!(session.status, RealnameStatus::Pending);
    assert_eq!(session.masked_name, "*三");

    let page = app.http.get(&url).send().await.expect("page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    // The built-in check says it is a demo before anything is typed, and what it compares
    // the name with: the one the counter typed.
    let demo = html.find("演示核验：").unwrap_or_else(|| panic!("{html}"));
    assert!(html.contains("姓名是否与上面写的一致"), "{html}");
    assert!(
        html.find("name=\"id_number\"")
            .is_some_and(|field| demo < field),
        "{html}"
    );
    assert!(
        html.contains("*三")
            && html.contains("name=\"id_number\"")
            && html.contains("name=\"consent\"")
    );
    assert!(
        !html.contains("张三"),
        "the full registered name is not shown on the phone"
    );
    // Whose account it verifies, masked: a link sent by someone else says it is theirs.
    let masked = ca_counter::domain::mask_phone(&customer.phone);
    assert!(
        html.contains(&format!("这次实名认证属于手机号 <b>{masked}</b>"))
            && !html.contains(&customer.phone),
        "{html}"
    );

    // No consent: not a try.
    let (_, html) = phone_post(&app, &url, "张三", "11010519491231002X", false).await;
    assert!(html.contains("请勾选同意"), "{html}");
    // The language switch sends what was typed along: the same form in English, as
    // typed, nothing checked, no try spent.
    assert!(html.contains("form=\"realname-form\""), "{html}");
    let switched = ca_counter::api::submit_phone_form(
        &app.http,
        &format!("{url}?lang=en"),
        &[
            ("name", "张三"),
            ("id_number", "11010519491231002X"),
            ("keep", "lang"),
        ],
    )
    .await
    .expect("switch");
    assert_eq!(switched.status(), 200);
    let html = switched.text().await.expect("page");
    assert!(
        html.contains("lang=\"en\"") && html.contains("value=\"11010519491231002X\""),
        "{html}"
    );
    assert!(
        !html.contains("Please tick the consent box"),
        "nothing checked: {html}"
    );
    let seen = clerk.realname_session(&session.id).await.expect("status");
    assert_eq!(seen.attempts, 0);
    // A mistyped ID number (its check character does not fit) and a name with a digit:
    // both named at once, each by its field, and not a try — nothing was asked of the
    // provider, and a phone keyboard's typo must not spend one of five.
    let (_, html) = phone_post(&app, &url, "张3", "110101199003077757", true).await;
    assert!(
        html.contains("校验码")
            && html.contains("姓名只能是文字")
            && html.contains("还可以尝试 5 次"),
        "{html}"
    );
    let seen = clerk.realname_session(&session.id).await.expect("status");
    assert_eq!((seen.status, seen.attempts), (RealnameStatus::Pending, 0));
    // The counter hears why the customer is stuck.
    assert_eq!(seen.reason.as_deref(), Some("id_number_invalid"));
    assert_eq!(
        seen.reason_text.as_deref(),
        Some("the ID number is not valid")
    );
    // The link opened again (another phone, a reload) shows an empty form: the last try's
    // refusal is said of the try, above it, not by its empty fields.
    let fresh = app.http.get(&url).send().await.expect("get");
    let fresh = fresh.text().await.expect("page");
    assert!(fresh.contains("上次提交没有通过"), "{fresh}");
    assert!(!fresh.contains("处需要修改"), "{fresh}");
    // Told once: the same typo again writes nothing more (no second event below).
    let (_, again) = phone_post(&app, &url, "张三", "110101199003077757", true).await;
    assert!(again.contains("校验码"), "{again}");
    // Mended but sent without the consent ticked: the counter no longer says typo.
    let (_, mended) = phone_post(&app, &url, "张三", "11010519491231002X", false).await;
    assert!(mended.contains("请勾选同意"), "{mended}");
    let seen = clerk.realname_session(&session.id).await.expect("status");
    assert_eq!((seen.attempts, seen.reason), (0, None));

    let (status, html) = phone_post(&app, &url, " 张 三", "11010519491231002x", true).await;
    assert_eq!(status, 200);
    assert!(html.contains("实名认证成功"), "{html}");
    let done = clerk.realname_session(&session.id).await.expect("status");
    assert_eq!(done.status, RealnameStatus::Verified);
    assert_eq!(
        done.verified_id_number.as_deref(),
        Some("11010519491231002X")
    );
    // In full to the clerk who started it (whose form it fills); masked to everyone else,
    // the mailroom and a reviewer included.
    for token in [&app.mailroom, &app.reviewer, &app.support] {
        let seen = app
            .client(token)
            .realname_session(&session.id)
            .await
            .expect("status");
        assert_eq!(
            seen.verified_id_number.as_deref(),
            Some(ca_counter::domain::mask_id_number("11010519491231002X").as_str())
        );
    }
    let customer = clerk
        .find_customer(&customer.phone)
        .await
        .expect("find")
        .expect("customer");
    assert!(customer.realname_verified);
    // The next application's form takes the verified identity; only a role that takes
    // applications and may see it reads it, and the read is in the audit trail.
    let identity = clerk
        .customer_identity(&customer.id)
        .await
        .expect("identity");
    assert_eq!(
        (Some(identity.name), Some(identity.id_number)),
        (done.verified_name.clone(), done.verified_id_number.clone())
    );
    for token in [&app.support, &app.reviewer] {
        match app.client(token).customer_identity(&customer.id).await {
            Err(e) => assert_eq!(e.problem().map(|p| p.status), Some(403), "{e:?}"),
            Ok(found) => panic!("read by a role that does not take applications: {found:?}"),
        }
    }
    let audited: Vec<(String,)> = sqlx::query_as(
        "SELECT action FROM customer_audit WHERE customer_id = $1 AND action = 'identity_read'",
    )
    .bind(&customer.id)
    .fetch_all(app.store().pool())
    .await
    .expect("audit");
    assert_eq!(audited.len(), 1);
    // An administrator reads the trail — who read the identity, and when; nobody else.
    let trail = app
        .http
        .get(app.url(&format!("/api/v1/customers/{}/audit", customer.id)))
        .bearer_auth(&app.admin)
        .send()
        .await
        .expect("audit");
    assert_eq!(trail.status(), 200);
    let trail: Vec<ca_counter::api::CustomerAuditEntry> = trail.json().await.expect("trail");
    assert!(
        trail
            .iter()
            .any(|e| e.action == "identity_read" && e.actor.name == "clerk-li"),
        "{trail:?}"
    );
    for token in [&app.clerk, &app.support] {
        let refused = app
            .http
            .get(app.url(&format!("/api/v1/customers/{}/audit", customer.id)))
            .bearer_auth(token)
            .send()
            .await
            .expect("audit");
        assert_eq!(refused.status(), 403);
    }

    // The counter hears: created, the mistyped ID number (said, and no try), the typo
    // mended, the success (a failed try is heard in `five_wrong_tries_lock_the_code`).
    let mut statuses = Vec::new();
    while statuses.len() < 4 {
        match tokio::time::timeout(Duration::from_secs(5), events.next()).await {
            Ok(Some(Ok(ServerEvent::Realname(event)))) => {
                assert_eq!(event.session_id, session.id);
                statuses.push((event.status, event.attempts));
            }
            other => panic!("expected a realname event, got {other:?}"),
        }
    }
    assert_eq!(
        statuses,
        [
            (RealnameStatus::Pending, 0),
            (RealnameStatus::Pending, 0),
            (RealnameStatus::Pending, 0),
            (RealnameStatus::Verified, 0)
        ]
    );
    app.finish().await;
}

/// Wrong tries sent at once from one form (a double tap, a slow network's resend): each
/// answer says what became of the code — the refusal beside the name, or the lock — never a
/// page with nothing on it (a post that crossed another is answered with that one's
/// answer, and is no try of its own).
async fn tries_sent_at_once_each_say_where_the_code_stands(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let (_, session, url) = counter_code(&app, "张三").await;
    let open = ca_counter::api::PhonePage::open(&app.http, &url)
        .await
        .expect("page");
    let form = [
        ("name", "李四"),
        ("id_number", "11010519491231002X"),
        ("consent", "yes"),
    ];
    let answers =
        futures_util::future::join_all((0..8).map(|_| open.submit(&app.http, &form))).await;
    for answer in answers {
        let html = answer.expect("post").text().await.expect("page");
        assert!(
            html.contains("姓名与柜台登记的不一致") || html.contains("已锁定"),
            "{html}"
        );
    }
    let seen = clerk.realname_session(&session.id).await.expect("status");
    assert!((1..=5).contains(&seen.attempts), "{seen:?}");
    assert_eq!(seen.status == RealnameStatus::Locked, seen.attempts == 5);
    app.finish().await;
}

async fn five_wrong_tries_lock_the_code(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let (customer, session, url) = counter_code(&app, "张三").await;
    // A second phone with the form open all along.
    let open = ca_counter::api::PhonePage::open(&app.http, &url)
        .await
        .expect("page");
    for attempt in 1..=5 {
        let (_, html) = phone_post(&app, &url, "李四", "11010519491231002X", true).await;
        if attempt < 5 {
            assert!(
                html.contains("姓名与柜台登记的不一致"),
                "try {attempt}: {html}"
            );
        } else {
            // Over the name: which name is registered, and what to do.
            assert!(
                html.contains("已锁定") && html.contains("请按身份证上的姓名填写"),
                "try {attempt}: {html}"
            );
        }
    }
    // Even the right answer is refused now.
    let response = open
        .submit(
            &app.http,
            &[
                ("name", "张三"),
                ("id_number", "11010519491231002X"),
                ("consent", "yes"),
            ],
        )
        .await
        .expect("post");
    assert_eq!(response.status(), 410);
    assert!(response.text().await.expect("page").contains("已锁定"));
    let seen = clerk.realname_session(&session.id).await.expect("status");
    assert_eq!(
        (seen.status, seen.attempts, seen.attempts_left),
        (RealnameStatus::Locked, 5, 0)
    );
    let customer = clerk
        .find_customer(&customer.phone)
        .await
        .expect("find")
        .expect("customer");
    assert!(!customer.realname_verified);
    app.finish().await;
}

async fn used_expired_and_replaced_codes_get_a_clear_page(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let customer = app.customer("张三").await;

    let first = clerk
        .create_realname_session(&customer.id)
        .await
        .expect("first");
    let second = clerk
        .create_realname_session(&customer.id)
        .await
        .expect("fresh code");
    let old = app
        .http
        .get(first.url.as_deref().expect("url"))
        .send()
        .await
        .expect("old page");
    assert_eq!(old.status(), 410);
    assert!(old.text().await.expect("html").contains("已失效"));
    assert_eq!(
        clerk
            .realname_session(&first.id)
            .await
            .expect("first")
            .status,
        RealnameStatus::Superseded
    );

    let url = second.url.expect("url");
    phone_post(&app, &url, "张三", "11010519491231002X", true).await;
    let again = app.http.get(&url).send().await.expect("used page");
    assert!(
        again.text().await.expect("html").contains("实名认证成功"),
        "a used code says it is done"
    );
    let (_, html) = phone_post(&app, &url, "张三", "11010519491231002X", true).await;
    assert!(!html.contains("<form"), "a used code takes no more tries");

    let other = app.customer("李四").await;
    let late = clerk
        .create_realname_session(&other.id)
        .await
        .expect("session");
    sqlx::query("UPDATE realname_sessions SET expires_at = 0 WHERE id = $1")
        .bind(&late.id)
        .execute(app.store().pool())
        .await
        .expect("expire");
    let expired = app
        .http
        .get(late.url.as_deref().expect("url"))
        .send()
        .await
        .expect("page");
    assert_eq!(expired.status(), 410);
    assert!(expired.text().await.expect("html").contains("已过期"));
    assert_eq!(
        clerk.realname_session(&late.id).await.expect("late").status,
        RealnameStatus::Expired
    );

    let unknown = app
        .http
        .get(app.url("/m/realname/not-a-real-token"))
        .send()
        .await
        .expect("page");
    assert_eq!(unknown.status(), 404);
    app.finish().await;
}

async fn the_clerk_can_correct_the_name_until_verified(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let customer = app.customer("张山").await;
    let renamed = clerk
        .rename_customer(&customer.id, "张三")
        .await
        .expect("rename");
    assert_eq!(renamed.name, "张三");
    let session = clerk
        .create_realname_session(&customer.id)
        .await
        .expect("session");
    phone_post(
        &app,
        session.url.as_deref().expect("url"),
        "张三",
        "11010519491231002X",
        true,
    )
    .await;
    let refused = clerk
        .rename_customer(&customer.id, "张珊")
        .await
        .expect_err("verified");
    assert_eq!(
        refused.problem().map(|p| p.code.as_str()),
        Some("customer_verified")
    );
    app.finish().await;
}

async fn one_id_number_under_two_names_is_flagged_to_clerk_and_reviewer(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    for name in ["张三", "李四"] {
        let customer = app.customer(name).await;
        let session = clerk
            .create_realname_session(&customer.id)
            .await
            .expect("session");
        let url = session.url.clone().expect("url");
        phone_post(&app, &url, name, "11010519491231002X", true).await;
        let seen = clerk.realname_session(&session.id).await.expect("status");
        assert_eq!(seen.status, RealnameStatus::Verified);
        assert_eq!(seen.provider.as_deref(), Some("builtin"));
        if name == "李四" {
            assert_eq!(seen.other_names, ["*三"], "the clerk is told");
            let mut body = app.new_order_body("李四").await;
            body.customer_id = customer.id.clone();
            let order = clerk
                .create_order(&uuid::Uuid::now_v7().to_string(), &body)
                .await
                .expect("order");
            let seen = app
                .client(&app.reviewer)
                .order(&order.order_no, false)
                .await
                .expect("order");
            let check = seen.realname.expect("realname");
            assert_eq!(check.other_names, ["*三"], "the reviewer is told");
            assert_eq!(check.provider.as_deref(), Some("builtin"));
        } else {
            assert!(seen.other_names.is_empty());
        }
    }
    app.finish().await;
}

/// A new verification's 201 names the address where it stands (and that address answers).
async fn a_new_verification_says_where_it_stands(db: Db) {
    let app = TestApp::spawn(db).await;
    let customer = app.customer("张三").await;
    let created = app
        .http
        .post(app.url("/api/v1/realname-sessions"))
        .bearer_auth(&app.clerk)
        .json(&serde_json::json!({"customer_id": customer.id}))
        .send()
        .await
        .expect("send");
    assert_eq!(created.status(), 201);
    let location = created
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("a Location")
        .to_owned();
    let session: serde_json::Value = created.json().await.expect("json");
    let id = session["id"].as_str().expect("id");
    assert_eq!(location, format!("/api/v1/realname-sessions/{id}"));
    let there = app
        .http
        .get(app.url(&location))
        .bearer_auth(&app.clerk)
        .send()
        .await
        .expect("send");
    assert_eq!(there.status(), 200);
    app.finish().await;
}

/// The real-name form and the demo cashier, posted with their own page's token and cookie
/// but naming another site as `Origin` or `Referer` (a page elsewhere that had the
/// customer's browser post them): refused, nothing tried, nothing paid. From this site's
/// own address, the same posts go through.
async fn phone_forms_naming_another_site_are_refused(db: Db) {
    let app = TestApp::spawn(db).await;
    let customer = app.customer("张三").await;
    let clerk = app.client(&app.clerk);
    let session = clerk
        .create_realname_session(&customer.id)
        .await
        .expect("session");
    let url = session.url.clone().expect("url");
    let fields = [
        ("name", "张三"),
        ("id_number", "11010519491231002X"),
        ("consent", "yes"),
    ];
    let page = ca_counter::api::PhonePage::open(&app.http, &url)
        .await
        .expect("page");
    for header in [
        ("origin", "https://evil.example"),
        ("referer", "https://evil.example/x"),
    ] {
        let refused = page
            .submit_with(&app.http, &fields, &[header])
            .await
            .expect("post");
        assert_eq!(refused.status(), 403, "{header:?}");
        let html = refused.text().await.expect("page");
        assert!(html.contains("此表单只能在本页提交"), "{html}");
    }
    let seen = clerk.realname_session(&session.id).await.expect("status");
    assert_eq!(seen.status, RealnameStatus::Pending);
    assert_eq!(seen.attempts, 0);
    // From its own page it goes through, and the answer is the code's own address (so Back
    // and reload show the result, never "send the form again?").
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let own = page
        .submit_with(&no_redirect, &fields, &[("origin", app.base.as_str())])
        .await
        .expect("post");
    assert_eq!(own.status(), 303);
    let location = own
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(url.ends_with(&location), "{location}");
    let shown = ca_counter::api::PhonePage::open(&app.http, &url)
        .await
        .expect("page")
        .html;
    assert!(shown.contains("✓"), "{shown}");
    let seen = clerk.realname_session(&session.id).await.expect("status");
    assert_eq!(seen.status, RealnameStatus::Verified);

    let order = app.submit("李四").await;
    let payment = clerk
        .create_payment(&order.order_no, "sandbox")
        .await
        .expect("payment");
    let cashier = ca_counter::api::PhonePage::open(&app.http, &payment.pay_url)
        .await
        .expect("cashier");
    let refused = cashier
        .submit_with(&app.http, &[], &[("origin", "https://evil.example")])
        .await
        .expect("pay");
    assert_eq!(refused.status(), 403);
    let unpaid = clerk.order(&order.order_no, false).await.expect("order");
    assert_eq!(
        unpaid.status,
        ca_counter::domain::OrderStatus::PendingPayment
    );
    let paid = cashier
        .submit_with(&no_redirect, &[], &[("referer", payment.pay_url.as_str())])
        .await
        .expect("pay");
    assert_eq!(paid.status(), 303);
    // The demo cashier's "paid" says it took no money: no screenshot of it passes for one.
    let said = ca_counter::api::PhonePage::open(&app.http, &payment.pay_url)
        .await
        .expect("page")
        .html;
    assert!(said.contains("没有真正扣款"), "{said}");
    let now = clerk.order(&order.order_no, false).await.expect("order");
    assert_ne!(now.status, ca_counter::domain::OrderStatus::PendingPayment);
    app.finish().await;
}

/// A verified customer's name and ID number stand: a second code is refused (it had
/// replaced them, and an order paid under the first no longer matched its applicant), and
/// a code still open when the customer was verified (two instances racing) is void.
async fn a_verified_identity_is_never_replaced_by_a_second_check(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let customer = app.customer("刘八").await;
    app.verify_customer(&customer.id, "刘八", "430102198008034227")
        .await;
    match clerk.create_realname_session(&customer.id).await {
        Err(e) => {
            let problem = e.problem().expect("a problem");
            assert_eq!(
                (problem.status, problem.code.as_str()),
                (409, "customer_verified"),
                "{problem:?}"
            );
            // Said as a check not needed (not as a rename refused).
            assert!(
                problem.detail.contains("no second check is needed"),
                "{problem:?}"
            );
        }
        Ok(session) => panic!("a second check opened: {session:?}"),
    }
    // A code opened past the route's check, answered with another ID number.
    let clerk_id = clerk.me().await.expect("me").id;
    let (stale, token) = app
        .store()
        .create_realname_session(&customer.id, "刘八", None, &clerk_id, 600_000)
        .await
        .expect("a session made directly");
    let url = format!("{}/m/realname/{token}", app.base);
    let page =
        crate::common::customer::verify_on_phone(&app, &url, "刘八", "430102198706251341").await;
    assert!(!page.contains("实名认证成功"), "{page}");
    let identity = clerk
        .customer_identity(&customer.id)
        .await
        .expect("identity");
    assert_eq!(identity.id_number, "430102198008034227");
    let seen = clerk.realname_session(&stale.id).await.expect("status");
    assert_eq!(seen.status, RealnameStatus::Superseded);
    assert_eq!(seen.verified_id_number, None);
    app.finish().await;
}

/// The same code's form sent again from a second tab with another ID number (a typo
/// "corrected") after the first verified: told that what it sent was neither checked nor
/// used — not "✓ confirmed" over an identity thrown away — and the same page for the same
/// identity (the answer must not tell a guess from it).
async fn a_second_form_with_another_identity_is_told_it_was_not_used(db: Db) {
    let app = TestApp::spawn(db).await;
    let customer = app.customer("王五").await;
    let session = app
        .client(&app.clerk)
        .create_realname_session(&customer.id)
        .await
        .expect("session");
    let url = session.url.expect("url");
    // Two tabs on the code, both open before either sends.
    let open = || async {
        ca_counter::api::PhonePage::open(&app.http, &url)
            .await
            .expect("the page")
    };
    let (first_tab, second_tab, third_tab) = (open().await, open().await, open().await);
    let send = |tab: ca_counter::api::PhonePage, id_number: &'static str| {
        let http = app.http.clone();
        async move {
            let form = [
                ("name", "王五"),
                ("id_number", id_number),
                ("consent", "yes"),
            ];
            let answer = tab.submit(&http, &form).await.expect("post");
            (answer.status().as_u16(), answer.text().await.expect("page"))
        }
    };
    let (status, first) = send(first_tab, "430104197007071112").await;
    assert_eq!(status, 200, "{first}");
    assert!(first.contains("实名认证成功"), "{first}");
    let (status, second) = send(second_tab, "11010519491231002X").await;
    assert_eq!(status, 200, "{second}");
    assert!(
        second.contains("这次提交的内容没有再核验")
            && !second.contains("4301")
            && !second.contains("1112")
            && !second.contains("实名认证成功"),
        "{second}"
    );
    // The same identity sent again gets the same page: nothing tells a guess from the
    // identity verified.
    let (status, again) = send(third_tab, "430104197007071112").await;
    assert_eq!(status, 200, "{again}");
    let body = |page: &str| {
        page.split("<main")
            .nth(1)
            .unwrap_or_default()
            .split("</main>")
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(body(&second), body(&again));
    app.finish().await;
}

/// A name no font here can draw would be refused on every order of the customer's (the
/// application form prints it): it is refused where it is typed instead — a new customer,
/// a correction, the real-name form on the phone — naming the characters, nothing kept,
/// no try spent.
async fn a_name_the_documents_cannot_print_is_refused_where_it_is_typed(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let arabic = "محمد علي";
    let refused = clerk
        .create_customer(&ca_counter::api::NewCustomer {
            phone: crate::common::unique_phone(),
            name: arabic.into(),
        })
        .await
        .expect_err("unprintable");
    let p = refused.problem().cloned().expect("problem");
    assert_eq!(p.status, 422);
    assert_eq!(p.errors.len(), 1, "{p:?}");
    assert_eq!(p.errors[0].field, "name");
    assert!(
        p.errors[0]
            .message
            .contains("in the name cannot be printed on the application form")
            && p.errors[0].message.contains('م'),
        "{p:?}"
    );

    let customer = app.customer("张三").await;
    let refused = clerk
        .rename_customer(&customer.id, arabic)
        .await
        .expect_err("unprintable");
    let p = refused.problem().cloned().expect("problem");
    assert_eq!(
        (p.status, p.errors[0].field.as_str()),
        (422, "name"),
        "{p:?}"
    );
    let session = clerk
        .create_realname_session(&customer.id)
        .await
        .expect("session");
    assert_eq!(session.masked_name, "*三", "the name was kept");

    let url = session.url.clone().expect("url");
    let (_, html) = phone_post(&app, &url, arabic, "11010519491231002X", true).await;
    assert!(
        html.contains("姓名中的“م、ح、د、ع、ل、ي”无法打印在申请表上"),
        "{html}"
    );
    let now = clerk.realname_session(&session.id).await.expect("session");
    assert_eq!(now.status, RealnameStatus::Pending);
    assert_eq!(now.attempts, 0, "no try spent");
    app.finish().await;
}

/// The tries a customer spends on their own codes in a day count every question to the
/// provider: tries answered, a face check in flight (which also keeps them from being told
/// they are spent: it may pass), one left in flight by a newer code, one abandoned until
/// its code ran out; not the counter's codes, nor those older than a day.
async fn a_customers_own_tries_count_every_question_to_the_provider(db: Db) {
    use ca_counter::server::store::self_service::ONLINE_OPERATOR_ID;
    let app = TestApp::spawn(db).await;
    let store = app.store();
    let customer = app.customer("张三").await;
    let clerk = app.client(&app.clerk).me().await.expect("me").id;
    let tries = || async {
        store
            .online_realname_tries(&customer.id)
            .await
            .map(|day| (day.tries, day.in_flight))
    };
    assert_eq!(tries().await.expect("tries"), (0, false));
    // Four answered on a code of their own; four on the counter's (not counted).
    let first = open_code(&app, &customer.id, ONLINE_OPERATOR_ID).await;
    set(
        &app,
        "UPDATE realname_sessions SET attempts = 4 WHERE id = $1",
        &first,
    )
    .await;
    let counter = open_code(&app, &customer.id, &clerk).await;
    set(
        &app,
        "UPDATE realname_sessions SET attempts = 4 WHERE id = $1",
        &counter,
    )
    .await;
    assert_eq!(tries().await.expect("tries"), (4, false));
    // A face check in flight: a try, and in flight.
    let second = open_code(&app, &customer.id, ONLINE_OPERATOR_ID).await;
    set(
        &app,
        "UPDATE realname_sessions SET certify_id = 'c-1', certify_url = 'https://x' WHERE id = $1",
        &second,
    )
    .await;
    assert_eq!(tries().await.expect("tries"), (5, true));
    // Left in flight by a newer code (superseded): still a try, no longer in flight.
    let third = open_code(&app, &customer.id, ONLINE_OPERATOR_ID).await;
    assert_eq!(tries().await.expect("tries"), (5, false));
    // Abandoned at the provider until the code ran out: a try.
    set(
        &app,
        "UPDATE realname_sessions SET status = 'expired', last_error = 'face_abandoned' WHERE id = $1",
        &third,
    )
    .await;
    assert_eq!(tries().await.expect("tries"), (6, false));
    // A day later none of them counts.
    sqlx::query("UPDATE realname_sessions SET created_at = created_at - 86400001")
        .execute(store.pool())
        .await
        .expect("a day earlier");
    assert_eq!(tries().await.expect("tries"), (0, false));
    app.finish().await;
}

/// Opens a real-name code for `customer_id` as `by` would; its session's id.
async fn open_code(app: &TestApp, customer_id: &str, by: &str) -> String {
    app.store()
        .create_realname_session(customer_id, "张三", None, by, 600_000)
        .await
        .expect("session")
        .0
        .id
}

async fn set(app: &TestApp, sql: &str, id: &str) {
    sqlx::query(sql)
        .bind(id)
        .execute(app.store().pool())
        .await
        .expect("update");
}
