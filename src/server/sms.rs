//! Text messages to customers behind a trait. The built-in `log` provider sends nothing:
//! every message is kept in the database for an administrator to read
//! (`GET /api/v1/sms`); a real SMS gateway plugs in as another provider. Either way each
//! message, sent or failed, is recorded.

use futures_util::future::BoxFuture;

use super::store::{OrderRow, Store, StoreResult};
use crate::domain::mask_phone;

/// Sends one message.
pub trait SmsProvider: Send + Sync {
    /// The provider's name, recorded with each message.
    fn name(&self) -> &'static str;
    /// Sends `text` to `phone`; `Ok(status)` is what to record (`sent`, `logged`).
    fn send<'a>(
        &'a self,
        phone: &'a str,
        text: &'a str,
    ) -> BoxFuture<'a, Result<&'static str, String>>;
}

/// Keeps messages for an administrator instead of sending them.
pub struct LogSms;

impl SmsProvider for LogSms {
    fn name(&self) -> &'static str {
        "log"
    }

    fn send<'a>(
        &'a self,
        phone: &'a str,
        _text: &'a str,
    ) -> BoxFuture<'a, Result<&'static str, String>> {
        Box::pin(async move {
            tracing::info!(phone = %mask_phone(phone), "sms kept in the log");
            Ok("logged")
        })
    }
}

/// The provider named in the configuration, if it exists.
pub fn provider(kind: crate::config::SmsProvider) -> Option<std::sync::Arc<dyn SmsProvider>> {
    match kind {
        crate::config::SmsProvider::Log => Some(std::sync::Arc::new(LogSms)),
        crate::config::SmsProvider::Aliyun => None,
    }
}

/// Sends `text` to the order's customer and records the message and how it went. A
/// failure to send is recorded, not raised: the order has moved on regardless.
pub async fn notify(
    store: &Store,
    provider: &dyn SmsProvider,
    order: &OrderRow,
    text: &str,
) -> StoreResult<()> {
    let (status, detail) = match provider.send(&order.phone, text).await {
        Ok(status) => (status, None),
        Err(why) => {
            tracing::warn!(order = %order.order_no, %why, "sms not sent");
            ("failed", Some(why))
        }
    };
    store
        .record_sms(
            Some(&order.id),
            &order.phone,
            text,
            provider.name(),
            status,
            detail.as_deref(),
        )
        .await
}
