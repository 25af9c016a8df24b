//! Order search from its index (store/search.rs): each kind of text finds its orders and
//! only them, pages follow the cursor, a search that cannot finish in its budget asks for
//! more, the plans PostgreSQL keeps use the index, and loaded or older orders are found too.

use ca_counter::api::{OrderQuery, OrderSummary, Problem};
use ca_counter::config::PlatformConfig;
use ca_counter::domain::OrderStatus;
use ca_counter::server::store::Store;
use ca_counter::server::store::search::{BY_RETURNED, BY_TRACKING, INDEX_FIRST, INDEX_NEXT};

use crate::common::{Db, TestApp};
use crate::on_both_databases;

on_both_databases!(
    every_kind_of_text_finds_its_orders_and_only_them,
    a_search_pages_newest_first_through_its_filters_without_gaps,
    a_search_that_cannot_finish_in_its_budget_answers_what_it_found_or_asks_for_more,
    the_plans_of_search_statements_use_the_index_even_when_generic,
    loaded_and_older_orders_are_searchable_and_the_platform_carries_on_after_them,
    demo_orders_load_twice_into_one_database,
    bracketed_names_are_given_their_terms_again_by_migration_0034,
);

/// A clerk's search (support may not look a person up by ID number).
async fn search(app: &TestApp, query: OrderQuery) -> Vec<OrderSummary> {
    app.client(&app.clerk)
        .orders(&query)
        .await
        .expect("search")
        .items
}

/// How many orders the platform counts, in all statuses.
async fn counted(client: &ca_counter::api::Client) -> i64 {
    let counts = client.order_counts().await.expect("counts");
    counts.iter().map(|c| c.count).sum()
}

async fn numbers(app: &TestApp, q: &str) -> Vec<String> {
    search(
        app,
        OrderQuery {
            q: Some(q.into()),
            ..Default::default()
        },
    )
    .await
    .into_iter()
    .map(|o| o.order_no.to_string())
    .collect()
}

