//! Demo orders for training and trying the product: walk-in customers taken through the
//! real API on an in-process platform — verified by the built-in demo check, submitted by
//! a demo clerk with a stand-in scan of the signed form (a blank page named as a demo),
//! paid at the sandbox cashier, approved by a demo reviewer — so the 邮寄 and 开票 tabs
//! have a day's work.

use crate::api::{
    ActionRequest, Applicant, AttachmentKind, Client, ClientError, MailingAddress, NewCustomer,
    NewOrder,
};
use crate::config::PlatformConfig;
use crate::domain::{Action, RoleSet, UserType};
use crate::i18n::Lang;
use crate::server::Platform;
use crate::server::store::Store;

/// Why the demo orders could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The platform did not start.
    #[error("platform: {0}")]
    Start(#[from] crate::server::StartError),
    /// The database.
    #[error("database: {0}")]
    Store(#[from] crate::server::store::StoreError),
    /// A call to the platform.
    #[error("{0}")]
    Api(#[from] ClientError),
    /// Anything else.
    #[error("{0}")]
    Other(String),
}

const NAMES: [&str; 12] = [
    "张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周婷", "吴军", "徐丽", "孙浩",
];
const STREETS: [&str; 6] = [
    "麓山南路 932 号",
    "五一大道 99 号",
    "芙蓉中路二段 106 号",
    "韶山北路 1 号",
    "人民东路 38 号",
    "岳麓大道 218 号",
];

/// A demo applicant's own ID number, made up but valid in form (born 1960–1999): one per
/// customer, so that the review screen does not see one number given under a dozen
/// names. Its region, 湖南 4399, is no city's: no resident holds it (a search of a shared
/// database by a real person's number finds no demo order). Falls back to a well-known
/// test number if the digits ever make no valid one.
fn demo_id_number(n: u64) -> String {
    let first17 = format!(
        "439900{:04}{:02}{:02}{:03}",
        1960 + n % 40,
        1 + (n / 40) % 12,
        1 + (n / 480) % 28,
        (n / 13_440) % 1000
    );
    crate::domain::IdNumber::complete(&first17)
        .map(|id| id.as_str().to_owned())
        .unwrap_or_else(|| "11010519491231002X".to_owned())
}

/// The stand-in for a demo order's signed form: a blank A4-shaped page with a few grey
/// rules, no signature — the review screen's scan check says it carries no order code,
/// as it should of a page nobody signed. `serial` marks its top corner (a scanner's page
/// count, say), so each order's file is its own: one file on every demo order was "file
/// reused" to the reviewer practising on them.
fn blank_scan(serial: u64) -> Result<Vec<u8>, DemoError> {
    let (width, height) = (420, 594);
    let page = image::GrayImage::from_fn(width, height, |x, y| {
        let bit = (20..84).contains(&x) && (20..24).contains(&y) && serial >> (x - 20) & 1 == 1;
        if bit || (y > 60 && y % 48 == 0) {
            image::Luma([170])
        } else {
            image::Luma([250])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    page.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| DemoError::Other(e.to_string()))?;
    Ok(out.into_inner())
}

/// The operators the demo orders are made by: made if missing, enabled for the run and
/// disabled after it ([`orders`]).
const DEMO_OPERATORS: [(&str, &str); 2] = [("demo-clerk", "clerk"), ("demo-reviewer", "reviewer")];

/// The command that makes demo orders, as `ca-counter` names it: the operator log's
/// `… (ca-counter demo orders)` (`main` names who runs it so) is how a demo run's own
/// changes are told from an administrator's.
pub const DEMO_COMMAND: &str = "demo orders";

/// A demo operator's token: the operator is made if missing, or enabled again if a demo
/// run disabled it (with the roles a demo run gives it). One of that name that is
/// someone's — other roles, enabled (in use, or by a demo run under way), or disabled by
/// an administrator — is not taken over: refused, nothing changed.
async fn token(store: &Store, name: &str, roles: &str) -> Result<String, DemoError> {
    let roles = RoleSet::parse(roles).map_err(|bad| DemoError::Other(bad.to_string()))?;
    match store.add_operator(name, &roles).await {
        Ok((_, token)) => return Ok(token),
        Err(e) if e.is_unique_violation() => {}
        Err(e) => return Err(e.into()),
    }
    let existing = store
        .list_operators()
        .await?
        .into_iter()
        .find(|o| o.operator.name == name)
        .ok_or_else(|| DemoError::Other(format!("the operator {name} could not be read")))?;
    if existing.operator.roles != roles {
        return Err(DemoError::Other(format!(
            "an operator named {name} exists with the roles {}: it is not a demo operator, and \
             is not used or changed; no demo orders were made (rename it, or use a database \
             of the demo's own)",
            existing.operator.roles.to_list()
        )));
    }
    if existing.disabled_at.is_none() {
        return Err(DemoError::Other(format!(
            "the operator {name} is enabled: someone uses it, or another demo run is under \
             way; it is not used or changed, and no demo orders were made (left enabled by a \
             version before demo runs disabled it? `ca-counter operator revoke {name}`, then \
             run this again)"
        )));
    }
    // Disabled: by a demo run (enabled again), or by an administrator (left so).
    let mark = format!("(ca-counter {DEMO_COMMAND})");
    let last = store
        .operator_log(10_000)
        .await?
        .into_iter()
        .find(|line| line.operator_name == name);
    if !last.is_some_and(|line| line.action == "revoke" && line.by_whom.ends_with(&mark)) {
        return Err(DemoError::Other(format!(
            "the operator {name} was disabled by an administrator, not by a demo run: it is \
             not enabled again; no demo orders were made"
        )));
    }
    store
        .restore_operator(name)
        .await?
        .ok_or_else(|| DemoError::Other(format!("the operator {name} could not be enabled")))
}

/// Ctrl-C or SIGTERM, listened for from when it is made (before any demo operator is
/// enabled): a signal before it is awaited is not missed. Once made, the signals no longer
/// end the process: the run disables its operators and returns.
struct Stop {
    #[cfg(unix)]
    signals: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Stop {
    fn listen() -> Stop {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Stop {
                signals: signal(SignalKind::interrupt())
                    .and_then(|int| Ok((int, signal(SignalKind::terminate())?)))
                    .ok(),
            }
        }
        #[cfg(not(unix))]
        Stop {}
    }

    async fn stopped(&mut self) {
        #[cfg(unix)]
        if let Some((int, term)) = self.signals.as_mut() {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            return;
        }
        std::future::pending::<()>().await
    }
}

/// Makes `count` orders waiting to be mailed in the database at `database_url`, through
/// the API of an in-process platform (sandbox payments), by the demo operators, the
/// operator log naming `acting` (who ran it) for what is done to them. They are disabled
/// again afterwards, their tokens revoked: on a shared database nobody is left signed in
/// as a demo clerk. Returns the orders' numbers.
pub async fn orders(
    config: &PlatformConfig,
    database_url: &str,
    count: usize,
    for_review: bool,
    acting: &str,
) -> Result<Vec<String>, DemoError> {
    crate::api::install_tls_provider();
    let mut config = config.clone();
    // Demo money and demo identity checks only, on a loopback port nobody else sees.
    config.payment_provider = crate::config::PaymentProvider::Sandbox;
    config.identity_provider = crate::config::IdentityProvider::Builtin;
    config.public_base_url = None;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| DemoError::Other(e.to_string()))?;
    let platform = Platform::start(config, database_url, listener).await?;
    // From here (no demo operator is enabled yet) a signal stops the run and disables
    // them; before, it ends the process as usual (a start that hangs can be stopped).
    let mut stop = Stop::listen();
    let store = platform.store().acting_as(acting);
    // The operators this run made or enabled: those it disables again, whatever became of
    // the orders (one it refused to take over is left as it was).
    let mut used: Vec<&str> = Vec::new();
    let mut tokens = Vec::new();
    let mut refused = None;
    for (name, roles) in DEMO_OPERATORS {
        match token(&store, name, roles).await {
            Ok(token) => {
                used.push(name);
                tokens.push(token);
            }
            Err(e) => {
                refused = Some(e);
                break;
            }
        }
    }
    let made = match (refused, tokens.as_slice()) {
        (Some(e), _) => Err(e),
        // Stopped half way (Ctrl-C, SIGTERM): the operators are disabled all the same
        // (left enabled, `restored` gave them fresh tokens).
        (None, [clerk, reviewer]) => tokio::select! {
            made = make(&platform, clerk, reviewer, count, for_review) => made,
            _ = stop.stopped() => Err(DemoError::Other(
                "stopped before it was done: the orders made so far stay; the demo \
                 operators are disabled again"
                    .into(),
            )),
        },
        (None, _) => Err(DemoError::Other(
            "the demo operators could not be made".into(),
        )),
    };
    let mut disabled = Ok(());
    for name in used {
        if let Err(e) = store.revoke_operator(name).await {
            disabled = Err(e);
        }
    }
    let stopped = platform.shutdown().await;
    let made = made?;
    disabled?;
    stopped.map_err(|e| DemoError::Other(e.to_string()))?;
    Ok(made)
}

/// The orders, made by the clerk and approved by the reviewer holding these tokens (left
/// waiting for review when `for_review`).
async fn make(
    platform: &Platform,
    clerk: &str,
    reviewer: &str,
    count: usize,
    for_review: bool,
) -> Result<Vec<String>, DemoError> {
    let base = platform.base_url();
    let clerk = Client::new(&base, clerk, Lang::ZhCn)?;
    let reviewer = Client::new(&base, reviewer, Lang::ZhCn)?;
    let projects = clerk.projects("").await?;
    let products: Vec<_> = projects
        .iter()
        .flat_map(|p| p.products.iter())
        .filter(|p| p.user_type == UserType::Individual)
        .collect();
    if products.is_empty() {
        return Err(DemoError::Other(
            "the catalog has no personal certificates".into(),
        ));
    }
    let http = reqwest::Client::new();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    let mut made = Vec::with_capacity(count);
    for i in 0..count {
        let name = NAMES[i % NAMES.len()];
        let id_number = demo_id_number(seed.wrapping_add(i as u64 * 7_919));
        let phone = format!("139{:08}", (seed + i as u64 * 7_919) % 100_000_000);
        let customer = clerk
            .create_customer(&NewCustomer {
                phone: phone.clone(),
                name: name.into(),
            })
            .await?;
        // Verified as the counter does it: the customer's phone answers the real-name page.
        let session = clerk.create_realname_session(&customer.id).await?;
        let url = session
            .url
            .ok_or_else(|| DemoError::Other("the real-name session has no page".into()))?;
        let form = [
            ("name", name),
            ("id_number", id_number.as_str()),
            ("consent", "yes"),
        ];
        let verified = crate::api::submit_phone_form(&http, &url, &form)
            .await
            .map_err(|e| DemoError::Other(e.to_string()))?;
        if !verified.status().is_success() {
            return Err(DemoError::Other(format!(
                "the demo real-name check answered {}",
                verified.status()
            )));
        }
        let product = products[i % products.len()];
        let body = NewOrder {
            customer_id: customer.id,
            product_id: product.id.clone(),
            applicant: Applicant {
                name: name.into(),
                id_number: id_number.clone(),
                phone: phone.clone(),
                email: Some(format!("demo{}@example.com", i + 1)),
            },
            organization: None,
            mailing: MailingAddress {
                recipient: name.into(),
                phone,
                province: "湖南省".into(),
                city: "长沙市".into(),
                district: "岳麓区".into(),
                street: STREETS[i % STREETS.len()].into(),
                postal_code: "410083".into(),
            },
            note: Some("演示订单".into()),
            application_ref: None,
            terms_version: None,
            amount_fen: None,
        };
        let order = clerk
            .create_order(&uuid::Uuid::now_v7().to_string(), &body)
            .await?;
        clerk
            .upload_attachment(
                &order.order_no,
                AttachmentKind::SignedForm,
                "演示扫描件（无签字）.png",
                blank_scan(seed.wrapping_add(i as u64))?,
            )
            .await?;
        let payment = clerk.create_payment(&order.order_no, "sandbox").await?;
        let paid = crate::api::submit_phone_form(&http, &payment.pay_url, &[])
            .await
            .map_err(|e| DemoError::Other(e.to_string()))?;
        if !paid.status().is_success() {
            return Err(DemoError::Other(format!(
                "the sandbox cashier answered {}",
                paid.status()
            )));
        }
        if for_review {
            made.push(order.order_no.to_string());
            continue;
        }
        let order = reviewer.order(&order.order_no, false).await?;
        reviewer.claim(&order.order_no, false).await?;
        reviewer
            .act(
                &order.order_no,
                Action::Approve,
                &ActionRequest {
                    version: Some(order.version),
                    ..ActionRequest::default()
                },
            )
            .await?;
        made.push(order.order_no.to_string());
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_demo_customer_has_a_valid_id_number_of_their_own() {
        let numbers: std::collections::HashSet<String> = (0..500u64)
            .map(|i| demo_id_number(1_765_000_000_000 + i * 7_919))
            .collect();
        assert_eq!(numbers.len(), 500);
        for number in &numbers {
            assert!(crate::domain::IdNumber::parse(number).is_ok(), "{number}");
            assert!(number.starts_with("439900"), "{number}");
        }
    }
}
