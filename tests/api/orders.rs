//! Submitting orders: validation, idempotency, reading them back.

use ca_counter::api::{ActionRequest, ClientError, Problem};
use ca_counter::domain::Action;
use serde_json::json;

use crate::common::{Db, TestApp};
use crate::on_both_databases;

on_both_databases!(
    an_order_records_only_the_terms_in_force,
    invalid_id_number_is_refused_naming_the_field_and_nothing_is_stored,
    an_order_is_not_made_at_a_price_other_than_the_signed_forms,
    every_bad_field_is_named_at_once_in_the_callers_language,
    the_same_idempotency_key_twice_makes_one_order,
    concurrent_retries_with_one_key_make_one_order,
    a_reused_key_with_a_different_body_is_refused,
    a_missing_idempotency_key_is_a_clear_error,
    organisation_orders_need_a_valid_credit_code,
    order_numbers_carry_the_date_and_increase,
    the_answer_to_a_new_order_is_the_order_as_read_back,
    a_body_or_query_that_does_not_fit_names_the_field_in_the_callers_words,
    a_json_operation_tells_a_form_encoded_body_to_send_json,
    a_json_body_of_megabytes_is_refused_unread,
    orders_submitted_together_are_each_written_whole_and_once,
    the_courier_may_call_an_office_landline,
    a_returning_customers_next_form_starts_from_their_last_order,
);

fn problem(e: ClientError) -> Problem {
    e.problem()
        .cloned()
        .unwrap_or_else(|| panic!("expected a problem document, got {e}"))
}

/// The amount the signed form shows, sent with the order, is the one charged or the order
/// is not made: a price changed since the form was printed is refused on `amount_fen`,
/// naming both, and nothing is stored; the key stays free for the order at the new price
/// (the form printed again). The form itself is not printed at a stale price either.
async fn an_order_is_not_made_at_a_price_other_than_the_signed_forms(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut body = app.new_order_body("张三").await;
    let price: i64 = sqlx::query_scalar("SELECT price_fen FROM products WHERE id = $1")
        .bind(&body.product_id)
        .fetch_one(app.store().pool())
        .await
        .expect("price");
    body.amount_fen = Some(price - 5_000);
    body.application_ref = Some("SQPRICE2345".into());
    let clerk = app.client(&app.clerk);
    for refused in [
        clerk.create_order("priced-1", &body).await.err(),
        clerk.application_form(&body).await.err(),
    ] {
        let problem = refused.and_then(|e| e.problem().cloned()).expect("refused");
        assert_eq!(problem.status, 422, "{problem:?}");
        let said = problem
            .errors
            .iter()
            .find(|f| f.field == "amount_fen")
            .map(|f| f.message.clone())
            .unwrap_or_default();
        let money = |fen: i64| {
            ca_counter::domain::Money::from_fen(fen)
                .unwrap_or_default()
                .to_string()
        };
        assert!(
            said.contains(&money(price)) && said.contains(&money(price - 5_000)),
            "{problem:?}"
        );
    }
    // No form shows nothing or less: a plain refusal, not "the price changed to".
    for nothing in [0, -20_000] {
        body.amount_fen = Some(nothing);
        let problem = clerk
            .create_order(&format!("priced-{nothing}"), &body)
            .await
            .err()
            .and_then(|e| e.problem().cloned())
            .expect("refused");
        let said = &problem
            .errors
            .iter()
            .find(|f| f.field == "amount_fen")
            .expect("on amount_fen")
            .message;
        assert!(
            said.contains("must be more than 0") && !said.contains("price is now"),
            "{problem:?}"
        );
    }
    let page = clerk.orders(&Default::default()).await.expect("list");
    assert!(page.items.is_empty(), "nothing stored");
    body.amount_fen = Some(price);
    let made = clerk.create_order("priced-1", &body).await.expect("made");
    assert_eq!(made.amount_fen, price);
    app.finish().await;
}

async fn invalid_id_number_is_refused_naming_the_field_and_nothing_is_stored(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut body = app.new_order_body("张三").await;
    body.applicant.id_number = "110101199003077757".into();
    let response = app
        .http
        .post(app.url("/api/v1/orders"))
        .bearer_auth(&app.clerk)
        .header("Idempotency-Key", "bad-id-1")
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 422);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let problem: Problem = response.json().await.expect("problem json");
    assert_eq!(problem.code, "validation_failed");
    assert_eq!(problem.errors.len(), 1, "{problem:?}");
    assert_eq!(problem.errors[0].field, "applicant.id_number");
    // Said wrong, without a "right" character a digit mistyped earlier would make wrong.
    assert!(
        problem.errors[0].message.contains("校验码") && !problem.errors[0].message.contains('8'),
        "{problem:?}"
    );

    let page = app
        .client(&app.clerk)
        .orders(&Default::default())
        .await
        .expect("list");
    assert!(page.items.is_empty(), "nothing stored");
    let counts = app.client(&app.clerk).order_counts().await.expect("counts");
    assert!(counts.iter().all(|c| c.count == 0));

    // The key was not used up: the corrected form goes through with the same key.
    body.applicant.id_number = "11010519491231002X".into();
    let order = app
        .client(&app.clerk)
        .create_order("bad-id-1", &body)
        .await
        .expect("corrected");
    assert_eq!(order.status.as_str(), "pending_payment");
    app.finish().await;
}

