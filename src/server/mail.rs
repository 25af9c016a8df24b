//! E-mail to customers (invoices) behind a trait. The built-in `outbox` provider sends
//! nothing: every message is kept in the database for an administrator to read
//! (`GET /api/v1/mail`); the `smtp` provider sends through the configured mail server.
//! Either way each message, sent or failed, is recorded.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::store::{MailOutcome, NewMail, Store, StoreResult, now_ms};
use crate::config::SmtpConfig;

/// A file sent with a message.
#[derive(Debug, Clone)]
pub struct MailAttachment {
    /// The file name the customer sees.
    pub file_name: String,
    /// Its MIME type.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// One message.
#[derive(Debug, Clone)]
pub struct Mail {
    /// The customer's address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// An attached file.
    pub attachment: Option<MailAttachment>,
}

/// Why a message did not go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailFailure {
    /// What the server (or the connection) said.
    pub why: String,
    /// Refused for good — the recipient or the message refused (a 5xx answer about the
    /// mailbox or the message, an address that cannot be written): trying again would be
    /// refused again. Otherwise — the server unreachable or silent, a 4xx "try later", a
    /// login or encryption the server would not do (a configuration being mended) — it
    /// is tried again.
    pub lasting: bool,
    /// The server answered (it refused this mail): the next mail may still go. Without an
    /// answer (unreachable, timed out), the others would not either.
    pub answered: bool,
}

impl MailFailure {
    fn lasting(why: String) -> MailFailure {
        MailFailure {
            why,
            lasting: true,
            answered: true,
        }
    }
}

/// The longest one message may take to hand over, connection and all: a server that
/// accepts the connection and then says nothing must not hold the sender (or its claim,
/// which lapses after [`crate::server::store::MAIL_CLAIM_LAPSES`]).
pub const SEND_LIMIT: Duration = Duration::from_secs(60);

/// Sends one message.
pub trait MailProvider: Send + Sync {
    /// The provider's name, recorded with each message.
    fn name(&self) -> &'static str;
    /// Sends `mail`; `Ok(status)` is what to record (`sent`, `kept`).
    fn send<'a>(&'a self, mail: &'a Mail) -> BoxFuture<'a, Result<&'static str, MailFailure>>;
}

/// How long after a try refused for now the next one goes: the tries of one mail spread
/// over about three hours (a mail server restarted, a network down for the afternoon);
/// after the last it is `failed`, for finance to send another way.
pub const RETRY_AFTER: [Duration; 4] = [
    Duration::from_secs(60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(150 * 60),
];

/// Keeps messages for an administrator instead of sending them.
pub struct Outbox;

impl MailProvider for Outbox {
    fn name(&self) -> &'static str {
        "outbox"
    }

    fn send<'a>(&'a self, _mail: &'a Mail) -> BoxFuture<'a, Result<&'static str, MailFailure>> {
        Box::pin(async { Ok("kept") })
    }
}

/// Sends through a mail server.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    /// A sender for `config`, with the password already read.
    pub fn new(config: &SmtpConfig, password: Option<String>) -> Result<Smtp, String> {
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|e| format!("from = {:?}: {e}", config.from))?;
        let builder = match config.security.as_str() {
            "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host)
                .map_err(|e| e.to_string())?,
            "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)
                .map_err(|e| e.to_string())?,
            "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host),
            other => {
                return Err(format!(
                    "security = {other:?}: expected \"tls\", \"starttls\" or \"none\""
                ));
            }
        };
        let mut builder = builder
            .port(config.port)
            .timeout(Some(Duration::from_secs(20)));
        if let (Some(user), Some(password)) = (&config.username, password) {
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        Ok(Smtp {
            transport: builder.build(),
            from,
        })
    }

    fn message(&self, mail: &Mail) -> Result<Message, String> {
        let to: Mailbox = mail.to.parse().map_err(|e| format!("{}: {e}", mail.to))?;
        // lettre adds no Message-ID of its own, and receivers (Gmail among them) refuse or
        // mark as spam mail without one; the sender's domain makes it globally unique.
        let message_id = format!(
            "<{}@{}>",
            uuid::Uuid::now_v7().simple(),
            self.from.email.domain()
        );
        let builder = Message::builder()
            .message_id(Some(message_id))
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone());
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone());
        let message = match &mail.attachment {
            None => builder.singlepart(text),
            Some(file) => {
                let content_type = ContentType::parse(&file.content_type)
                    .map_err(|e| format!("{}: {e}", file.content_type))?;
                builder.multipart(MultiPart::mixed().singlepart(text).singlepart(
                    Attachment::new(file.file_name.clone()).body(file.bytes.clone(), content_type),
                ))
            }
        };
        message.map_err(|e| e.to_string())
    }
}