async fn every_kind_of_text_finds_its_orders_and_only_them(db: Db) {
    let app = TestApp::spawn(db).await;
    let ding = app.submit("丁丽兰").await.order_no.to_string();
    let ouyang = app.submit("欧阳丽兰").await.order_no.to_string();
    let zhang = app.submit("张伟").await.order_no.to_string();
    let body = app.new_org_order_body("李四").await;
    let org = app
        .client(&app.clerk)
        .create_order(&uuid::Uuid::now_v7().to_string(), &body)
        .await
        .expect("org order")
        .order_no
        .to_string();

    assert_eq!(numbers(&app, "丽兰").await, [ouyang.clone(), ding.clone()]);
    assert_eq!(numbers(&app, "兰").await, [ouyang.clone(), ding.clone()]);
    assert_eq!(numbers(&app, "丁丽兰").await, vec![ding.clone()]);
    assert_eq!(numbers(&app, "欧阳丽兰").await, vec![ouyang.clone()]);
    assert!(
        numbers(&app, "欧阳丽花").await.is_empty(),
        "checked on the row"
    );
    assert_eq!(numbers(&app, "张伟").await, vec![zhang.clone()]);
    assert_eq!(
        numbers(&app, "建设有限").await,
        vec![org.clone()],
        "the organisation"
    );
    assert_eq!(
        numbers(&app, "李四").await,
        vec![org.clone()],
        "its applicant"
    );

    // The phone: whole, its last digits; never an order number's digits.
    let phone = app
        .store()
        .order_by_no(&zhang)
        .await
        .expect("db")
        .expect("order")
        .phone;
    assert_eq!(numbers(&app, &phone).await, vec![zhang.clone()]);
    assert_eq!(
        numbers(&app, &phone[5..]).await,
        vec![zhang.clone()],
        "6 digits"
    );
    assert_eq!(
        numbers(&app, &phone[7..]).await,
        vec![zhang.clone()],
        "4 digits"
    );
    let seq_tail = &ding[ding.len() - 4..];
    for found in numbers(&app, seq_tail).await {
        let row = app
            .store()
            .order_by_no(&found)
            .await
            .expect("db")
            .expect("order");
        assert!(
            row.phone.ends_with(seq_tail),
            "{seq_tail} matched {found} by its phone only"
        );
    }

    // The order number: whole, without HN, without the century, by its start.
    assert_eq!(numbers(&app, &ding[2..]).await, vec![ding.clone()]);
    assert_eq!(numbers(&app, &ding[4..]).await, vec![ding.clone()]);
    let today = numbers(&app, &ding[..10]).await;
    assert_eq!(
        today,
        [org.clone(), zhang.clone(), ouyang.clone(), ding.clone()]
    );

    // An invoice's number (a customer calling about it quotes it): its order, and only it.
    sqlx::query(
        "INSERT INTO invoices (order_id, invoice_no, invoice_kind, request_json, net_fen, \
         tax_fen, total_fen, provider, issued_at) \
         SELECT id, '26430000000000000042', 'normal', '{}', 18868, 1132, 20000, 'demo', 0 \
         FROM orders WHERE order_no = $1",
    )
    .bind(&zhang)
    .execute(app.store().pool())
    .await
    .expect("an invoice");
    assert_eq!(
        numbers(&app, "2643 0000 0000 0000 0042").await,
        vec![zhang.clone()]
    );
    assert!(numbers(&app, "26430000000000000043").await.is_empty());

    // A parcel's number (the courier or the customer quotes it): the order mailed under it.
    // Twelve digits are also an order number's tail: both are answered.
    let tail12 = ding[4..].to_owned();
    for (number, carrier) in [("EA123456785CN", "ems"), (tail12.as_str(), "zto")] {
        sqlx::query("UPDATE orders SET carrier = $1, tracking_no = $2 WHERE order_no = $3")
            .bind(carrier)
            .bind(number)
            .bind(if carrier == "ems" { &zhang } else { &org })
            .execute(app.store().pool())
            .await
            .expect("mailed");
    }
    assert_eq!(numbers(&app, "ea 1234 5678 5cn").await, vec![zhang.clone()]);
    assert!(numbers(&app, "EA123456794CN").await.is_empty());
    let mut both = numbers(&app, &tail12).await;
    both.sort();
    let mut wanted = vec![org.clone(), ding.clone()];
    wanted.sort();
    assert_eq!(both, wanted);

    // The ID number by its keyed hash: the stored hash is not the number.
    let (hash,): (String,) = sqlx::query_as("SELECT id_hash FROM orders WHERE order_no = $1")
        .bind(&ding)
        .fetch_one(app.store().pool())
        .await
        .expect("hash");
    assert_eq!(hash.len(), 64);
    assert!(!hash.contains("110105"));
    assert_eq!(hash, app.store().id_hash("11010519491231002X"));
    // For those who may see ID numbers: a lookup of a person by their ID number is not for
    // roles that reveal nothing (support here, the mailroom, finance).
    let by_id = OrderQuery {
        q: Some("11010519491231002x".into()),
        ..Default::default()
    };
    let found = app.client(&app.clerk).orders(&by_id).await.expect("clerk");
    assert_eq!(found.items.len(), 4);
    for token in [&app.support, &app.mailroom, &app.finance] {
        let refused = app.client(token).orders(&by_id).await.expect_err("refused");
        assert_eq!(
            refused.problem().map(|p| p.status),
            Some(403),
            "{refused:?}"
        );
    }
    // A name typed with a space between its characters (冯 小刚) is the name; an
    // organisation's full-width brackets stay as it is registered (pasted from its
    // licence, it is found), and brackets typed on an ASCII keyboard find it too, as
    // full-width ones find a name registered with ASCII brackets.
    let feng = app.submit("冯小刚").await.order_no.to_string();
    assert_eq!(numbers(&app, "冯 小刚").await, vec![feng.clone()]);
    let huawei = org_order_named(&app, "王五", "华为技术（湖南）有限公司").await;
    assert_eq!(
        numbers(&app, "华为技术（湖南）").await,
        vec![huawei.clone()]
    );
    assert_eq!(numbers(&app, "（湖南）").await, vec![huawei.clone()]);
    for typed in [
        "华为技术(湖南)",
        "(湖南)有限",
        "技术(湖",
        "湖南)",
        "华为技术 (湖南)",
    ] {
        assert_eq!(numbers(&app, typed).await, vec![huawei.clone()], "{typed}");
    }
    let zoomlion = org_order_named(&app, "赵六", "中联重科(长沙)分公司").await;
    assert_eq!(numbers(&app, "重科（长沙）").await, vec![zoomlion.clone()]);
    // Registered with a space beside its brackets (kept: a bracket is no Chinese
    // character): found without them, and with them.
    let demo = org_order_named(&app, "孙七", "长沙 （示范） 科技有限公司").await;
    for typed in ["长沙(示范)科技", "长沙 （示范） 科技", "(示范)科技有限"] {
        assert_eq!(numbers(&app, typed).await, vec![demo.clone()], "{typed}");
    }
    // A bracket stands for a bracket, not for any character.
    assert!(numbers(&app, "华为技术(湖北)").await.is_empty());
    assert!(numbers(&app, "技术湖南").await.is_empty());
    app.finish().await;
}