async fn every_bad_field_is_named_at_once_in_the_callers_language(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut body = app.new_order_body("张三").await;
    body.applicant.phone = "12345".into();
    body.mailing.postal_code = "4100".into();
    body.mailing.street = "  ".into();
    body.applicant.email = Some("not-an-email".into());
    let send = |lang: &'static str| {
        app.http
            .post(app.url("/api/v1/orders"))
            .bearer_auth(&app.clerk)
            .header("Idempotency-Key", "many-bad")
            .header("Accept-Language", lang)
            .json(&body)
            .send()
    };
    let en: Problem = send("en").await.expect("send").json().await.expect("json");
    let fields: Vec<&str> = en.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "applicant.phone",
            "applicant.email",
            "mailing.street",
            "mailing.postal_code"
        ]
    );
    assert!(en.errors[0].message.contains("mobile number"), "{en:?}");
    let zh: Problem = send("zh-CN,zh;q=0.9")
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert!(zh.errors[0].message.contains("手机号"), "{zh:?}");
    assert_eq!(zh.title, "输入有误");

    // A value of the wrong JSON type is named too.
    let response = app
        .http
        .post(app.url("/api/v1/orders"))
        .bearer_auth(&app.clerk)
        .header("Idempotency-Key", "wrong-type")
        .json(&json!({"customer_id": 5}))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 422);
    let problem: Problem = response.json().await.expect("json");
    assert_eq!(problem.errors[0].field, "customer_id");

    // Elsewhere too: a field the operation does not take hides no other (a note's empty
    // text, a customer that does not exist, an order that cannot be labelled).
    let order = app.submit("李四").await;
    for (path, body, named) in [
        (
            format!("/api/v1/orders/{}/notes", order.order_no),
            json!({"text": "", "x": 1}),
            vec!["text", "x"],
        ),
        (
            "/api/v1/realname-sessions".to_owned(),
            json!({"customer_id": "nobody", "y": 1}),
            vec!["customer_id", "y"],
        ),
        (
            "/api/v1/documents/mailing-labels".to_owned(),
            json!({"order_nos": [order.order_no.as_str(), "HN20261208999999", 5], "z": 1}),
            vec!["order_nos[0]", "order_nos[1]", "order_nos[2]", "z"],
        ),
    ] {
        let response = app
            .http
            .post(app.url(&path))
            .bearer_auth(&app.admin)
            .json(&body)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 422, "{path}");
        let problem: Problem = response.json().await.expect("json");
        let mut fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(fields, named, "{path}: {problem:?}");
    }
    app.finish().await;
}

async fn the_same_idempotency_key_twice_makes_one_order(db: Db) {
    let app = TestApp::spawn(db).await;
    let body = app.new_order_body("张三").await;
    let client = app.client(&app.clerk);
    let first = client.create_order("draft-42", &body).await.expect("first");
    let second = client.create_order("draft-42", &body).await.expect("retry");
    assert_eq!(first, second);
    let page = client.orders(&Default::default()).await.expect("list");
    assert_eq!(page.items.len(), 1);
    let history = client.history(&first.order_no).await.expect("history");
    assert_eq!(history.iter().filter(|h| h.action == "submit").count(), 1);
    // Retries take no number: the next order is the next number, on both databases.
    for _ in 0..3 {
        client.create_order("draft-42", &body).await.expect("retry");
    }
    let next = client.create_order("draft-43", &body).await.expect("next");
    assert_eq!(
        next.order_no.as_str()[8..].parse::<u32>().ok(),
        first.order_no.as_str()[8..]
            .parse::<u32>()
            .ok()
            .map(|n| n + 1),
        "{} then {}",
        first.order_no,
        next.order_no
    );
    // The product is withdrawn from sale: a retry still gets the order it made.
    sqlx::query("UPDATE products SET active = 0")
        .execute(app.store().pool())
        .await
        .expect("withdraw products");
    let late_retry = client
        .create_order("draft-42", &body)
        .await
        .expect("late retry");
    assert_eq!(late_retry.order_no, first.order_no);
    app.finish().await;
}

async fn concurrent_retries_with_one_key_make_one_order(db: Db) {
    let app = TestApp::spawn(db).await;
    let body = app.new_order_body("张三").await;
    let client = app.client(&app.clerk);
    let attempts = (0..6).map(|_| {
        let client = client.clone();
        let body = body.clone();
        tokio::spawn(async move { client.create_order("double-press", &body).await })
    });
    let mut numbers = Vec::new();
    for attempt in attempts {
        numbers.push(attempt.await.expect("join").expect("create").order_no);
    }
    numbers.dedup();
    assert_eq!(numbers.len(), 1, "{numbers:?}");
    assert_eq!(
        client
            .orders(&Default::default())
            .await
            .expect("list")
            .items
            .len(),
        1
    );
    app.finish().await;
}

