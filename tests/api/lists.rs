//! Order lists: filters, search, cursor pages, counts.

use ca_counter::api::{OrderQuery, Problem};
use ca_counter::domain::{Action, OrderStatus};

use crate::common::{Db, TestApp};
use crate::on_both_databases;

on_both_databases!(
    pages_follow_the_cursor_without_gaps_or_repeats,
    search_finds_orders_by_number_phone_name_and_id_number,
    status_filters_and_counts_agree,
    bad_list_parameters_are_named,
    the_counts_kept_by_the_writers_match_the_orders_after_a_rush_and_recounts_beside_it,
    finance_pages_through_payments_with_what_reconciles_them,
);

async fn pages_follow_the_cursor_without_gaps_or_repeats(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut created = Vec::new();
    for i in 0..7 {
        created.push(
            app.submit(&format!("客户{}", crate::common::han(i)))
                .await
                .order_no,
        );
    }
    let client = app.client(&app.support);
    for sort in ["newest", "oldest"] {
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = client
                .orders(&OrderQuery {
                    limit: Some(3),
                    cursor: cursor.clone(),
                    sort: Some(sort.into()),
                    ..Default::default()
                })
                .await
                .expect("page");
            assert!(page.items.len() <= 3);
            seen.extend(page.items.into_iter().map(|o| o.order_no));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let mut expected = created.clone();
        if sort == "newest" {
            expected.reverse();
        }
        assert_eq!(seen, expected, "{sort}");
    }
    app.finish().await;
}

async fn search_finds_orders_by_number_phone_name_and_id_number(db: Db) {
    let app = TestApp::spawn(db).await;
    let zhang = app.submit("张三丰").await;
    let li = app.submit("李四").await;
    // A clerk's search: an ID number is for roles that may see ID numbers.
    let client = app.client(&app.clerk);
    let search = |q: String| {
        let client = client.clone();
        async move {
            client
                .orders(&OrderQuery {
                    q: Some(q),
                    ..Default::default()
                })
                .await
                .expect("search")
                .items
                .into_iter()
                .map(|o| o.order_no)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        search(zhang.order_no.to_lowercase()).await,
        vec![zhang.order_no.clone()]
    );
    assert_eq!(search("三丰".into()).await, vec![zhang.order_no.clone()]);
    let phone = app
        .store()
        .order_by_no(&li.order_no)
        .await
        .expect("db")
        .expect("order")
        .phone;
    let spaced = format!("{} {} {}", &phone[..3], &phone[3..7], &phone[7..]);
    assert_eq!(search(spaced).await, vec![li.order_no.clone()]);
    assert_eq!(
        search(phone[7..].to_owned()).await,
        vec![li.order_no.clone()],
        "last four digits"
    );
    let both = search("11010519491231002x".into()).await;
    assert_eq!(both.len(), 2, "exact ID number, lower-case x");
    assert!(
        search("1101051949".into()).await.is_empty(),
        "ID numbers match exactly only"
    );
    assert!(search("nobody".into()).await.is_empty());
    let summary = client
        .orders(&Default::default())
        .await
        .expect("list")
        .items;
    assert!(
        summary.iter().all(|o| o.phone.contains("****")),
        "masked in lists"
    );
    app.finish().await;
}

async fn status_filters_and_counts_agree(db: Db) {
    let app = TestApp::spawn(db).await;
    let a = app.submit("甲").await;
    let b = app.submit("乙").await;
    app.submit("丙").await;
    app.pay(&a).await;
    app.act(
        &app.clerk,
        &b,
        Action::ChooseBankTransfer,
        Default::default(),
    )
    .await;
    let client = app.client(&app.clerk);
    let counts = client.order_counts().await.expect("counts");
    assert_eq!(counts.len(), OrderStatus::ALL.len());
    let count = |s: OrderStatus| counts.iter().find(|c| c.status == s).map(|c| c.count);
    assert_eq!(count(OrderStatus::PendingPayment), Some(1));
    assert_eq!(count(OrderStatus::PendingVoucher), Some(1));
    assert_eq!(count(OrderStatus::PendingReview), Some(1));
    assert_eq!(count(OrderStatus::Completed), Some(0));
    let page = client
        .orders(&OrderQuery {
            status: Some("pending_review,pending_voucher".into()),
            ..Default::default()
        })
        .await
        .expect("filtered");
    let mut statuses: Vec<OrderStatus> = page.items.iter().map(|o| o.status).collect();
    statuses.sort_by_key(|s| s.as_str());
    assert_eq!(
        statuses,
        [OrderStatus::PendingReview, OrderStatus::PendingVoucher]
    );
    let today = time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(8, 0, 0).expect("offset"))
        .date();
    let in_range = client
        .orders(&OrderQuery {
            from: Some(today.to_string()),
            to: Some(today.to_string()),
            ..Default::default()
        })
        .await
        .expect("dated");
    assert_eq!(in_range.items.len(), 3);
    let tomorrow = today.next_day().expect("tomorrow");
    let none = client
        .orders(&OrderQuery {
            from: Some(tomorrow.to_string()),
            ..Default::default()
        })
        .await
        .expect("dated");
    assert!(none.items.is_empty());
    app.finish().await;
}