impl MailProvider for Smtp {
    fn name(&self) -> &'static str {
        "smtp"
    }

    fn send<'a>(&'a self, mail: &'a Mail) -> BoxFuture<'a, Result<&'static str, MailFailure>> {
        Box::pin(async move {
            let message = self.message(mail).map_err(MailFailure::lasting)?;
            self.transport
                .send(message)
                .await
                .map(|_| "sent")
                .map_err(|e| {
                    use lettre::transport::smtp::response::Category;
                    // Refused for good only by a permanent answer about the mailbox or
                    // the message (5x0 syntax, 55x mail system); a refused login (535)
                    // or anything else may pass once the configuration is mended.
                    let lasting = e.is_permanent()
                        && e.status().is_some_and(|code| {
                            matches!(code.category, Category::MailSystem | Category::Syntax)
                        });
                    MailFailure {
                        why: e.to_string(),
                        lasting,
                        answered: e.is_response(),
                    }
                })
        })
    }
}

/// The provider the configuration names.
pub fn provider(
    kind: crate::config::MailProvider,
    smtp: Option<&SmtpConfig>,
) -> Result<Arc<dyn MailProvider>, String> {
    use crate::config::MailProvider as Kind;
    match kind {
        Kind::Outbox => Ok(Arc::new(Outbox)),
        Kind::Smtp => {
            let config = smtp.ok_or_else(|| {
                "mail_provider = \"smtp\" needs a [platform.invoice.smtp] section".to_owned()
            })?;
            let password = match &config.password_file {
                Some(path) => Some(
                    std::fs::read_to_string(path)
                        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
                        .trim_end_matches(['\r', '\n'])
                        .to_owned(),
                ),
                None => None,
            };
            Ok(Arc::new(Smtp::new(config, password)?))
        }
    }
}

/// Sends `mail` (with an order's attachment) once however many overlapping attempts ask:
/// claimed first ([`Store::claim_mail`]), then sent and its outcome recorded (a failure to
/// send is recorded, not raised: one refused for now waits for its next try, see
/// [`RETRY_AFTER`]). `None` when it went before, is being sent, or waits for its next try.
pub async fn send_once(
    store: &Store,
    provider: &dyn MailProvider,
    order_id: &str,
    attachment_id: &str,
    mail: &Mail,
) -> StoreResult<Option<Result<(), MailFailure>>> {
    let claim = store
        .claim_mail(&NewMail {
            order_id: Some(order_id),
            to: &mail.to,
            subject: &mail.subject,
            body: &mail.body,
            attachment_id: Some(attachment_id),
            provider: provider.name(),
            status: "sending",
            detail: None,
        })
        .await?;
    let Some(claim) = claim else {
        return Ok(None);
    };
    let outcome = match tokio::time::timeout(SEND_LIMIT, provider.send(mail)).await {
        Ok(outcome) => outcome,
        Err(_) => Err(MailFailure {
            why: format!(
                "the mail server did not finish within {} s",
                SEND_LIMIT.as_secs()
            ),
            lasting: false,
            answered: false,
        }),
    };
    let recorded = match &outcome {
        Ok(status) => MailOutcome::Done(status),
        Err(failure) => {
            let next = next_try(claim.attempt, failure.lasting);
            tracing::warn!(
                why = %failure.why,
                attempt = claim.attempt,
                again = next.is_some(),
                "mail not sent"
            );
            match next {
                Some(after) => MailOutcome::Waiting {
                    why: &failure.why,
                    retry_at: now_ms()
                        .saturating_add(i64::try_from(after.as_millis()).unwrap_or(i64::MAX)),
                },
                None => MailOutcome::Failed(&failure.why),
            }
        }
    };
    // Said once sent, whatever the database is doing: a claim left `sending` would be
    // sent again when it lapses.
    let mut tries = 0;
    loop {
        match store.finish_mail(&claim, &recorded).await {
            Ok(()) => break,
            Err(e) if tries < 3 => {
                tries += 1;
                tracing::warn!(error = %e, tries, "recording how a mail went");
                tokio::time::sleep(Duration::from_millis(250 << tries)).await;
            }
            Err(e) => {
                tracing::error!(error = %e, mail = %claim.id, "how a mail went is not recorded: it may go again");
                return Err(e);
            }
        }
    }
    Ok(Some(outcome.map(|_| ())))
}

/// After try number `attempt` failed: how long until the next ([`RETRY_AFTER`]), or
/// `None` when there is none (refused for good, or that was the last).
pub fn next_try(attempt: i64, lasting: bool) -> Option<Duration> {
    if lasting {
        return None;
    }
    usize::try_from(attempt - 1)
        .ok()
        .and_then(|tried| RETRY_AFTER.get(tried))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Five tries spread over about three hours, the last one `failed`; one refused for
    /// good is never tried again.
    #[test]
    fn a_mail_is_tried_five_times_and_never_again_when_refused_for_good() {
        let waits: Vec<Option<Duration>> = (1..=5).map(|n| next_try(n, false)).collect();
        assert_eq!(
            waits,
            [
                Some(Duration::from_secs(60)),
                Some(Duration::from_secs(300)),
                Some(Duration::from_secs(1800)),
                Some(Duration::from_secs(9000)),
                None,
            ]
        );
        let total: Duration = waits.iter().flatten().sum();
        assert_eq!(total.as_secs() / 60, 186);
        assert_eq!(next_try(1, true), None);
        assert_eq!(next_try(0, false), None);
        // A claim lapses after two minutes: a send never outlasts it.
        assert!(SEND_LIMIT < crate::server::store::MAIL_CLAIM_LAPSES);
    }
}