async fn a_reused_key_with_a_different_body_is_refused(db: Db) {
    let app = TestApp::spawn(db).await;
    let body = app.new_order_body("张三").await;
    let client = app.client(&app.clerk);
    client.create_order("k", &body).await.expect("first");
    let mut other = body.clone();
    other.mailing.street = "另一条路 1 号".into();
    let problem = problem(client.create_order("k", &other).await.expect_err("refused"));
    assert_eq!(problem.status, 422);
    assert_eq!(problem.errors[0].field, "Idempotency-Key");
    // Keys belong to their operator: another clerk's same key is a new order.
    app.client(&app.clerk2)
        .create_order("k", &body)
        .await
        .expect("other clerk");
    assert_eq!(
        client
            .orders(&Default::default())
            .await
            .expect("list")
            .items
            .len(),
        2
    );
    app.finish().await;
}

async fn a_missing_idempotency_key_is_a_clear_error(db: Db) {
    let app = TestApp::spawn(db).await;
    let body = app.new_order_body("张三").await;
    let response = app
        .http
        .post(app.url("/api/v1/orders"))
        .bearer_auth(&app.clerk)
        .header("Accept-Language", "en")
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 400);
    let problem: Problem = response.json().await.expect("json");
    assert_eq!(problem.code, "idempotency_key_missing");
    assert!(problem.detail.contains("Idempotency-Key"));
    // A key that is there but cannot be one is called that, not missing.
    let long = "k".repeat(201);
    let non_ascii = reqwest::header::HeaderValue::from_bytes("草稿-1".as_bytes()).expect("bytes");
    for key in [
        reqwest::header::HeaderValue::from_str(&long).expect("ascii"),
        non_ascii,
        // Not the documented `^[!-~]{1,200}$`.
        reqwest::header::HeaderValue::from_static("a b"),
        // There, and empty.
        reqwest::header::HeaderValue::from_static(""),
    ] {
        let response = app
            .http
            .post(app.url("/api/v1/orders"))
            .bearer_auth(&app.clerk)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 400);
        let problem: Problem = response.json().await.expect("json");
        assert_eq!(problem.code, "idempotency_key_invalid");
    }
    app.finish().await;
}

async fn organisation_orders_need_a_valid_credit_code(db: Db) {
    let app = TestApp::spawn(db).await;
    let client = app.client(&app.clerk);
    let mut body = app.new_org_order_body("张三").await;
    let good = client
        .create_order("org-1", &body)
        .await
        .expect("organisation order");
    assert_eq!(
        good.organization.as_ref().map(|o| o.uscc.as_str()),
        Some("91110000600037341L")
    );
    if let Some(org) = body.organization.as_mut() {
        org.uscc = "9111000060003734IL".into();
    }
    let problem = problem(
        client
            .create_order("org-2", &body)
            .await
            .expect_err("bad uscc"),
    );
    assert_eq!(problem.errors[0].field, "organization.uscc");
    // The CA's own code (the seller's on every invoice, copied from one) is no applicant's.
    if let Some(org) = body.organization.as_mut() {
        org.uscc = ca_counter::config::PlatformConfig::default()
            .invoice
            .seller_tax_number
            .to_lowercase();
    }
    let problem = problem_of(client.create_order("org-2b", &body).await);
    assert_eq!(problem.errors.len(), 1, "{problem:?}");
    assert_eq!(problem.errors[0].field, "organization.uscc");
    assert!(problem.errors[0].message.contains("CA"), "{problem:?}");
    let organisation = body.organization.take();
    let problem = problem_of(client.create_order("org-3", &body).await);
    assert_eq!(problem.errors[0].field, "organization");
    // An organisation sent with an individual's product is refused, not dropped.
    let mut individual = app.new_order_body("李四").await;
    individual.organization = organisation;
    let problem = problem_of(client.create_order("org-4", &individual).await);
    assert_eq!(problem.errors.len(), 1, "{problem:?}");
    assert_eq!(problem.errors[0].field, "organization");
    assert!(
        problem.errors[0].message.contains("individual"),
        "{problem:?}"
    );
    app.finish().await;
}

fn problem_of<T: std::fmt::Debug>(result: Result<T, ClientError>) -> Problem {
    problem(result.expect_err("refused"))
}

async fn order_numbers_carry_the_date_and_increase(db: Db) {
    let app = TestApp::spawn(db).await;
    let a = app.submit("甲").await;
    let b = app.submit("乙").await;
    let china = time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(8, 0, 0).expect("offset"));
    let today = format!(
        "HN{:04}{:02}{:02}",
        china.year(),
        u8::from(china.month()),
        china.day()
    );
    assert!(a.order_no.starts_with(&today), "{}", a.order_no);
    assert!(a.order_no < b.order_no);
    assert_eq!(a.order_no.len(), 16);
    app.finish().await;
}