/// Migration 0034 (terms hold brackets ASCII): the orders whose names hold a bracket, and
/// only those, are handed to the indexing job, which gives them the terms that find them
/// typed either way.
async fn bracketed_names_are_given_their_terms_again_by_migration_0034(db: Db) {
    let app = TestApp::spawn(db).await;
    let store = app.store().clone();
    let huawei = org_order_named(&app, "王五", "华为技术（湖南）有限公司").await;
    let plain = app.submit("赵六").await.order_no.to_string();
    // As before the migration: its terms made by the earlier rule (none that find it
    // with ASCII brackets; here none at all).
    sqlx::query("DELETE FROM order_terms WHERE order_no = $1")
        .bind(&huawei)
        .execute(store.pool())
        .await
        .expect("forget its terms");
    assert!(numbers(&app, "华为技术(湖南)").await.is_empty());
    let migration = match store.backend() {
        ca_counter::server::store::Backend::Sqlite => {
            include_str!("../../src/server/store/migrations/sqlite/0034_brackets_either_way.sql")
        }
        ca_counter::server::store::Backend::Postgres => {
            include_str!("../../src/server/store/migrations/postgres/0034_brackets_either_way.sql")
        }
    };
    sqlx::raw_sql(migration)
        .execute(store.pool())
        .await
        .expect("migration 0034");
    let marked: Vec<String> =
        sqlx::query_scalar("SELECT order_no FROM orders WHERE id_hash IS NULL")
            .fetch_all(store.pool())
            .await
            .expect("marked");
    assert_eq!(marked, vec![huawei.clone()], "{plain} is not marked");
    let url = app.db.as_ref().expect("db").url.clone();
    let reopened = Store::open(&url, 2).await.expect("reopen");
    assert_eq!(reopened.notice_unindexed_orders().await.expect("notice"), 1);
    assert_eq!(
        reopened.index_unsearchable_orders().await.expect("index"),
        1
    );
    reopened.close().await;
    for typed in ["华为技术(湖南)", "华为技术（湖南）", "(湖南)有限"] {
        assert_eq!(numbers(&app, typed).await, vec![huawei.clone()], "{typed}");
    }
    assert_eq!(numbers(&app, "赵六").await, vec![plain]);
    app.finish().await;
}

/// An organisation's order made for `person`, the organisation registered as `name`: its
/// number.
async fn org_order_named(app: &TestApp, person: &str, name: &str) -> String {
    let mut body = app.new_org_order_body(person).await;
    if let Some(o) = body.organization.as_mut() {
        o.name = name.into();
    }
    app.client(&app.clerk)
        .create_order(&uuid::Uuid::now_v7().to_string(), &body)
        .await
        .expect("org order")
        .order_no
        .to_string()
}

