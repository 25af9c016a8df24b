//! A province's worth of orders, quickly: `ca-counter demo orders --count N --fast` and the
//! benches load realistic orders straight into the tables (many rows per statement, many
//! statements per transaction) rather than one request at a time.
//!
//! The orders look like three years of a province's work: names drawn from common
//! surnames and given-name characters (so a common name has hundreds of orders and most
//! three-character names a handful), one customer for every five orders, a fifth of them
//! organisations, a third made online, the old ones finished and the last month's spread
//! over every status. They are written with everything the platform keeps with an order —
//! its search terms and ID hash, its first history row, the per-status counts and the
//! day's order-number counter — so the platform treats them as its own. Names, numbers and
//! addresses are made up; every order is submitted by the operator `demo-loader`, and its
//! note says it is demo data.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::search;
use super::{Backend, Store, StoreError, StoreResult, new_id, now_ms};
use crate::api::{Applicant, MailingAddress, Organization};
use crate::domain::{IdNumber, OrderNo, OrderStatus, RoleSet};

/// Orders per multi-row `INSERT`.
const ROWS_PER_STATEMENT: usize = 100;
/// Orders per transaction.
/// A history row the loader writes beside its orders.
struct DemoStep {
    order_id: String,
    at: i64,
    action: &'static str,
    from: Option<&'static str>,
    to: &'static str,
    reason: Option<String>,
}

/// What the demo's returned orders were returned for (a reviewer's checklist's words).
const DEMO_RETURN_REASONS: [&str; 3] =
    ["申请表缺少签字", "身份证复印件不清晰", "邮寄地址缺少门牌号"];

const ORDERS_PER_TRANSACTION: usize = 5_000;
/// The loaded orders span this many days, ending today.
const DAYS: i64 = 3 * 365;

const SURNAMES: &[(&str, u32)] = &[
    ("王", 71),
    ("李", 70),
    ("张", 68),
    ("刘", 54),
    ("陈", 45),
    ("杨", 31),
    ("黄", 22),
    ("赵", 22),
    ("吴", 20),
    ("周", 19),
    ("徐", 13),
    ("孙", 12),
    ("马", 12),
    ("朱", 11),
    ("胡", 11),
    ("郭", 10),
    ("何", 10),
    ("高", 9),
    ("林", 9),
    ("罗", 9),
    ("郑", 8),
    ("梁", 8),
    ("谢", 7),
    ("宋", 6),
    ("唐", 6),
    ("许", 6),
    ("韩", 5),
    ("冯", 5),
    ("邓", 5),
    ("曹", 5),
    ("彭", 5),
    ("曾", 5),
    ("肖", 5),
    ("田", 4),
    ("董", 4),
    ("袁", 4),
    ("潘", 4),
    ("于", 4),
    ("蒋", 4),
    ("蔡", 4),
    ("余", 4),
    ("杜", 3),
    ("叶", 3),
    ("程", 3),
    ("苏", 3),
    ("魏", 3),
    ("吕", 3),
    ("丁", 3),
    ("任", 3),
    ("沈", 3),
    ("姚", 2),
    ("卢", 2),
    ("姜", 2),
    ("崔", 2),
    ("钟", 2),
    ("谭", 2),
    ("陆", 2),
    ("汪", 2),
    ("范", 2),
    ("金", 2),
    ("欧阳", 1),
    ("司马", 1),
];

const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩凯健俊帆帅旭宁龙林欣晨瑞婷雪琳晶颖倩云飞鑫波亮峰志宏海燕春梅慧佳嘉琪思雨欣怡子涵梓轩浩然一诺宇航家豪晓东新民德胜金凤丹阳永红小红立新学文";

const CITIES: &[&str] = &[
    "长沙",
    "株洲",
    "湘潭",
    "衡阳",
    "邵阳",
    "岳阳",
    "常德",
    "张家界",
    "益阳",
    "郴州",
    "永州",
    "怀化",
    "娄底",
    "湘西",
];
const TRADES: &[&str] = &[
    "建设", "科技", "工程", "贸易", "咨询", "建筑", "环保", "物流", "电力", "水利", "信息", "园林",
];

/// What a load made.
#[derive(Debug, Clone, Copy, Default)]
pub struct Loaded {
    /// Orders written.
    pub orders: u64,
    /// Customers written.
    pub customers: u64,
}

struct Catalog {
    individual: Vec<(String, String, i64)>,
    organization: Vec<(String, String, i64)>,
}

enum Value {
    Text(String),
    MaybeText(Option<String>),
    Int(i64),
    MaybeInt(Option<i64>),
}