/// The platform answers a new order from what it wrote, without reading it back: the
/// answer must be exactly what reading the order gives.
async fn the_answer_to_a_new_order_is_the_order_as_read_back(db: Db) {
    let app = TestApp::spawn(db).await;
    let client = app.client(&app.clerk);
    let mut individual = app.new_order_body("张三").await;
    individual.note = Some("加急".into());
    individual.application_ref = Some("申请表 7".into());
    let organisation = app.new_org_order_body("李四").await;
    for (key, body) in [("one", individual), ("two", organisation)] {
        let created = client.create_order(key, &body).await.expect("created");
        let read = client.order(&created.order_no, false).await.expect("read");
        assert_eq!(
            serde_json::to_value(&created).expect("json"),
            serde_json::to_value(&read).expect("json"),
            "{key}"
        );
        // And so is a replay of it.
        let replayed = client.create_order(key, &body).await.expect("replayed");
        assert_eq!(replayed, created);
        // Its address is in Location, first time and replayed.
        let again = app
            .http
            .post(app.url("/api/v1/orders"))
            .bearer_auth(&app.clerk)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
            .await
            .expect("send");
        assert_eq!(again.status(), 201);
        let location = format!("/api/v1/orders/{}", created.order_no);
        assert_eq!(
            again
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok()),
            Some(location.as_str())
        );
        // And its version as GET gives it, for an If-Match straight after.
        assert_eq!(
            again.headers().get("etag").and_then(|v| v.to_str().ok()),
            Some("\"1\"")
        );
        // The answer leaves the real-name check out (GET has it), rather than say null.
        let answer: serde_json::Value = again.json().await.expect("json");
        assert!(answer.get("realname").is_none(), "{answer}");
    }
    app.finish().await;
}

/// A JSON body far beyond anything the API takes (a 2 MB name) is refused as too large
/// before it is read — reading megabytes of JSON costs the instance CPU its other
/// requests wait for — and the connection is closed.
async fn a_json_body_of_megabytes_is_refused_unread(db: Db) {
    let app = TestApp::spawn(db).await;
    let body = format!(
        r#"{{"phone": "13900004444", "name": "{}"}}"#,
        "张".repeat(700_000)
    );
    let response = app
        .http
        .post(app.url("/api/v1/customers"))
        .bearer_auth(&app.clerk)
        .header("Content-Type", "application/json")
        .header("Accept-Language", "en")
        .body(body)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 413);
    assert_eq!(
        response
            .headers()
            .get("connection")
            .and_then(|v| v.to_str().ok()),
        Some("close")
    );
    let problem: Problem = response.json().await.expect("problem");
    assert!(problem.detail.contains("256 KB"), "{problem:?}");
    // Said to be past the upload limit too (a `Content-Length` of 11 MB, refused before a
    // byte of it is read), the limit said is JSON's, not an upload's.
    let address = app.base.trim_start_matches("http://").to_owned();
    let mut raw = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    let head = format!(
        "POST /api/v1/customers HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nAccept-Language: en\r\nContent-Length: {}\r\n\r\n",
        app.clerk,
        11 * 1024 * 1024
    );
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    raw.write_all(head.as_bytes()).await.expect("head");
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        raw.read_to_end(&mut answer),
    )
    .await;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("256 KB") && !answer.contains("10 MB"),
        "{answer}"
    );
    let found = app
        .http
        .get(app.url("/api/v1/customers?phone=13900004444"))
        .bearer_auth(&app.clerk)
        .send()
        .await
        .expect("send");
    let found: serde_json::Value = found.json().await.expect("json");
    assert_eq!(found, json!([]));
    app.finish().await;
}

/// `curl -d` sends a form: the operation says it takes JSON (415, naming the type sent)
/// and creates nothing; JSON with a charset, or no type at all, is read as JSON; and whoever
/// may not do it is told that first, whatever they sent.
async fn a_json_operation_tells_a_form_encoded_body_to_send_json(db: Db) {
    let app = TestApp::spawn(db).await;
    let post = |token: &str, content_type: Option<&str>, body: &str| {
        let mut request = app
            .http
            .post(app.url("/api/v1/customers"))
            .bearer_auth(token)
            .header("Accept-Language", "en")
            .body(body.to_owned());
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        async move {
            let response = request.send().await.expect("send");
            let status = response.status().as_u16();
            (status, response.text().await.expect("body"))
        }
    };
    let json = r#"{"phone": "13900002222", "name": "张三"}"#;
    let (status, text) = post(
        &app.clerk,
        Some("application/x-www-form-urlencoded"),
        "phone=13900002222&name=%E5%BC%A0%E4%B8%89",
    )
    .await;
    assert_eq!(status, 415, "{text}");
    let problem: Problem = serde_json::from_str(&text).expect("problem");
    assert_eq!(problem.code, "unsupported_media_type", "{text}");
    assert!(
        problem.detail.contains("application/json")
            && problem.detail.contains("application/x-www-form-urlencoded"),
        "{text}"
    );
    // JSON itself, sent as text, is refused as well: the type is what is judged.
    let (status, text) = post(&app.clerk, Some("text/plain"), json).await;
    assert_eq!(status, 415, "{text}");
    let (status, text) = post(&app.support, Some("text/plain"), json).await;
    assert_eq!(status, 403, "the role first: {text}");
    let found = app
        .http
        .get(app.url("/api/v1/customers?phone=13900002222"))
        .bearer_auth(&app.clerk)
        .send()
        .await
        .expect("send");
    let found: serde_json::Value = found.json().await.expect("json");
    assert_eq!(found, json!([]), "nothing was created");
    let (status, text) = post(&app.clerk, Some("application/json; charset=UTF-8"), json).await;
    assert_eq!(status, 201, "{text}");
    let (status, text) = post(
        &app.clerk,
        None,
        r#"{"phone": "13900003333", "name": "李四"}"#,
    )
    .await;
    assert_eq!(status, 201, "no type is read as JSON: {text}");
    app.finish().await;
}