async fn a_search_pages_newest_first_through_its_filters_without_gaps(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut paid = Vec::new();
    for i in 0..9 {
        let order = app.submit("丁丽兰").await;
        if i % 3 != 1 {
            paid.push(app.pay(&order).await.order_no.to_string());
        }
        app.submit("丁丽").await;
    }
    paid.reverse();
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = app
            .client(&app.support)
            .orders(&OrderQuery {
                q: Some("丁丽兰".into()),
                status: Some("pending_review".into()),
                limit: Some(2),
                cursor: cursor.clone(),
                ..Default::default()
            })
            .await
            .expect("page");
        assert!(page.items.len() <= 2);
        assert!(
            page.items
                .iter()
                .all(|o| o.status == OrderStatus::PendingReview)
        );
        seen.extend(page.items.into_iter().map(|o| o.order_no.to_string()));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, paid, "newest first, each once");
    let oldest = search(
        &app,
        OrderQuery {
            q: Some("丁丽兰".into()),
            status: Some("pending_review".into()),
            sort: Some("oldest".into()),
            ..Default::default()
        },
    )
    .await;
    let mut reversed: Vec<String> = oldest.iter().map(|o| o.order_no.to_string()).collect();
    reversed.reverse();
    assert_eq!(reversed, paid);
    assert_eq!(numbers(&app, "丁丽").await.len(), 18);
    app.finish().await;
}

async fn a_search_that_cannot_finish_in_its_budget_answers_what_it_found_or_asks_for_more(db: Db) {
    let config = PlatformConfig {
        search_budget_rows: 4,
        ..Default::default()
    };
    let app = TestApp::spawn_with(db, config).await;
    // Oldest to newest: one paid, five unpaid, one paid.
    let first = app.submit("李小明").await;
    let first = app.pay(&first).await.order_no.to_string();
    for _ in 0..5 {
        app.submit("李小明").await;
    }
    let last = app.submit("李小明").await;
    let last = app.pay(&last).await.order_no.to_string();

    // A page of one: the newest paid, then the budget is spent among the unpaid; the
    // cursor goes on from where it stopped, and the next page finds the oldest.
    let query = |cursor: Option<String>| OrderQuery {
        q: Some("李小明".into()),
        status: Some("pending_review".into()),
        limit: Some(1),
        cursor,
        ..Default::default()
    };
    let client = app.client(&app.support);
    let page = client.orders(&query(None)).await.expect("first page");
    let found: Vec<String> = page.items.iter().map(|o| o.order_no.to_string()).collect();
    assert_eq!(found, vec![last.clone()]);
    let mut cursor = page.next_cursor;
    let mut rest = Vec::new();
    let mut asked_for_more = 0;
    while let Some(at) = cursor.take() {
        match client.orders(&query(Some(at.clone()))).await {
            Ok(page) => {
                rest.extend(page.items.iter().map(|o| o.order_no.to_string()));
                cursor = page.next_cursor;
            }
            Err(e) => {
                let problem = e.problem().expect("a problem");
                assert_eq!(problem.status, 422);
                assert_eq!(problem.errors[0].field, "q");
                asked_for_more += 1;
                break;
            }
        }
    }
    assert!(
        rest == vec![first.clone()] || asked_for_more == 1,
        "the oldest is found, or the clerk is asked for more: {rest:?}"
    );

    // Nothing found within the budget: the clerk is asked to type more, in their language.
    for (lang, words) in [("zh-CN", "范围太大，请输入更多字"), ("en", "type more")] {
        let response = app
            .http
            .get(app.url(&format!(
                "/api/v1/orders?q={}&status=completed&limit=1",
                "%E6%9D%8E%E5%B0%8F%E6%98%8E"
            )))
            .bearer_auth(&app.support)
            .header("Accept-Language", lang)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 422);
        let problem: Problem = response.json().await.expect("problem");
        assert_eq!(problem.errors[0].field, "q");
        assert!(
            problem.errors[0].message.contains(words),
            "{lang}: {problem:?}"
        );
    }
    app.finish().await;
}