async fn bad_list_parameters_are_named(db: Db) {
    let app = TestApp::spawn(db).await;
    let response = app
        .http
        .get(app.url("/api/v1/orders?status=paid&limit=1000&from=yesterday&cursor=abc"))
        .bearer_auth(&app.clerk)
        .header("Accept-Language", "en")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 422);
    let problem: Problem = response.json().await.expect("json");
    let fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["status", "limit", "cursor", "from"]);
    assert!(problem.errors[0].message.contains("pending_payment"));
    // The date sent is said as sent, and the shape asked for as such.
    assert_eq!(
        problem.errors[3].message,
        "“yesterday” is not a date: write YYYY-MM-DD, e.g. 2026-12-01"
    );
    // A date at the end of the calendar is refused, not a crash.
    for to in ["9999-12-31", "%2B9999-12-31"] {
        let response = app
            .http
            .get(app.url(&format!("/api/v1/orders?to={to}")))
            .bearer_auth(&app.clerk)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 422, "to={to}");
        let problem: Problem = response.json().await.expect("json");
        // A date, out of range: said so, not "not a date".
        assert!(
            problem.errors[0].message.contains("9999-12-31")
                && problem.errors[0].message.contains("2999")
                && !problem.errors[0].message.contains("YYYY-MM-DD"),
            "{problem:?}"
        );
    }
    // An empty name inside a list of statuses, and a project that is not in the catalog,
    // are named rather than read as "no filter" or "no orders".
    let unknown = "0b9e2d4c-1f7a-4e3b-9c8d-5a6b7c8d9e0f";
    for (query, field) in [
        ("status=completed,,cancelled".to_owned(), "status"),
        (format!("project={unknown}"), "project"),
        // Dates the wrong way round would be an empty page that looks like "no orders".
        ("from=2026-12-05&to=2026-12-04".to_owned(), "to"),
    ] {
        let response = app
            .http
            .get(app.url(&format!("/api/v1/orders?{query}")))
            .bearer_auth(&app.clerk)
            .header("Accept-Language", "en")
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 422, "{query}");
        let problem: Problem = response.json().await.expect("json");
        assert_eq!(problem.errors[0].field, field, "{query}");
        if field == "project" {
            assert_eq!(problem.errors[0].message, "there is no such project");
        }
        if field == "to" {
            assert_eq!(
                problem.errors[0].message,
                "the end date cannot be before the start date (2026-12-05)"
            );
        }
    }
    // One day, from and to the same date, is that whole day.
    let one_day = app
        .http
        .get(app.url("/api/v1/orders?from=2026-12-05&to=2026-12-05"))
        .bearer_auth(&app.clerk)
        .send()
        .await
        .expect("send");
    assert_eq!(one_day.status(), 200);
    // A project of the catalog with no orders yet is an empty page, not an error.
    let projects = app.client(&app.clerk).projects("").await.expect("catalog");
    let page = app
        .client(&app.clerk)
        .orders(&OrderQuery {
            project: Some(projects[projects.len() - 1].id.clone()),
            status: Some("completed,cancelled".into()),
            ..Default::default()
        })
        .await
        .expect("a known project");
    assert!(page.items.is_empty());
    // Every operation refuses a query parameter it does not take, naming it — one that
    // takes none says so (a queue "filtered" by `status=` was the whole queue).
    for (path, token, field, message) in [
        (
            "/api/v1/invoicing?status=requested",
            &app.finance,
            "status",
            "this operation takes no query parameters",
        ),
        (
            "/api/v1/review-queue?limit=5",
            &app.reviewer,
            "limit",
            "this operation takes no query parameters",
        ),
        (
            "/api/v1/orders/counts?status=paid",
            &app.clerk,
            "status",
            "this operation takes no query parameters",
        ),
        (
            "/api/v1/orders?q=x&stauts=paid",
            &app.clerk,
            "stauts",
            "this operation takes no such parameter (it takes: ",
        ),
    ] {
        let response = app
            .http
            .get(app.url(path))
            .bearer_auth(token)
            .header("Accept-Language", "en")
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 422, "{path}");
        let problem: Problem = response.json().await.expect("json");
        assert_eq!(problem.errors.len(), 1, "{path}: {problem:?}");
        assert_eq!(problem.errors[0].field, field, "{path}");
        assert!(
            problem.errors[0].message.starts_with(message),
            "{path}: {problem:?}"
        );
    }
    // Every bad parameter of a list at once: one that does not parse, one the operation
    // does not take, and those the list refuses of the rest.
    let response = app
        .http
        .get(app.url("/api/v1/orders?limit=abc&stauts=paid&status=bogus&sort=up&cursor=x"))
        .bearer_auth(&app.clerk)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 422);
    let problem: Problem = response.json().await.expect("json");
    let mut named: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    named.sort_unstable();
    assert_eq!(
        named,
        ["cursor", "limit", "sort", "status", "stauts"],
        "{problem:?}"
    );
    // On every read the document lists: refused once the token is taken — without one,
    // a 401 first, as for any other request (an integrator's sign-in handling must see
    // it); public reads (health, the document) refuse it at once.
    let document: serde_json::Value = app
        .http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let paths = document["paths"].as_object().expect("paths");
    // A post that takes no body and needs nothing else (a claim) is documented so.
    assert_eq!(
        paths["/api/v1/orders/{order_no}/claim"]["post"]["requestBody"]["required"],
        serde_json::json!(false)
    );
    assert_eq!(
        paths["/api/v1/orders"]["post"]["requestBody"]["required"],
        serde_json::json!(true)
    );
    let mut reads = 0;
    for (template, item) in paths {
        let Some(get) = item.get("get") else { continue };
        let public = get["security"].as_array().is_some_and(|s| {
            s.iter()
                .all(|r| r.as_object().is_some_and(|o| o.is_empty()))
        });
        let path = template
            .replace("{order_no}", "HN20261128000001")
            .replace("{id}", "0193a5b2-0000-7000-8000-000000000001")
            .replace("{invoice_no}", "26430000000000000001");
        assert!(!path.contains('{'), "a path parameter to fill: {template}");
        let url = app.url(&format!("{path}?zz_not_taken=1"));
        let signed_in = app
            .http
            .get(&url)
            .bearer_auth(&app.clerk)
            .send()
            .await
            .expect("send");
        assert_eq!(signed_in.status(), 422, "{template}");
        if !public {
            let anonymous = app.http.get(&url).send().await.expect("send");
            assert_eq!(anonymous.status(), 401, "{template} without a token");
        }
        reads += 1;
    }
    assert!(reads >= 15, "{reads} reads in the document");
    // HEAD is read as GET; a post's own address may carry a tag (a provider's callback).
    let head = app
        .http
        .head(app.url("/api/v1/invoicing?status=requested"))
        .bearer_auth(&app.finance)
        .send()
        .await
        .expect("send");
    assert_eq!(head.status(), 422);
    let notify = app
        .http
        .post(app.url("/api/v1/payments/alipay/notify?instance=a"))
        .form(&[("notify_type", "trade_status_sync")])
        .send()
        .await
        .expect("send");
    assert_ne!(notify.status(), 422);
    // What an operation documents it takes, it takes.
    let response = app
        .http
        .get(app.url("/api/v1/orders/HN20261128000001?reveal=true"))
        .bearer_auth(&app.clerk)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 404);
    // A number of thousands of characters is not said back whole.
    let long = "H".repeat(5000);
    let response = app
        .http
        .get(app.url(&format!("/api/v1/orders/{long}")))
        .bearer_auth(&app.clerk)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 404);
    let problem: Problem = response.json().await.expect("json");
    assert!(
        problem.detail.chars().count() < 200,
        "{}",
        problem.detail.len()
    );
    app.finish().await;
}