/// A well-formed body or query that does not fit the contract: the field is named, in the
/// caller's language, without serde's or Rust's words (a missing name once came back as
/// 400 "missing field `name` at line 1 column 24", an array as "expected struct
/// NewCustomer").
async fn a_body_or_query_that_does_not_fit_names_the_field_in_the_callers_words(db: Db) {
    let app = TestApp::spawn(db).await;
    let send = |method: reqwest::Method, path: &str, body: Option<serde_json::Value>| {
        let mut request = app
            .http
            .request(method, app.url(path))
            .bearer_auth(&app.clerk)
            .header("Accept-Language", "en");
        if let Some(body) = body {
            request = request.json(&body);
        }
        async move {
            let response = request.send().await.expect("send");
            let status = response.status().as_u16();
            let text = response.text().await.expect("body");
            (status, text)
        }
    };
    let cases = [
        (
            reqwest::Method::POST,
            "/api/v1/customers",
            Some(serde_json::json!({"phone": "13900001111"})),
            422,
            "name",
            "required",
        ),
        // Every field left out is named, not only the first.
        (
            reqwest::Method::POST,
            "/api/v1/customers",
            Some(serde_json::json!({})),
            422,
            "name",
            "required",
        ),
        (
            reqwest::Method::POST,
            "/api/v1/customers",
            Some(serde_json::json!({})),
            422,
            "phone",
            "required",
        ),
        (
            reqwest::Method::POST,
            "/api/v1/customers",
            Some(serde_json::json!({"phone": 13900001111u64, "name": "张三"})),
            422,
            "phone",
            "must be text",
        ),
        (
            reqwest::Method::GET,
            "/api/v1/customers",
            None,
            422,
            "phone",
            "required",
        ),
        (
            reqwest::Method::GET,
            "/api/v1/orders?limit=abc",
            None,
            422,
            "limit",
            "whole number",
        ),
        // A parameter given twice is named, with how to give several values.
        (
            reqwest::Method::GET,
            "/api/v1/orders?status=cancelled&status=completed",
            None,
            422,
            "status",
            "separated by commas",
        ),
        (
            reqwest::Method::GET,
            "/api/v1/orders?limit=99999999999999999999",
            None,
            422,
            "limit",
            "whole number",
        ),
        (
            reqwest::Method::GET,
            "/api/v1/orders/HN20261128000001?reveal=1",
            None,
            422,
            "reveal",
            "true or false",
        ),
    ];
    for (method, path, body, status, field, words) in cases {
        let (got, text) = send(method, path, body.clone()).await;
        assert_eq!(got, status, "{path} {body:?}: {text}");
        let problem: Problem = serde_json::from_str(&text).expect("problem");
        let named = problem.errors.iter().find(|e| e.field == field);
        assert!(
            named.is_some_and(|e| e.message.contains(words)),
            "{path} {body:?}: {text}"
        );
        for rust in ["line 1", "`", "struct", "invalid type", "u64", "i64"] {
            assert!(
                !text.contains(rust),
                "{path} {body:?} says {rust:?}: {text}"
            );
        }
    }
    let (got, text) = send(
        reqwest::Method::POST,
        "/api/v1/customers",
        Some(serde_json::json!([])),
    )
    .await;
    assert_eq!(got, 400, "{text}");
    assert!(
        text.contains("JSON object") && !text.contains("struct"),
        "{text}"
    );
    // Every field of the wrong kind at once, nested ones too; then, as their fields are
    // taken out, the required one left missing.
    let mut order = serde_json::to_value(app.new_order_body("张三").await).expect("json");
    order["applicant"]["name"] = serde_json::json!(7);
    order["mailing"]["postal_code"] = serde_json::json!(410083);
    order["note"] = serde_json::json!(["a"]);
    order.as_object_mut().expect("object").remove("product_id");
    let (got, text) = app
        .http
        .post(app.url("/api/v1/orders"))
        .bearer_auth(&app.clerk)
        .header("Accept-Language", "en")
        .header("Idempotency-Key", "kinds")
        .json(&order)
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .expect("send");
    let problem: Problem = text.json().await.expect("problem");
    assert_eq!(got, 422);
    let named: Vec<(&str, &str)> = problem
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.message.as_str()))
        .collect();
    let mut fields: Vec<&str> = named.iter().map(|(field, _)| *field).collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "applicant.name",
            "mailing.postal_code",
            "note",
            "product_id"
        ],
        "{named:?}"
    );
    assert!(
        named
            .iter()
            .any(|(field, message)| *field == "mailing.postal_code"
                && message.starts_with("must be text")),
        "{named:?}"
    );
    // An empty object: every required field at once, objects named whole (not each of
    // their own fields).
    let (got, text) = app
        .http
        .post(app.url("/api/v1/orders"))
        .bearer_auth(&app.clerk)
        .header("Accept-Language", "en")
        .header("Idempotency-Key", "empty")
        .json(&serde_json::json!({}))
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .expect("send");
    let problem: Problem = text.json().await.expect("problem");
    assert_eq!(got, 422);
    let mut fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["applicant", "customer_id", "mailing", "product_id"],
        "{problem:?}"
    );
    // An array where the object goes: not read field by field in order.
    let (got, text) = app
        .http
        .post(app.url("/api/v1/orders"))
        .bearer_auth(&app.clerk)
        .header("Idempotency-Key", "array")
        .json(&serde_json::json!(["c", "p", {}, {}]))
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .expect("send");
    let problem: Problem = text.json().await.expect("problem");
    assert_eq!((got, problem.code.as_str()), (400, "malformed_request"));
    // A province and a postal code that disagree: the code is named, with its province.
    let mut elsewhere = app.new_order_body("张三").await;
    elsewhere.mailing.province = "Xizang".into();
    elsewhere.mailing.postal_code = "410083".into();
    let refused = app
        .client(&app.clerk)
        .create_order("elsewhere", &elsewhere)
        .await
        .expect_err("refused");
    let problem = refused.problem().expect("a problem");
    assert_eq!(problem.status, 422);
    assert_eq!(problem.errors.len(), 1, "{problem:?}");
    assert_eq!(problem.errors[0].field, "mailing.postal_code");
    assert!(
        problem.errors[0].message.contains("湖南省")
            && problem.errors[0].message.contains("西藏自治区"),
        "{problem:?}"
    );
    // Not JSON at all: where it stops being JSON, in the caller's words.
    let (got, text) = app
        .http
        .post(app.url("/api/v1/orders/HN20261128000001/notes"))
        .bearer_auth(&app.clerk)
        .header("Accept-Language", "en")
        .body(r#"{"text":"#)
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .expect("send");
    let text = text.text().await.expect("body");
    assert_eq!(got, 400, "{text}");
    assert!(
        text.contains("not valid JSON (line 1, column 8)") && !text.contains("EOF"),
        "{text}"
    );
    // A body that goes on after its object (two spliced, a stray tail) is not taken for
    // its first half; a field the operation does not take is named, not dropped — and in
    // neither case is an order made.
    let mut whole = serde_json::to_value(app.new_order_body("张三").await).expect("json");
    for (key, body) in [
        ("tail", format!("{whole}xyz")),
        ("two", format!("{whole} {{\"a\":1}}")),
    ] {
        let (got, text) = app
            .http
            .post(app.url("/api/v1/orders"))
            .bearer_auth(&app.clerk)
            .header("Idempotency-Key", key)
            .header("Content-Type", "application/json")
            .header("Accept-Language", "en")
            .body(body)
            .send()
            .await
            .map(|r| (r.status().as_u16(), r))
            .expect("send");
        let text = text.text().await.expect("body");
        assert_eq!(got, 400, "{text}");
        assert!(text.contains("goes on after its JSON value"), "{text}");
    }
    whole["mailing"]["floor"] = "3".into();
    whole["notes"] = "please hurry".into();
    let (got, text) = app
        .http
        .post(app.url("/api/v1/orders"))
        .bearer_auth(&app.clerk)
        .header("Idempotency-Key", "unknown-fields")
        .json(&whole)
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .expect("send");
    let problem: Problem = text.json().await.expect("problem");
    assert_eq!(got, 422, "{problem:?}");
    let mut named: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    named.sort_unstable();
    assert_eq!(named, ["mailing.floor", "notes"], "{problem:?}");
    // Every field at once, whatever else is wrong: a field the operation does not take
    // beside a bad value, a missing field beside a bad one — the integrator fixes the
    // body in one round, not three.
    let post = |path: &'static str, key: &'static str, body: String| {
        let request = app
            .http
            .post(app.url(path))
            .bearer_auth(&app.clerk)
            .header("Idempotency-Key", key)
            .header("Content-Type", "application/json")
            .body(body);
        async move {
            let response = request.send().await.expect("send");
            let status = response.status().as_u16();
            let problem: Problem = response.json().await.expect("problem");
            let mut named: Vec<String> = problem.errors.iter().map(|e| e.field.clone()).collect();
            named.sort_unstable();
            (status, problem.code, named)
        }
    };
    for (body, expected) in [
        (
            r#"{"phone":"bad","name":"1","foo":2}"#,
            vec!["foo", "name", "phone"],
        ),
        (r#"{"phone":"bad","foo":1}"#, vec!["foo", "name", "phone"]),
        (r#"{"phone":12,"name":"张三"}"#, vec!["phone"]),
    ] {
        let (status, code, named) = post("/api/v1/customers", "-", body.into()).await;
        assert_eq!(
            (status, code.as_str()),
            (422, "validation_failed"),
            "{body}"
        );
        assert_eq!(named, expected, "{body}");
    }
    let mut partial = serde_json::to_value(app.new_order_body("张三").await).expect("json");
    partial["applicant"]["name"] = "张3".into();
    partial["applicant"]
        .as_object_mut()
        .expect("applicant")
        .remove("phone");
    partial["foo"] = 1.into();
    let (status, _, named) = post("/api/v1/orders", "every-field", partial.to_string()).await;
    assert_eq!(status, 422);
    assert_eq!(
        named,
        ["applicant.name", "applicant.phone", "foo"],
        "every field at once"
    );
    let (status, _, named) = post("/api/v1/orders", "bare", r#"{"foo":1}"#.into()).await;
    assert_eq!(status, 422);
    assert_eq!(
        named,
        ["applicant", "customer_id", "foo", "mailing", "product_id"]
    );
    // A body right but for one field the operation does not take: refused, and nothing
    // is made of it (its stand-in is only looked at).
    let (status, _, named) = post(
        "/api/v1/customers",
        "-",
        r#"{"phone":"13900007777","name":"孙八","nickname":"小孙"}"#.into(),
    )
    .await;
    assert_eq!((status, named), (422, vec!["nickname".to_owned()]));
    assert!(
        app.client(&app.clerk)
            .find_customer("13900007777")
            .await
            .expect("looked up")
            .is_none(),
        "no customer made"
    );
    // Two bodies spliced are two bodies, whether or not the first would fit.
    let (status, code, _) = post("/api/v1/orders", "spliced", "{} {}".into()).await;
    assert_eq!((status, code.as_str()), (400, "malformed_request"));
    // An id written otherwise than ids are is said to be so, not to name nobody.
    let mut upper = app.new_order_body("张三").await;
    upper.customer_id = upper.customer_id.to_uppercase();
    let refused = app
        .client(&app.clerk)
        .create_order("upper-case-id", &upper)
        .await
        .expect_err("refused");
    let problem = refused.problem().expect("a problem");
    let said = problem
        .errors
        .iter()
        .find(|e| e.field == "customer_id")
        .map(|e| e.message.clone())
        .unwrap_or_default();
    assert!(said.contains("UUID"), "{problem:?}");
    // A method an address does not take: a problem saying so.
    let (got, text) = send(reqwest::Method::DELETE, "/api/v1/orders", None).await;
    assert_eq!(got, 405, "{text}");
    let problem: Problem = serde_json::from_str(&text).expect("problem");
    assert_eq!(problem.code, "method_not_allowed", "{text}");
    // Nothing was made.
    let found = app.client(&app.clerk).find_customer("13900001111").await;
    assert!(found.is_ok_and(|c| c.is_none()));
    app.finish().await;
}

/// Ten clerks' orders at once, half for verified customers, and a double press, while
/// the status counts every order statement writes are held by someone else (on
/// PostgreSQL: a lock the test takes, so they all queue and then go together). Each order
/// is written whole — its row, search terms, history with the real-name fact, count — and
/// once; the retries get the first answer.
async fn orders_submitted_together_are_each_written_whole_and_once(db: Db) {
    let app = TestApp::spawn(db).await;
    let names = [
        "赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七", "王八", "冯九", "陈十",
    ];
    let mut bodies = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let body = app.new_order_body(name).await;
        if i % 2 == 0 {
            app.verify_customer(&body.customer_id, name, "11010519491231002X")
                .await;
        }
        bodies.push(body);
    }
    // PostgreSQL: every order statement waits on the status counts until the test lets
    // go, so the orders submitted meanwhile queue for one statement.
    let hold = match db {
        Db::Postgres => {
            let mut hold = app.store().pool().begin().await.expect("begin");
            sqlx::query("LOCK TABLE order_counts IN SHARE MODE")
                .execute(&mut *hold)
                .await
                .expect("lock");
            Some(hold)
        }
        Db::Sqlite => None,
    };
    let client = app.client(&app.clerk);
    let mut submissions = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        // The first order is pressed four times.
        for _ in 0..if i == 0 { 4 } else { 1 } {
            let (client, body) = (client.clone(), body.clone());
            submissions.push(tokio::spawn(async move {
                client.create_order(&format!("together-{i}"), &body).await
            }));
        }
    }
    if let Some(hold) = hold {
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        hold.commit().await.expect("let go");
    }
    let mut created = Vec::new();
    for submission in submissions {
        created.push(submission.await.expect("join").expect("create"));
    }
    let first = created[0].order_no.clone();
    assert!(
        created[..4].iter().all(|o| o.order_no == first),
        "the retries get the first answer"
    );
    let mut numbers: Vec<&str> = created[3..].iter().map(|o| o.order_no.as_str()).collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), names.len(), "one order each: {numbers:?}");

    let reader = app.client(&app.admin);
    let counts = reader.order_counts().await.expect("counts");
    let pending = counts
        .iter()
        .find(|c| c.status == ca_counter::domain::OrderStatus::PendingPayment)
        .map(|c| c.count);
    assert_eq!(pending, Some(10));
    for (i, name) in names.iter().enumerate() {
        let order = created[if i == 0 { 0 } else { i + 3 }].clone();
        assert_eq!(order.applicant.name, *name);
        let found = reader
            .orders(&ca_counter::api::OrderQuery {
                q: Some((*name).to_owned()),
                ..Default::default()
            })
            .await
            .expect("search");
        let found: Vec<&str> = found.items.iter().map(|o| o.order_no.as_str()).collect();
        assert_eq!(found, [order.order_no.as_str()], "{name}");
        let history = reader.history(&order.order_no).await.expect("history");
        let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
        let expected: &[&str] = if i % 2 == 0 {
            &["submit", "realname"]
        } else {
            &["submit"]
        };
        assert_eq!(actions, expected, "{name}");
    }
    app.finish().await;
}