async fn the_plans_of_search_statements_use_the_index_even_when_generic(db: Db) {
    let app = TestApp::spawn(db).await;
    let store = app.store();
    store.load_demo_orders(1500, 7, |_| {}).await.expect("load");
    let pool = store.pool();
    let term_walk = "SELECT order_no FROM order_terms WHERE term = $1 AND order_no < $2 \
                     ORDER BY order_no DESC LIMIT $3";
    let fetch = "SELECT o.order_no FROM orders o WHERE o.order_no IN ($1, $2) \
                 AND o.status IN ($3) ORDER BY o.order_no DESC";
    match store.backend() {
        ca_counter::server::store::Backend::Sqlite => {
            for (sql, index) in [(term_walk, "PRIMARY KEY"), (fetch, "SEARCH o USING")] {
                let plan: Vec<(i64, i64, i64, String)> =
                    sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                        .bind("n张伟")
                        .bind("HN3")
                        .bind(51_i64)
                        .fetch_all(pool)
                        .await
                        .expect("plan");
                let text: Vec<&str> = plan.iter().map(|r| r.3.as_str()).collect();
                assert!(
                    text.iter().any(|line| line.contains(index)),
                    "{sql}: {text:?}"
                );
                assert!(
                    !text.iter().any(|line| line.starts_with("SCAN")),
                    "{text:?}"
                );
            }
            // A parcel's number: its own partial index; a returned parcel's, its table's.
            for (sql, index) in [
                (BY_TRACKING, "SEARCH orders USING INDEX orders_tracking_no"),
                (BY_RETURNED, "SEARCH r USING INDEX parcel_returns_number"),
            ] {
                let plan: Vec<(i64, i64, i64, String)> =
                    sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                        .bind("EA123456785CN")
                        .fetch_all(pool)
                        .await
                        .expect("plan");
                let text: Vec<&str> = plan.iter().map(|r| r.3.as_str()).collect();
                assert!(text.iter().any(|line| line.starts_with(index)), "{text:?}");
                assert!(
                    !text.iter().any(|line| line.starts_with("SCAN")),
                    "{text:?}"
                );
            }
            // The batches of imported orders: a backward range of the hash index, no sort.
            for (sql, args) in [(INDEX_FIRST, 1), (INDEX_NEXT, 2)] {
                let explain = format!("EXPLAIN QUERY PLAN {sql}");
                let mut plan = sqlx::query_as::<_, (i64, i64, i64, String)>(&explain);
                if args == 2 {
                    plan = plan.bind("HN3");
                }
                let plan = plan.bind(500_i64).fetch_all(pool).await.expect("plan");
                let text: Vec<&str> = plan.iter().map(|r| r.3.as_str()).collect();
                assert!(
                    text.iter()
                        .any(|line| line.starts_with("SEARCH orders USING INDEX orders_id_hash")),
                    "{sql}: {text:?}"
                );
                assert!(
                    !text.iter().any(|line| line.contains("TEMP B-TREE")),
                    "{text:?}"
                );
            }
        }
        ca_counter::server::store::Backend::Postgres => {
            // Returned parcels as a province has them, not an empty table (whose best plan
            // is to read it whole).
            sqlx::query(
                "INSERT INTO parcel_returns (carrier, tracking_no, order_id, returned_at) \
                 SELECT 'ems', 'R' || order_no, id, 0 FROM orders",
            )
            .execute(pool)
            .await
            .expect("returned parcels");
            assert_generic_plans(
                pool,
                &[
                    (
                        "s_walk",
                        term_walk,
                        "('n张伟', 'HN3', 51)",
                        "order_terms_pkey",
                    ),
                    (
                        "s_fetch",
                        fetch,
                        "('HN1', 'HN2', 'completed')",
                        "orders_order_no_key",
                    ),
                    (
                        "s_tracking",
                        BY_TRACKING,
                        "('EA123456785CN')",
                        "orders_tracking_no",
                    ),
                    (
                        "s_returned",
                        BY_RETURNED,
                        "('EA123456785CN')",
                        "parcel_returns_number",
                    ),
                    (
                        "s_index_first",
                        INDEX_FIRST,
                        "(500)",
                        "Index Scan Backward using orders_id_hash",
                    ),
                    (
                        "s_index_next",
                        INDEX_NEXT,
                        "('HN3', 500)",
                        "Index Scan Backward using orders_id_hash",
                    ),
                ],
            )
            .await;
        }
    }
    app.finish().await;
}