/// The per-status counts are kept by the transactions that change a status (a lookup, not
/// a scan): after 24 orders made, paid, sent to transfer and cancelled by eight writers at
/// once — races lost included — they are exactly what counting the orders gives.
async fn the_counts_kept_by_the_writers_match_the_orders_after_a_rush_and_recounts_beside_it(
    db: Db,
) {
    let app = TestApp::spawn(db).await;
    let app = std::sync::Arc::new(app);
    let mut writers = Vec::new();
    for w in 0..8 {
        let app = app.clone();
        writers.push(tokio::spawn(async move {
            for i in 0..3 {
                let order = app
                    .submit(&format!(
                        "写{}号{}",
                        crate::common::han(w),
                        crate::common::han(i)
                    ))
                    .await;
                match (w + i) % 3 {
                    0 => {
                        app.pay(&order).await;
                    }
                    1 => {
                        app.act(
                            &app.clerk,
                            &order,
                            Action::ChooseBankTransfer,
                            Default::default(),
                        )
                        .await;
                    }
                    _ => {
                        // Two cancels at once: one wins, the other is refused and counts nothing.
                        let body = ca_counter::api::ActionRequest {
                            reason: Some("客户改日再来".into()),
                            version: Some(order.version),
                            ..Default::default()
                        };
                        let client = app.client(&app.clerk);
                        let (a, b) = tokio::join!(
                            client.act(&order.order_no, Action::Cancel, &body),
                            client.act(&order.order_no, Action::Cancel, &body)
                        );
                        assert!(a.is_ok() != b.is_ok(), "one cancel wins: {a:?} {b:?}");
                    }
                }
            }
        }));
    }
    // Meanwhile the counts are rebuilt from the orders again and again, as after a bulk
    // import: no order may be counted twice or lost.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let recounts = {
        let (app, done) = (app.clone(), done.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                app.store()
                    .recount_orders()
                    .await
                    .expect("a recount beside the writers");
                n += 1;
            }
            n
        })
    };
    for writer in writers {
        writer.await.expect("writer");
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(recounts.await.expect("recounts") > 0);
    let counted: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM orders GROUP BY status ORDER BY status")
            .fetch_all(app.store().pool())
            .await
            .expect("counted");
    let kept = app.client(&app.clerk).order_counts().await.expect("counts");
    let mut kept: Vec<(String, i64)> = kept
        .into_iter()
        .filter(|c| c.count > 0)
        .map(|c| (c.status.as_str().to_owned(), c.count))
        .collect();
    kept.sort();
    assert_eq!(kept, counted);
    assert_eq!(counted.iter().map(|(_, n)| n).sum::<i64>(), 24);
    if let Ok(app) = std::sync::Arc::try_unwrap(app) {
        app.finish().await;
    }
}