/// An organisation's parcel often goes to an office: the recipient's number may be a
/// landline with its area code, kept in one form; a number that is neither is refused by
/// a message that says what is taken. The applicant's own number stays a mobile (texts go
/// there).
async fn the_courier_may_call_an_office_landline(db: Db) {
    let app = TestApp::spawn(db).await;
    let client = app.client(&app.clerk);
    let mut body = app.new_order_body("张三").await;
    body.mailing.phone = "(0731) 8517 2903".into();
    let order = client
        .create_order("landline", &body)
        .await
        .expect("created");
    let seen = client.order(&order.order_no, true).await.expect("order");
    assert_eq!(seen.mailing.phone, "0731-85172903");
    body.mailing.phone = "85172903".into();
    let refused = problem(
        client
            .create_order("no-area", &body)
            .await
            .expect_err("refused"),
    );
    assert_eq!(refused.errors[0].field, "mailing.phone");
    assert!(
        refused.errors[0].message.contains("area code"),
        "{refused:?}"
    );
    let mut body = app.new_order_body("李四").await;
    body.applicant.phone = "0731-85172903".into();
    let refused = problem(
        client
            .create_order("applicant", &body)
            .await
            .expect_err("refused"),
    );
    assert_eq!(refused.errors[0].field, "applicant.phone");
    app.finish().await;
}