async fn loaded_and_older_orders_are_searchable_and_the_platform_carries_on_after_them(db: Db) {
    let app = TestApp::spawn(db).await;
    let store = app.store().clone();
    let loaded = store.load_demo_orders(1000, 3, |_| {}).await.expect("load");
    assert_eq!(loaded.orders, 1000);
    assert_eq!(loaded.customers, 200);

    // The counts are the orders'.
    let counts = app
        .client(&app.support)
        .order_counts()
        .await
        .expect("counts");
    let by_status: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM orders GROUP BY status ORDER BY status")
            .fetch_all(store.pool())
            .await
            .expect("group");
    for (status, n) in &by_status {
        let kept = counts
            .iter()
            .find(|c| c.status.as_str() == status)
            .map_or(0, |c| c.count);
        assert_eq!(kept, *n, "{status}");
    }
    assert_eq!(counts.iter().map(|c| c.count).sum::<i64>(), 1000);

    // A returned demo order says what for, and its correction notice prints (it was
    // refused as "not returned" for want of reasons).
    let returned: Vec<(String,)> =
        sqlx::query_as("SELECT order_no FROM orders WHERE status = 'rejected' LIMIT 3")
            .fetch_all(store.pool())
            .await
            .expect("returned");
    assert!(
        !returned.is_empty(),
        "1,000 demo orders hold a returned one"
    );
    for (order_no,) in &returned {
        let order = app
            .client(&app.support)
            .order(order_no, false)
            .await
            .expect("order");
        assert!(!order.rejection_reasons.is_empty(), "{order_no}");
        let notice = app
            .http
            .get(app.url(&format!("/api/v1/orders/{order_no}/correction-notice")))
            .bearer_auth(&app.support)
            .send()
            .await
            .expect("send");
        assert_eq!(notice.status(), 200, "{order_no}");
    }

    // A loaded name is found, all of its orders.
    let (name, n): (String, i64) = sqlx::query_as(
        "SELECT applicant_name, COUNT(*) FROM orders GROUP BY applicant_name \
         ORDER BY COUNT(*) DESC, applicant_name LIMIT 1",
    )
    .fetch_one(store.pool())
    .await
    .expect("a name");
    let found = search(
        &app,
        OrderQuery {
            q: Some(name.clone()),
            limit: Some(200),
            ..Default::default()
        },
    )
    .await;
    // Every order of that name, and any whose names contain it.
    assert!(
        found.len() as i64 >= n.min(200),
        "{name}: {n} orders, {} found",
        found.len()
    );
    let mut ordered = found.clone();
    ordered.sort_by(|a, b| b.order_no.cmp(&a.order_no));
    assert_eq!(ordered, found, "newest first");

    // Today's next order takes the next number after the loaded ones.
    let order = app.submit("王五").await;
    let (max,): (String,) = sqlx::query_as("SELECT MAX(order_no) FROM orders")
        .fetch_one(store.pool())
        .await
        .expect("max");
    assert_eq!(order.order_no.to_string(), max);

    // Orders from before the index (no hash, no terms): an instance starting on them knows
    // how many before it serves, and gives them their terms beside the clerks.
    sqlx::query("UPDATE orders SET id_hash = NULL WHERE order_no = $1")
        .bind(order.order_no.as_str())
        .execute(store.pool())
        .await
        .expect("forget the hash");
    sqlx::query("DELETE FROM order_terms WHERE order_no = $1")
        .bind(order.order_no.as_str())
        .execute(store.pool())
        .await
        .expect("forget the terms");
    assert!(numbers(&app, "王五").await.is_empty());
    let url = app.db.as_ref().expect("db").url.clone();
    let reopened = Store::open(&url, 2).await.expect("reopen");
    assert_eq!(
        reopened.search_indexing(),
        None,
        "a store opened counts nothing"
    );
    assert_eq!(reopened.notice_unindexed_orders().await.expect("notice"), 1);
    assert_eq!(reopened.search_indexing(), Some((0, 1)));
    assert_eq!(
        reopened.index_unsearchable_orders().await.expect("index"),
        1
    );
    assert_eq!(reopened.search_indexing(), None);
    reopened.close().await;
    assert_eq!(numbers(&app, "王五").await, [order.order_no.to_string()]);

    // Rows written behind the platform's back (a bulk import: no hash, no terms, no
    // counts): once an instance has noticed them, the counts are right at once, every
    // search says some cannot be found yet, and a reviewer still learns the other names an
    // ID number was used under.
    let forget_all = || async {
        for sql in [
            "UPDATE orders SET id_hash = NULL",
            "DELETE FROM order_terms",
            "DELETE FROM order_counts",
        ] {
            sqlx::query(sql).execute(store.pool()).await.expect(sql);
        }
    };
    forget_all().await;
    assert_eq!(store.notice_unindexed_orders().await.expect("notice"), 1001);
    assert_eq!(counted(&app.client(&app.support)).await, 1001);
    let query = OrderQuery {
        q: Some("王五".into()),
        ..Default::default()
    };
    let page = app
        .client(&app.support)
        .orders(&query)
        .await
        .expect("search");
    assert!(page.items.is_empty(), "{page:?}");
    assert_eq!(
        page.search_indexing,
        Some(ca_counter::api::SearchIndexing {
            indexed: 0,
            total: 1001
        })
    );
    let id_number: String = sqlx::query_scalar("SELECT id_number FROM orders WHERE order_no = $1")
        .bind(order.order_no.as_str())
        .fetch_one(store.pool())
        .await
        .expect("its ID number");
    assert_eq!(
        store
            .other_names_of(&id_number, "别人")
            .await
            .expect("other names"),
        ["王五"]
    );
    assert_eq!(
        store.index_unsearchable_orders().await.expect("index"),
        1001
    );
    let page = app
        .client(&app.support)
        .orders(&query)
        .await
        .expect("search");
    assert_eq!(page.search_indexing, None);
    assert_eq!(page.items.len(), 1, "{page:?}");

    // An instance started on them serves at once with the counts right, and every search
    // that may miss them says so until its job has indexed them.
    forget_all().await;
    // On PostgreSQL one imported order is held locked, as a clerk's transaction would: the
    // job's batch waits for it, and the searches below are answered meanwhile.
    let mut held = None;
    if store.backend() == ca_counter::server::store::Backend::Postgres {
        let mut tx = store.pool().begin().await.expect("begin");
        sqlx::query("SELECT id FROM orders WHERE order_no = $1 FOR UPDATE")
            .bind(order.order_no.as_str())
            .fetch_one(&mut *tx)
            .await
            .expect("lock");
        held = Some(tx);
    }
    let second = crate::common::second_instance(&url).await;
    let client = ca_counter::api::Client::with_http(
        app.http.clone(),
        &second.base_url(),
        &app.support,
        ca_counter::i18n::Lang::En,
    );
    assert_eq!(counted(&client).await, 1001);
    let mut flagged = 0;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let page = client.orders(&query).await.expect("search");
        let found = page.items.iter().any(|o| o.order_no == order.order_no);
        match page.search_indexing {
            Some(indexing) => {
                assert_eq!(indexing.total, 1001, "{indexing:?}");
                assert!(indexing.indexed <= indexing.total, "{indexing:?}");
                flagged += 1;
            }
            None if found => break,
            None => panic!(
                "an answer without {} says nothing of indexing",
                order.order_no
            ),
        }
        if flagged == 3
            && let Some(tx) = held.take()
        {
            tx.rollback().await.expect("let go");
        }
        assert!(std::time::Instant::now() < deadline, "never indexed");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    if store.backend() == ca_counter::server::store::Backend::Postgres {
        assert!(flagged >= 3, "answered {flagged} times while indexing");
    }
    second.shutdown().await.expect("second instance stops");
    assert_eq!(store.index_unsearchable_orders().await.expect("again"), 0);
    // Imported while an instance runs: its job counts them before indexing them.
    forget_all().await;
    assert_eq!(
        store.index_unsearchable_orders().await.expect("index"),
        1001
    );
    assert_eq!(store.search_indexing(), None);
    assert_eq!(numbers(&app, "王五").await, [order.order_no.to_string()]);
    // And by their ID numbers (the hashes are written a batch per statement).
    let ids: Vec<(String, String)> = sqlx::query_as(
        "SELECT order_no, id_number FROM orders WHERE order_no = $1 \
         OR order_no = (SELECT MIN(order_no) FROM orders)",
    )
    .bind(order.order_no.as_str())
    .fetch_all(store.pool())
    .await
    .expect("ID numbers");
    assert_eq!(ids.len(), 2);
    for (order_no, id_number) in &ids {
        assert!(
            numbers(&app, id_number).await.contains(order_no),
            "{order_no} by its ID number"
        );
    }
    assert_eq!(counted(&app.client(&app.support)).await, 1001);
    app.finish().await;
}

