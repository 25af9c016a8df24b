//! Text is text: what an attacker types into names, addresses, notes, reasons and searches
//! — NUL, terminal escape codes, bells, direction overrides, invisible-only names, place
//! names made of punctuation — is refused with a message on its field and changes nothing,
//! on both databases (PostgreSQL refuses NUL outright; it must never reach it).

use ca_counter::api::{ActionRequest, NewCustomer, Problem};
use ca_counter::domain::{Action, OrderStatus};
use serde_json::json;

use crate::common::{Db, TestApp, unique_phone};
use crate::on_both_databases;

on_both_databases!(
    hostile_names_and_addresses_are_refused_on_their_field,
    hostile_notes_reasons_and_searches_are_refused_and_change_nothing,
    control_characters_in_paths_and_ids_name_nothing,
);

/// Strings no name may be: each with the problem it must get.
const HOSTILE: &[(&str, &str)] = &[
    ("张\u{0}三", "control"),
    ("张三\u{1b}[2J\u{1b}[31m", "control"),
    ("bell\u{7}", "control"),
    ("c1\u{9b}31m", "control"),
    ("tab\there", "control"),
    ("两\n行", "control"),
    ("\u{202E}三张", "direction"),
    ("a\u{2067}b\u{2069}", "direction"),
    ("\u{200B}\u{200B}\u{200B}", "invisible"),
    ("\u{FEFF}\u{2060}", "invisible"),
    ("\u{3164}", "invisible"),
];

async fn order_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(app.store().pool())
        .await
        .expect("count orders")
}

async fn problem(response: reqwest::Response) -> Problem {
    assert_eq!(response.status(), 422, "{:?}", response.url().path());
    response.json().await.expect("problem json")
}

/// `body` posted to `POST /api/v1/orders` by the clerk, with a fresh idempotency key.
async fn post_order(app: &TestApp, body: &serde_json::Value) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/orders"))
        .bearer_auth(&app.clerk)
        .header("Idempotency-Key", uuid::Uuid::now_v7().to_string())
        .json(body)
        .send()
        .await
        .expect("send")
}

fn names_field(problem: &Problem, field: &str) -> bool {
    problem.errors.iter().any(|e| e.field == field)
}

async fn hostile_names_and_addresses_are_refused_on_their_field(db: Db) {
    let app = TestApp::spawn(db).await;
    let orders_before = order_count(&app).await;
    for (bad, kind) in HOSTILE {
        // A new customer's name.
        let response = app
            .http
            .post(app.url("/api/v1/customers"))
            .bearer_auth(&app.clerk)
            .json(&NewCustomer {
                phone: unique_phone(),
                name: (*bad).into(),
            })
            .send()
            .await
            .expect("send");
        let p = problem(response).await;
        assert!(names_field(&p, "name"), "{kind} {bad:?}: {p:?}");

        // Every text field of an order, one at a time.
        for field in [
            "applicant.name",
            "mailing.recipient",
            "mailing.street",
            "mailing.city",
        ] {
            let mut body = serde_json::to_value(app.new_order_body("张三").await).expect("json");
            let (section, key) = field.split_once('.').expect("dotted");
            body[section][key] = json!(bad);
            let response = post_order(&app, &body).await;
            let p = problem(response).await;
            assert!(names_field(&p, field), "{field} {kind} {bad:?}: {p:?}");
        }
    }
    // Place names are words: punctuation alone is refused, the rest of the form is named.
    for bad in ["!!@@", "123", "---"] {
        let mut body = serde_json::to_value(app.new_order_body("张三").await).expect("json");
        body["mailing"]["district"] = json!(bad);
        let response = post_order(&app, &body).await;
        let p = problem(response).await;
        assert_eq!(p.errors.len(), 1, "{p:?}");
        assert!(names_field(&p, "mailing.district"), "{p:?}");
    }
    // A person's name is letters and its joining marks: an invisible character inside it
    // (which makes it another name than the ID card's, and unfindable by search), an
    // emoji, a tag character or a digit is refused on the name's own field; a street or a
    // note is free text.
    for bad in ["王\u{200B}五", "王五😀", "王\u{E0041}五", "王五2"] {
        for field in [
            "applicant.name",
            "mailing.recipient",
            "organization.legal_representative",
        ] {
            let mut body =
                serde_json::to_value(app.new_org_order_body("张三").await).expect("json");
            let (section, key) = field.split_once('.').expect("dotted");
            body[section][key] = json!(bad);
            let response = post_order(&app, &body).await;
            assert_eq!(response.status(), 422, "{field} {bad:?}");
            let p = problem(response).await;
            assert_eq!(p.errors.len(), 1, "{field} {bad:?}: {p:?}");
            assert!(names_field(&p, field), "{field} {bad:?}: {p:?}");
        }
    }
    // An organisation's name with an emoji (no font prints it) and a wrong credit code:
    // both named in one refusal, not the emoji only once the code is right.
    let mut body = serde_json::to_value(app.new_org_order_body("张三").await).expect("json");
    body["organization"]["name"] = json!("湘潭😀科技有限公司");
    body["organization"]["uscc"] = json!("91110000600037341A");
    let response = post_order(&app, &body).await;
    let p = problem(response).await;
    assert!(
        names_field(&p, "organization.name") && names_field(&p, "organization.uscc"),
        "{p:?}"
    );
    // A space typed between two Chinese characters is not part of the name.
    let spaced = app
        .client(&app.clerk)
        .create_customer(&NewCustomer {
            phone: unique_phone(),
            name: "欧阳 娜娜".into(),
        })
        .await
        .expect("customer");
    assert_eq!(spaced.name, "欧阳娜娜");
    // A NUL in a field the text rule does not cover (an id) is refused too, by its path.
    let mut body = serde_json::to_value(app.new_order_body("张三").await).expect("json");
    body["customer_id"] = json!("abc\u{0}def");
    let response = post_order(&app, &body).await;
    let p = problem(response).await;
    assert!(names_field(&p, "customer_id"), "{p:?}");
    // Combining marks are composed (NFC), so the same name is stored one way only.
    let customer = app
        .client(&app.clerk)
        .create_customer(&NewCustomer {
            phone: unique_phone(),
            name: "Jose\u{301} 张".into(),
        })
        .await
        .expect("customer");
    assert_eq!(customer.name, "José 张");
    assert_eq!(
        order_count(&app).await,
        orders_before,
        "nothing was created"
    );
    app.finish().await;
}