/// A customer who applied before: the identity a new application's form is filled from
/// carries what their latest order (not a cancelled one) said — the e-mail, the
/// organisation, the address as last corrected.
async fn a_returning_customers_next_form_starts_from_their_last_order(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let mut body = app.new_org_order_body("张三").await;
    app.verify_customer(&body.customer_id, "张三", "11010519491231002X")
        .await;
    let identity = clerk
        .customer_identity(&body.customer_id)
        .await
        .expect("identity");
    assert_eq!(identity.last_order, None, "no order yet");

    body.mailing.street = "岳麓大道 88 号".into();
    let kept = clerk
        .create_order(&uuid::Uuid::now_v7().to_string(), &body)
        .await
        .expect("order");
    // A later order, cancelled: not what the customer's details are taken from.
    let mut other = body.clone();
    other.mailing.street = "作废的地址 1 号".into();
    other.applicant.email = None;
    let cancelled = clerk
        .create_order(&uuid::Uuid::now_v7().to_string(), &other)
        .await
        .expect("order");
    app.act(
        &app.clerk,
        &cancelled,
        Action::Cancel,
        ActionRequest {
            reason: Some("客户改主意".into()),
            ..ActionRequest::default()
        },
    )
    .await;

    let last = clerk
        .customer_identity(&body.customer_id)
        .await
        .expect("identity")
        .last_order
        .expect("the last order's details");
    assert_eq!(last.order_no, kept.order_no.to_string());
    assert_eq!(last.email.as_deref(), Some("zhangsan@example.com"));
    assert_eq!(last.organization, body.organization);
    assert_eq!(last.mailing.street, "岳麓大道 88 号");
    assert_eq!(
        last.mailing.phone, body.mailing.phone,
        "in full, for the form"
    );
    app.finish().await;
}