/// Each statement's plan on PostgreSQL as a generic plan (what sqlx's prepared statements
/// end up using): `(name, sql, arguments, index)` must use that index, with no sequential
/// scan and no sort.
pub(crate) async fn assert_generic_plans(pool: &sqlx::AnyPool, cases: &[(&str, &str, &str, &str)]) {
    let mut conn = pool.acquire().await.expect("connection");
    sqlx::raw_sql("ANALYZE; SET plan_cache_mode = force_generic_plan")
        .execute(&mut *conn)
        .await
        .expect("generic plans");
    for (name, sql, args, index) in cases {
        sqlx::raw_sql(&format!("PREPARE {name} AS {sql}"))
            .execute(&mut *conn)
            .await
            .expect("prepare");
        let plan: Vec<(String,)> = sqlx::query_as(&format!("EXPLAIN EXECUTE {name} {args}"))
            .fetch_all(&mut *conn)
            .await
            .expect("plan");
        let text: Vec<&str> = plan.iter().map(|r| r.0.as_str()).collect();
        assert!(
            text.iter().any(|line| line.contains(index)),
            "{name}: {text:?}"
        );
        assert!(
            !text
                .iter()
                .any(|line| line.contains("Seq Scan") || line.contains("Sort")),
            "{name}: {text:?}"
        );
    }
    sqlx::raw_sql("DEALLOCATE ALL; RESET plan_cache_mode")
        .execute(&mut *conn)
        .await
        .expect("reset");
}