async fn hostile_notes_reasons_and_searches_are_refused_and_change_nothing(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.submit("张三").await;
    let history_before = app
        .client(&app.clerk)
        .history(&order.order_no)
        .await
        .expect("history")
        .len();
    for (bad, kind) in HOSTILE.iter().filter(|(b, _)| !b.contains('\n')) {
        let response = app
            .http
            .post(app.url(&format!("/api/v1/orders/{}/notes", order.order_no)))
            .bearer_auth(&app.clerk)
            .json(&json!({ "text": bad }))
            .send()
            .await
            .expect("send");
        assert!(
            names_field(&problem(response).await, "text"),
            "{kind} {bad:?}"
        );

        let response = app
            .http
            .post(app.url(&format!("/api/v1/orders/{}/actions/cancel", order.order_no)))
            .bearer_auth(&app.clerk)
            .json(&ActionRequest {
                version: Some(order.version),
                reason: Some((*bad).into()),
                ..ActionRequest::default()
            })
            .send()
            .await
            .expect("send");
        assert!(
            names_field(&problem(response).await, "reason"),
            "{kind} {bad:?}"
        );

        for path in ["/api/v1/orders", "/api/v1/projects"] {
            let response = app
                .http
                .get(app.url(path))
                .query(&[("q", bad)])
                .bearer_auth(&app.clerk)
                .send()
                .await
                .expect("send");
            let p = problem(response).await;
            assert!(names_field(&p, "q"), "{path} {kind} {bad:?}: {p:?}");
        }
    }
    // A note may have several lines; they are kept.
    let note = app
        .http
        .post(app.url(&format!("/api/v1/orders/{}/notes", order.order_no)))
        .bearer_auth(&app.clerk)
        .json(&json!({ "text": "第一行\r\n第二行" }))
        .send()
        .await
        .expect("send");
    assert_eq!(note.status(), 201);
    let history = app
        .client(&app.clerk)
        .history(&order.order_no)
        .await
        .expect("history");
    assert_eq!(
        history.len(),
        history_before + 1,
        "only the good note was added"
    );
    assert!(
        history
            .iter()
            .any(|h| h.reason.as_deref() == Some("第一行\n第二行"))
    );
    let now = app
        .client(&app.clerk)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert_eq!(now.status, OrderStatus::PendingPayment, "not cancelled");
    // `q=%00` used to answer every order on SQLite and 500 on PostgreSQL.
    let response = app
        .http
        .get(app.url("/api/v1/orders?q=%00"))
        .bearer_auth(&app.clerk)
        .send()
        .await
        .expect("send");
    assert!(names_field(&problem(response).await, "q"));
    let response = app
        .http
        .get(app.url("/api/v1/orders?limit=abc"))
        .bearer_auth(&app.clerk)
        .send()
        .await
        .expect("send");
    assert!(
        names_field(&problem(response).await, "limit"),
        "a bad number names its parameter"
    );
    app.act(
        &app.clerk,
        &now,
        Action::Cancel,
        ActionRequest {
            reason: Some("客户改约\n下周再来".into()),
            ..ActionRequest::default()
        },
    )
    .await;
    app.finish().await;
}

async fn control_characters_in_paths_and_ids_name_nothing(db: Db) {
    let app = TestApp::spawn(db).await;
    for path in [
        "/api/v1/attachments/%00",
        "/api/v1/attachments/abc%1B%5B2J",
        "/api/v1/realname/%00x",
        "/m/pay/%00",
        "/m/notice/%00",
        "/m/invoice/%FF",
        "/orders/%00",
        "/api/v1/orders/HN2026%00",
    ] {
        let response = app
            .http
            .get(app.url(path))
            .bearer_auth(&app.clerk)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 404, "{path}");
        // A customer's mangled link gets a page in their words, the API problem JSON.
        let kind = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let expected = if path.starts_with("/api/") {
            "application/problem+json"
        } else {
            "text/html"
        };
        assert!(kind.starts_with(expected), "{path}: {kind}");
    }
    let response = app
        .http
        .get(app.url("/api/v1/orders?project=%00"))
        .bearer_auth(&app.clerk)
        .send()
        .await
        .expect("send");
    assert!(names_field(&problem(response).await, "project"));
    app.finish().await;
}