/// The terms an order says were accepted are the ones in force (`GET /terms`): a version
/// that never existed, or was replaced, is refused on its field and nothing is kept.
async fn an_order_records_only_the_terms_in_force(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let current = clerk.terms().await.expect("terms").version;
    let mut body = app.new_order_body("张三").await;
    body.terms_version = Some("1999-01".into());
    let refused = clerk
        .create_order("terms-1", &body)
        .await
        .expect_err("an unknown version");
    let problem = refused.problem().expect("a problem");
    assert_eq!(problem.status, 422, "{problem:?}");
    assert_eq!(problem.errors.len(), 1, "{problem:?}");
    assert_eq!(problem.errors[0].field, "terms_version");
    assert!(
        problem.errors[0].message.contains("1999-01")
            && problem.errors[0].message.contains(&current),
        "{problem:?}"
    );
    let page = clerk
        .orders(&ca_counter::api::OrderQuery::default())
        .await
        .expect("orders");
    assert!(page.items.is_empty(), "nothing kept: {:?}", page.items);
    body.terms_version = Some(current.clone());
    let order = clerk
        .create_order("terms-2", &body)
        .await
        .expect("the terms in force");
    assert_eq!(order.terms_version.as_deref(), Some(current.as_str()));
    app.finish().await;
}