async fn demo_orders_load_twice_into_one_database(db: Db) {
    let app = TestApp::spawn(db).await;
    let store = app.store().clone();
    // Twice, with the same seed even: new order numbers and new parcels, no duplicate.
    for _ in 0..2 {
        let loaded = store.load_demo_orders(300, 5, |_| {}).await.expect("load");
        assert_eq!(loaded.orders, 300);
    }
    let (orders, parcels): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(DISTINCT tracking_no) FROM orders")
            .fetch_one(store.pool())
            .await
            .expect("count");
    assert_eq!(orders, 600);
    let shipped: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE tracking_no IS NOT NULL")
            .fetch_one(store.pool())
            .await
            .expect("shipped");
    assert!(
        shipped > 300,
        "most of three years' orders were mailed: {shipped}"
    );
    assert_eq!(parcels, shipped);
    // The operator that submitted them holds no live token.
    let live: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM operator_tokens t JOIN operators o ON o.id = t.operator_id \
         WHERE o.name = 'demo-loader' AND t.revoked_at IS NULL",
    )
    .fetch_one(store.pool())
    .await
    .expect("tokens");
    assert_eq!(live, 0);
    // Nor is it enabled (`restored` gives every enabled operator a new token).
    let enabled: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM operators WHERE name = 'demo-loader' AND disabled_at IS NULL",
    )
    .fetch_one(store.pool())
    .await
    .expect("operators");
    assert_eq!(enabled, 0);
    app.finish().await;
}