/// Finance reads the paid payments a page at a time, oldest first, each with the references
/// a provider's statement names it by and when it was paid; a page size out of range is
/// named.
async fn finance_pages_through_payments_with_what_reconciles_them(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut paid = Vec::new();
    for i in 0..3 {
        let order = app.submit(&format!("客户{}", crate::common::han(i))).await;
        paid.push(app.pay(&order).await.order_no.to_string());
    }
    let page = |query: String| {
        let app = &app;
        async move {
            app.http
                .get(app.url(&format!("/api/v1/payments?status=paid{query}")))
                .bearer_auth(&app.finance)
                .send()
                .await
                .expect("send")
        }
    };
    let first: Vec<ca_counter::api::Payment> =
        page("&limit=2".into()).await.json().await.expect("json");
    assert_eq!(first.len(), 2);
    let last = &first[1].id;
    let second: Vec<ca_counter::api::Payment> = page(format!("&limit=2&after={last}"))
        .await
        .json()
        .await
        .expect("json");
    let orders: Vec<&str> = first
        .iter()
        .chain(&second)
        .map(|p| p.order_no.as_str())
        .collect();
    assert_eq!(orders, paid, "oldest first, each once");
    for payment in first.iter().chain(&second) {
        assert!(!payment.out_trade_no.is_empty(), "{payment:?}");
        assert!(payment.paid_at.is_some(), "{payment:?}");
        assert!(!payment.created_at.is_empty(), "{payment:?}");
    }
    // A cursor naming no payment (mistyped, another list's, too long) is said: an empty
    // page would read as the end of the list.
    for after in ["zzz", "00000000-0000-0000-0000-000000000000"] {
        let refused = page(format!("&after={after}")).await;
        assert_eq!(refused.status(), 404, "{after}");
        let problem: Problem = refused.json().await.expect("problem");
        assert!(problem.detail.contains("从列表开头"), "{problem:?}");
    }
    let refused = page(format!("&after={}", "k".repeat(65))).await;
    assert_eq!(refused.status(), 422);
    let problem: Problem = refused.json().await.expect("problem");
    assert_eq!(problem.errors[0].field, "after", "{problem:?}");
    // Every bad parameter at once (they came one a round).
    let refused = app
        .http
        .get(app.url("/api/v1/payments?status=bad&after=!!&limit=0"))
        .bearer_auth(&app.finance)
        .send()
        .await
        .expect("send");
    assert_eq!(refused.status(), 422);
    let problem: Problem = refused.json().await.expect("problem");
    let mut named: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    named.sort_unstable();
    assert_eq!(named, ["after", "limit", "status"], "{problem:?}");
    let refused = page("&limit=0".into()).await;
    assert_eq!(refused.status(), 422);
    let problem: Problem = refused.json().await.expect("problem");
    assert_eq!(problem.errors[0].field, "limit", "{problem:?}");
    // Said as the range it is, not as a list of one.
    assert!(
        problem.errors[0].message.contains("1")
            && problem.errors[0].message.contains("500")
            && !problem.errors[0].message.contains("one of"),
        "{problem:?}"
    );
    app.finish().await;
}