impl Store {
    /// Writes `count` realistic demo orders (and a customer for every five), drawn from
    /// `seed`; `progress` is told the number of orders written after every transaction.
    /// The demo catalog must be loaded.
    pub async fn load_demo_orders(
        &self,
        count: u64,
        seed: u64,
        mut progress: impl FnMut(u64),
    ) -> StoreResult<Loaded> {
        let catalog = self.loader_catalog().await?;
        let submitter = self.loader_operator().await?;
        let mut rng = StdRng::seed_from_u64(seed);
        let given: Vec<char> = GIVEN.chars().collect();
        let surname_total: u32 = SURNAMES.iter().map(|(_, w)| w).sum();

        let customers_wanted = count.div_ceil(5).max(1);
        let mut customers: Vec<Person> = Vec::with_capacity(customers_wanted as usize);
        let phone_base: u64 = rng.gen_range(0..1_000_000_000);
        for i in 0..customers_wanted {
            customers.push(Person::new(&mut rng, i, phone_base, &given, surname_total));
        }
        let customer_ids = self.write_customers(&mut customers, &submitter).await?;

        let today = time::OffsetDateTime::now_utc().to_offset(crate::domain::CHINA);
        let end_ms = now_ms();
        let span_ms = DAYS * 86_400_000;
        let start_ms = end_ms - span_ms;
        let mut written = 0_u64;
        // Numbers go on from those each day already has.
        let taken: Vec<(String, i64)> = sqlx::query_as("SELECT day, last FROM order_counters")
            .fetch_all(&self.pool)
            .await?;
        let mut day_seq: std::collections::HashMap<String, u32> = taken
            .into_iter()
            .map(|(day, last)| (day, u32::try_from(last).unwrap_or(u32::MAX)))
            .collect();
        // Tracking numbers go on from the orders already there, so that loading again into
        // the same database gives new parcels rather than a duplicate.
        let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
            .fetch_one(&self.pool)
            .await?;
        let parcel_base = u64::try_from(before).unwrap_or(0);
        let mut batch: Vec<Vec<Value>> = Vec::with_capacity(ORDERS_PER_TRANSACTION);
        let mut terms: Vec<(String, String)> = Vec::new();
        for i in 0..count {
            let at = start_ms + (i as i128 * span_ms as i128 / count.max(1) as i128) as i64;
            let Some(when) =
                time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000_000)
                    .ok()
                    .map(|t| t.to_offset(crate::domain::CHINA))
            else {
                continue;
            };
            let day = when.date();
            let key = format!(
                "{:04}{:02}{:02}",
                day.year(),
                u8::from(day.month()),
                day.day()
            );
            let seq = day_seq.entry(key).or_insert(0);
            *seq += 1;
            let Some(order_no) = OrderNo::new(day, *seq) else {
                continue;
            };
            let index = rng.gen_range(0..customers.len());
            let person = &customers[index];
            let customer_id = &customer_ids[index];
            let organization = rng.gen_bool(0.2).then(|| Organization {
                name: format!(
                    "{}{}{}{}有限公司",
                    CITIES[rng.gen_range(0..CITIES.len())],
                    given[rng.gen_range(0..given.len())],
                    given[rng.gen_range(0..given.len())],
                    TRADES[rng.gen_range(0..TRADES.len())]
                ),
                uscc: "91430100MA4L000000".into(),
                legal_representative: person.name.clone(),
            });
            let products = if organization.is_some() {
                &catalog.organization
            } else {
                &catalog.individual
            };
            let Some((product_id, project_id, price)) =
                products.get(rng.gen_range(0..products.len().max(1)))
            else {
                return Err(StoreError::Corrupt(
                    "the demo loader needs the demo catalog".into(),
                ));
            };
            let age_days = (today.unix_timestamp() * 1000 - at) / 86_400_000;
            let status = pick_status(&mut rng, age_days);
            let paid = !matches!(
                status,
                OrderStatus::PendingPayment | OrderStatus::PendingVoucher | OrderStatus::Cancelled
            );
            let shipped = matches!(status, OrderStatus::PendingInvoice | OrderStatus::Completed);
            let display_name = organization
                .as_ref()
                .map_or_else(|| person.name.clone(), |o| o.name.clone());
            let applicant = Applicant {
                name: person.name.clone(),
                id_number: person.id_number.clone(),
                phone: person.phone.clone(),
                email: None,
            };
            let mailing = MailingAddress {
                recipient: person.name.clone(),
                phone: person.phone.clone(),
                province: "湖南省".into(),
                city: format!("{}市", CITIES[rng.gen_range(0..CITIES.len())]),
                district: "示例区".into(),
                street: format!("示例路 {} 号", rng.gen_range(1..999)),
                postal_code: "410000".into(),
            };
            let channel = if rng.gen_bool(0.3) {
                "online"
            } else {
                "counter"
            };
            for term in search::terms(&person.name, &display_name, &person.phone) {
                terms.push((term, order_no.as_str().to_owned()));
            }
            batch.push(vec![
                Value::Text(new_id()),
                Value::Text(order_no.as_str().to_owned()),
                Value::Text(status.as_str().to_owned()),
                Value::Int(if paid { 3 } else { 1 }),
                Value::Text(if organization.is_some() {
                    "organization".into()
                } else {
                    "individual".into()
                }),
                Value::Text(customer_id.clone()),
                Value::Text(product_id.clone()),
                Value::Text(project_id.clone()),
                Value::Int(*price),
                Value::Text(person.name.clone()),
                Value::Text(display_name),
                Value::Text(person.phone.clone()),
                Value::Text(person.id_number.clone()),
                Value::Text(to_json(&applicant)),
                Value::MaybeText(organization.as_ref().map(to_json)),
                Value::Text(to_json(&mailing)),
                Value::MaybeText(Some("演示数据 demo data".into())),
                Value::MaybeText(paid.then(|| "alipay".to_owned())),
                Value::MaybeInt(paid.then_some(at + 600_000)),
                Value::MaybeText(shipped.then(|| "ems".to_owned())),
                Value::MaybeText(shipped.then(|| s10(parcel_base + i))),
                Value::MaybeInt(shipped.then_some(at + 86_400_000)),
                Value::Text(submitter.clone()),
                Value::Int(at),
                Value::Int(at),
                Value::Text(channel.into()),
                Value::Text(self.id_hash(&person.id_number)),
                // A returned order says what for (its correction notice prints them).
                Value::MaybeText((status == OrderStatus::Rejected).then(|| {
                    let reason = DEMO_RETURN_REASONS[rng.gen_range(0..DEMO_RETURN_REASONS.len())];
                    to_json(&[reason])
                })),
            ]);
            if batch.len() == ORDERS_PER_TRANSACTION || i + 1 == count {
                written += batch.len() as u64;
                self.write_loaded(std::mem::take(&mut batch), std::mem::take(&mut terms))
                    .await?;
                progress(written);
            }
        }
        // The counts and each day's order-number counter catch up with the rows written.
        self.recount_orders().await?;
        Ok(Loaded {
            orders: written,
            customers: customers_wanted,
        })
    }

    async fn loader_catalog(&self) -> StoreResult<Catalog> {
        let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT id, project_id, user_type, price_fen FROM products WHERE active = 1 ORDER BY code",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut catalog = Catalog {
            individual: Vec::new(),
            organization: Vec::new(),
        };
        for (id, project, user_type, price) in rows {
            let list = if user_type == "organization" {
                &mut catalog.organization
            } else {
                &mut catalog.individual
            };
            list.push((id, project, price));
        }
        if catalog.individual.is_empty() || catalog.organization.is_empty() {
            return Err(StoreError::Corrupt(
                "the demo loader needs a catalog with products for individuals and organisations"
                    .into(),
            ));
        }
        Ok(catalog)
    }

    /// The operator the demo orders are submitted by. It writes rows, never calls the API:
    /// it is left disabled, its tokens revoked (one was left live in every platform a
    /// loader had run on, and `restored` gave an enabled one a new token).
    async fn loader_operator(&self) -> StoreResult<String> {
        // Disabled by an earlier load: the same operator.
        let known: Option<String> =
            sqlx::query_scalar("SELECT id FROM operators WHERE name = 'demo-loader'")
                .fetch_optional(&self.pool)
                .await?;
        let id = match known {
            Some(id) => id,
            None => {
                let roles = RoleSet::parse("clerk")
                    .map_err(|_| StoreError::Corrupt("the clerk role is unknown".into()))?;
                self.add_operator("demo-loader", &roles).await?.0.id
            }
        };
        self.revoke_operator("demo-loader").await?;
        Ok(id)
    }

    /// Writes the customers (a phone already taken keeps its customer) and returns their
    /// ids, in order.
    async fn write_customers(
        &self,
        people: &mut [Person],
        submitter: &str,
    ) -> StoreResult<Vec<String>> {
        let mut ids = Vec::with_capacity(people.len());
        for chunk in people.chunks(ORDERS_PER_TRANSACTION) {
            let mut tx = self.begin_write().await?;
            for rows in chunk.chunks(ROWS_PER_STATEMENT) {
                let mut sql = String::from(
                    "INSERT INTO customers (id, phone, name, id_number, realname_verified_at, \
                     created_at, created_by) VALUES ",
                );
                let mut n = 0;
                for (i, _) in rows.iter().enumerate() {
                    if i > 0 {
                        sql.push_str(", ");
                    }
                    let cells: Vec<String> = (n + 1..=n + 7)
                        .map(|c| placeholder(self.backend, c))
                        .collect();
                    sql.push_str(&format!("({})", cells.join(", ")));
                    n += 7;
                }
                sql.push_str(" ON CONFLICT (phone) DO NOTHING");
                let now = now_ms();
                let mut q = sqlx::query(&sql).persistent(false);
                for person in rows {
                    q = q
                        .bind(new_id())
                        .bind(person.phone.clone())
                        .bind(person.name.clone())
                        .bind(person.id_number.clone())
                        .bind(now)
                        .bind(now)
                        .bind(submitter.to_owned());
                }
                q.execute(&mut *tx).await?;
            }
            for rows in chunk.chunks(ROWS_PER_STATEMENT) {
                let placeholders: Vec<String> = (1..=rows.len())
                    .map(|i| placeholder(self.backend, i))
                    .collect();
                let sql = format!(
                    "SELECT phone, id FROM customers WHERE phone IN ({})",
                    placeholders.join(", ")
                );
                let mut q = sqlx::query_as::<_, (String, String)>(&sql).persistent(false);
                for person in rows {
                    q = q.bind(person.phone.clone());
                }
                let found: std::collections::HashMap<String, String> =
                    q.fetch_all(&mut *tx).await?.into_iter().collect();
                for person in rows {
                    ids.push(found.get(&person.phone).cloned().ok_or_else(|| {
                        StoreError::Corrupt(format!("customer {} not written", person.phone))
                    })?);
                }
            }
            tx.commit().await?;
        }
        Ok(ids)
    }

    async fn write_loaded(
        &self,
        orders: Vec<Vec<Value>>,
        terms: Vec<(String, String)>,
    ) -> StoreResult<()> {
        const COLUMNS: &str = "id, order_no, status, version, user_type, customer_id, product_id, \
            project_id, amount_fen, applicant_name, display_name, phone, id_number, applicant_json, \
            organization_json, mailing_json, note, payment_method, paid_at, carrier, tracking_no, \
            shipped_at, submitted_by, created_at, updated_at, channel, id_hash, rejection_json";
        let mut tx = self.begin_write().await?;
        // Each order's submission, and a returned order's return with its reasons.
        let mut history: Vec<DemoStep> = Vec::with_capacity(orders.len());
        for rows in orders.chunks(ROWS_PER_STATEMENT) {
            let width = rows.first().map_or(0, Vec::len);
            let mut sql = format!("INSERT INTO orders ({COLUMNS}) VALUES ");
            for r in 0..rows.len() {
                if r > 0 {
                    sql.push_str(", ");
                }
                let cells: Vec<String> = (1..=width)
                    .map(|c| placeholder(self.backend, r * width + c))
                    .collect();
                sql.push_str(&format!("({})", cells.join(", ")));
            }
            let mut q = sqlx::query(&sql).persistent(false);
            for row in rows {
                if let (Some(Value::Text(id)), Some(Value::Int(at))) = (row.first(), row.get(23)) {
                    history.push(DemoStep {
                        order_id: id.clone(),
                        at: *at,
                        action: "submit",
                        from: None,
                        to: "pending_payment",
                        reason: None,
                    });
                    if let Some(Value::MaybeText(Some(reasons))) = row.get(27) {
                        let reasons: Vec<String> =
                            serde_json::from_str(reasons).unwrap_or_default();
                        history.push(DemoStep {
                            order_id: id.clone(),
                            at: *at + 86_400_000,
                            action: "reject",
                            from: Some("pending_review"),
                            to: "rejected",
                            reason: Some(reasons.join(crate::domain::REASON_SEPARATOR)),
                        });
                    }
                }
                for value in row {
                    q = match value {
                        Value::Text(t) => q.bind(t.clone()),
                        Value::MaybeText(t) => q.bind(t.clone()),
                        Value::Int(n) => q.bind(*n),
                        Value::MaybeInt(n) => q.bind(*n),
                    };
                }
            }
            q.execute(&mut *tx).await?;
        }
        for rows in history.chunks(ROWS_PER_STATEMENT * 2) {
            let mut sql = String::from(
                "INSERT INTO order_history (order_id, at, actor_id, actor_name, action, from_status, \
                 to_status, reason, request_id) VALUES ",
            );
            for r in 0..rows.len() {
                if r > 0 {
                    sql.push_str(", ");
                }
                let p = |c: usize| placeholder(self.backend, r * 6 + c);
                sql.push_str(&format!(
                    "({}, {}, NULL, 'demo-loader', {}, {}, {}, {}, NULL)",
                    p(1),
                    p(2),
                    p(3),
                    p(4),
                    p(5),
                    p(6)
                ));
            }
            let mut q = sqlx::query(&sql).persistent(false);
            for step in rows {
                q = q
                    .bind(step.order_id.clone())
                    .bind(step.at)
                    .bind(step.action)
                    .bind(step.from)
                    .bind(step.to)
                    .bind(step.reason.clone());
            }
            q.execute(&mut *tx).await?;
        }
        for rows in terms.chunks(ROWS_PER_STATEMENT * 10) {
            search::insert_terms(&mut tx, self.backend, rows).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// A made-up customer.
struct Person {
    name: String,
    phone: String,
    id_number: String,
}

impl Person {
    fn new(
        rng: &mut StdRng,
        i: u64,
        phone_base: u64,
        given: &[char],
        surname_total: u32,
    ) -> Person {
        let mut pick = rng.gen_range(0..surname_total);
        let mut surname = SURNAMES[0].0;
        for (name, weight) in SURNAMES {
            if pick < *weight {
                surname = name;
                break;
            }
            pick -= weight;
        }
        // Given-name characters skewed towards the first ones, as real names are.
        let char_of = |rng: &mut StdRng| {
            let x: f64 = rng.r#gen();
            given[(x.powf(1.2) * given.len() as f64) as usize % given.len()]
        };
        let mut name = surname.to_owned();
        name.push(char_of(rng));
        if rng.gen_bool(0.7) {
            name.push(char_of(rng));
        }
        // Distinct numbers: a stride coprime with 10^9 walks them without repeats.
        let phone = format!(
            "1{}{:09}",
            ['3', '5', '7', '8', '9'][(i % 5) as usize],
            (phone_base + i * 7919) % 1_000_000_000
        );
        let id_number = loop {
            let first17 = format!(
                "4301{:02}{:04}{:02}{:02}{:03}",
                rng.gen_range(1..30),
                rng.gen_range(1950..2005),
                rng.gen_range(1..13),
                rng.gen_range(1..29),
                rng.gen_range(0..1000)
            );
            if let Some(id) = IdNumber::complete(&first17) {
                break id.as_str().to_owned();
            }
        };
        Person {
            name,
            phone,
            id_number,
        }
    }
}

fn pick_status(rng: &mut StdRng, age_days: i64) -> OrderStatus {
    let x: f64 = rng.r#gen();
    let table: &[(OrderStatus, f64)] = if age_days > 30 {
        &[
            (OrderStatus::Completed, 0.88),
            (OrderStatus::Cancelled, 0.08),
            (OrderStatus::PendingInvoice, 0.02),
            (OrderStatus::PendingShipment, 0.01),
            (OrderStatus::Rejected, 0.01),
        ]
    } else {
        &[
            (OrderStatus::PendingPayment, 0.15),
            (OrderStatus::PendingVoucher, 0.03),
            (OrderStatus::PendingReview, 0.20),
            (OrderStatus::Rejected, 0.05),
            (OrderStatus::PendingShipment, 0.20),
            (OrderStatus::PendingInvoice, 0.07),
            (OrderStatus::Completed, 0.25),
            (OrderStatus::Cancelled, 0.05),
        ]
    };
    let mut acc = 0.0;
    for (status, p) in table {
        acc += p;
        if x < acc {
            return *status;
        }
    }
    OrderStatus::Completed
}

/// The `n`th parameter of a statement of many rows: anonymous on SQLite, which finds each
/// numbered parameter by a walk of the list of them — with a few thousand to a statement,
/// half the loading time — and numbers anonymous ones in order; numbered on PostgreSQL.
fn placeholder(backend: Backend, n: usize) -> String {
    match backend {
        Backend::Sqlite => "?".to_owned(),
        Backend::Postgres => format!("${n}"),
    }
}

/// A wire struct as JSON (plain strings: serializing cannot fail).
fn to_json<V: serde::Serialize>(value: &V) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// A well-formed EMS number (S10) for the `i`-th order.
fn s10(i: u64) -> String {
    let serial = format!("{:08}", i % 100_000_000);
    let check = crate::domain::s10_check_digit(&serial).unwrap_or(0);
    format!("EA{serial}{check}CN")
}
