//! The HTTP client of API v1, used by the TUI (and by the tests, which exercise it).

use std::pin::Pin;
use std::time::Duration;

use eventsource_stream::Eventsource;
use futures_util::{Stream, StreamExt};
use reqwest::{Method, RequestBuilder, StatusCode, header};
use serde::de::DeserializeOwned;

use super::API_PREFIX;
use super::types::*;
use crate::i18n::Lang;

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The platform answered with a problem document.
    #[error("{} ({})", .0.detail, .0.code)]
    Problem(Box<Problem>),
    /// The platform could not be reached or the connection broke.
    #[error("network: {0}")]
    Network(#[from] reqwest::Error),
    /// The answer was not what the contract says.
    #[error("unexpected answer from the platform (HTTP {status}): {message}")]
    Unexpected {
        /// HTTP status.
        status: u16,
        /// What was wrong.
        message: String,
    },
}

impl ClientError {
    /// The problem document, when the platform sent one.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ClientError::Problem(p) => Some(p),
            _ => None,
        }
    }

    /// True when retrying later may succeed (network trouble or a 5xx).
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Network(_) => true,
            ClientError::Problem(p) => p.status >= 500,
            ClientError::Unexpected { status, .. } => *status >= 500,
        }
    }
}

/// A server-sent event from `GET /api/v1/events`.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerEvent {
    /// First message of a fresh subscription: the newest event id at connect time.
    Hello {
        /// Resume after this id.
        last_event_id: i64,
    },
    /// An order changed.
    Order(OrderEvent),
    /// A real-name verification changed.
    Realname(RealnameEvent),
}

/// The live event stream.
pub type EventStream = Pin<Box<dyn Stream<Item = Result<ServerEvent, ClientError>> + Send>>;

/// The header of a printed document that names the characters no font could draw.
pub const UNPRINTABLE_HEADER: &str = "unprintable-characters";

/// The header of `GET /orders/counts` that names the newest event the counts include.
pub const COUNTS_EVENT_HEADER: &str = "last-event-id";

/// The per-status counts, and the newest event they include: apply the later events'
/// [`OrderEvent::count_move`] to keep them exact.
#[derive(Debug, Clone, PartialEq)]
pub struct Counts {
    /// Every status with its count.
    pub counts: Vec<StatusCount>,
    /// The newest event included (`None` from a platform that does not say).
    pub as_of: Option<i64>,
}

/// A printed document from the platform.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfFile {
    /// The PDF.
    pub bytes: Vec<u8>,
    /// Characters no font had: on paper they are their code points (`[U+2A6A5]`), to be
    /// written in by hand.
    pub unprintable: Vec<char>,
}

/// An attachment's preview.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    /// The picture: PNG or JPEG.
    pub bytes: Vec<u8>,
    /// The pages of the file (`x-page-count`): a PDF's, 1 for an image.
    pub pages: usize,
}

/// `U+2A6A5 U+2B81D` → the characters; anything else is skipped.
fn parse_code_points(text: &str) -> Vec<char> {
    text.split_whitespace()
        .filter_map(|code| code.strip_prefix("U+"))
        .filter_map(|hex| u32::from_str_radix(hex, 16).ok())
        .filter_map(char::from_u32)
        .collect()
}

/// A client of one platform, authenticated as one operator.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    /// Shared by every clone: a token replaced ([`Client::set_token`]) is sent by all.
    token: std::sync::Arc<std::sync::RwLock<String>>,
    lang: Lang,
}

/// Installs the process-wide TLS crypto provider; safe to call more than once.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// How long an ordinary request may take (uploads take longer).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(12);

impl Client {
    /// A client for the platform at `base_url` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base_url: &str, token: &str, lang: Lang) -> Result<Client, ClientError> {
        install_tls_provider();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .build()?;
        Ok(Client::with_http(http, base_url, token, lang))
    }

    /// A client that sends through `http`, sharing its connections (and the root
    /// certificates it read once) with every other client made from it: one pool for the
    /// operators of one process. Requests still carry this client's own token.
    pub fn with_http(http: reqwest::Client, base_url: &str, token: &str, lang: Lang) -> Client {
        Client {
            http,
            base: base_url.trim_end_matches('/').to_owned(),
            token: std::sync::Arc::new(std::sync::RwLock::new(token.to_owned())),
            lang,
        }
    }

    /// The platform's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The operator's token, as sent.
    pub fn token(&self) -> String {
        self.token.read().map(|t| t.clone()).unwrap_or_default()
    }

    /// A client of the same platform, sharing its connections, with `token` of its own.
    pub fn with_token(&self, token: &str) -> Client {
        Client::with_http(self.http.clone(), &self.base, token, self.lang)
    }

    /// Sends `token` from now on, from this client and every clone of it (a token the
    /// administrator replaced, written to the token file).
    pub fn set_token(&self, token: &str) {
        if let Ok(mut held) = self.token.write() {
            token.clone_into(&mut held);
        }
    }

    /// Changes the language of the platform's messages.
    pub fn set_lang(&mut self, lang: Lang) {
        self.lang = lang;
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{API_PREFIX}{path}", self.base))
            .bearer_auth(self.token())
            .header(header::ACCEPT_LANGUAGE, self.lang.tag())
            // A platform that takes this long is not answering (a hung instance, a stalled
            // proxy): the screen says so rather than show "loading…" for half a minute.
            .timeout(REQUEST_TIMEOUT)
    }

    async fn send<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, ClientError> {
        let response = request.send().await?;
        let status = response.status();
        let bytes = response.bytes().await?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| ClientError::Unexpected {
                status: status.as_u16(),
                message: e.to_string(),
            });
        }
        Err(problem_of(status, &bytes))
    }

    /// `GET /health`
    pub async fn health(&self) -> Result<Health, ClientError> {
        self.send(self.request(Method::GET, "/health")).await
    }

    /// `GET /me`
    pub async fn me(&self) -> Result<Me, ClientError> {
        self.send(self.request(Method::GET, "/me")).await
    }

    /// `GET /projects?q=`
    pub async fn projects(&self, query: &str) -> Result<Vec<Project>, ClientError> {
        self.send(
            self.request(Method::GET, "/projects")
                .query(&[("q", query)]),
        )
        .await
    }

    /// `GET /transitions`: the transition table.
    pub async fn transitions(&self) -> Result<Vec<TransitionInfo>, ClientError> {
        self.send(self.request(Method::GET, "/transitions")).await
    }

    /// `GET /terms`
    pub async fn terms(&self) -> Result<Terms, ClientError> {
        self.send(self.request(Method::GET, "/terms")).await
    }

    /// `POST /application-forms`: the PDF of the form as typed so far.
    pub async fn application_form(&self, order: &NewOrder) -> Result<PdfFile, ClientError> {
        self.pdf(self.request(Method::POST, "/application-forms").json(order))
            .await
    }

    /// `GET /review-queue`: orders waiting for review, oldest payment first.
    pub async fn review_queue(&self) -> Result<ReviewQueue, ClientError> {
        self.send(self.request(Method::GET, "/review-queue")).await
    }

    /// `POST /orders/{order_no}/claim`: claims the order for review, or renews the claim.
    pub async fn claim(&self, order_no: &str, takeover: bool) -> Result<Claim, ClientError> {
        self.send(
            self.request(Method::POST, &format!("/orders/{order_no}/claim"))
                .json(&ClaimRequest { takeover }),
        )
        .await
    }

    /// `POST /customers/{id}/login-code`: texts the customer a fresh login code for their
    /// own platform (the answer never holds the code).
    pub async fn send_login_code(&self, customer_id: &str) -> Result<Reminder, ClientError> {
        self.send(self.request(
            Method::POST,
            &format!("/customers/{customer_id}/login-code"),
        ))
        .await
    }

    /// `GET /customers/{id}/online`: where the customer stands on their own platform.
    pub async fn customer_online(
        &self,
        customer_id: &str,
    ) -> Result<crate::api::CustomerOnline, ClientError> {
        self.send(self.request(Method::GET, &format!("/customers/{customer_id}/online")))
            .await
    }

    /// `POST /orders/{order_no}/payment-link`: texts the customer the link to pay.
    pub async fn send_payment_link(&self, order_no: &str) -> Result<Reminder, ClientError> {
        self.send(self.request(Method::POST, &format!("/orders/{order_no}/payment-link")))
            .await
    }

    /// `GET /sms`: messages sent to customers, newest first (administrators).
    pub async fn sms_messages(&self) -> Result<Vec<SmsMessage>, ClientError> {
        self.send(self.request(Method::GET, "/sms")).await
    }

    /// `GET /sms?status=`: the messages in one status (`failed`, `unknown`, …).
    pub async fn sms_messages_in(&self, status: &str) -> Result<Vec<SmsMessage>, ClientError> {
        self.send(
            self.request(Method::GET, "/sms")
                .query(&[("status", status)]),
        )
        .await
    }

    /// `GET /mailing`: orders waiting to be mailed, with the carriers on offer.
    pub async fn mailing_queue(&self) -> Result<MailingQueue, ClientError> {
        self.send(self.request(Method::GET, "/mailing")).await
    }

    /// `POST /documents/mailing-labels`: the mailing list and labels for these orders.
    pub async fn mailing_labels(&self, order_nos: &[String]) -> Result<PdfFile, ClientError> {
        self.pdf(
            self.request(Method::POST, "/documents/mailing-labels")
                .json(&LabelsRequest {
                    order_nos: order_nos.to_vec(),
                }),
        )
        .await
    }

    /// `GET /orders/{order_no}/tracking`: where the parcel is.
    pub async fn tracking(&self, order_no: &str) -> Result<Tracking, ClientError> {
        self.send(self.request(Method::GET, &format!("/orders/{order_no}/tracking")))
            .await
    }

    /// `POST /orders/{order_no}/tracking`: an event typed by staff.
    pub async fn add_tracking_step(
        &self,
        order_no: &str,
        step: &NewTrackingStep,
    ) -> Result<Tracking, ClientError> {
        self.send(
            self.request(Method::POST, &format!("/orders/{order_no}/tracking"))
                .json(step),
        )
        .await
    }

    /// `GET /invoicing`: orders waiting for their invoice.
    pub async fn invoicing_queue(&self) -> Result<InvoicingQueue, ClientError> {
        self.send(self.request(Method::GET, "/invoicing")).await
    }

    /// `PUT /orders/{order_no}/invoice-request`: keeps the customer's invoice request.
    pub async fn save_invoice_request(
        &self,
        order_no: &str,
        request: &crate::domain::InvoiceRequestInput,
    ) -> Result<InvoiceRequestSaved, ClientError> {
        self.send(
            self.request(Method::PUT, &format!("/orders/{order_no}/invoice-request"))
                .json(request),
        )
        .await
    }

    /// `POST /orders/{order_no}/invoice`: issues the invoice and completes the order.
    pub async fn issue_invoice(
        &self,
        order_no: &str,
        body: &IssueInvoice,
    ) -> Result<Order, ClientError> {
        self.send(
            self.request(Method::POST, &format!("/orders/{order_no}/invoice"))
                .json(body),
        )
        .await
    }

    /// `GET /mail`: e-mails sent to customers, newest first (administrators).
    pub async fn mail_messages(&self) -> Result<Vec<MailMessage>, ClientError> {
        self.send(self.request(Method::GET, "/mail")).await
    }

    /// `GET /orders/{order_no}/correction-notice`: the one-time correction notice.
    pub async fn correction_notice(&self, order_no: &str) -> Result<PdfFile, ClientError> {
        self.pdf(self.request(
            Method::GET,
            &format!("/orders/{order_no}/correction-notice"),
        ))
        .await
    }

    /// `DELETE /orders/{order_no}/claim`: gives the claim up.
    pub async fn release(&self, order_no: &str) -> Result<(), ClientError> {
        let response = self
            .request(Method::DELETE, &format!("/orders/{order_no}/claim"))
            .send()
            .await?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let bytes = response.bytes().await?;
        Err(problem_of(status, &bytes))
    }

    /// `GET /bank-account`
    pub async fn bank_account(&self) -> Result<BankAccount, ClientError> {
        self.send(self.request(Method::GET, "/bank-account")).await
    }

    /// `GET /orders/{order_no}/transfer-slip`: the bank-transfer slip.
    pub async fn transfer_slip(&self, order_no: &str) -> Result<PdfFile, ClientError> {
        self.pdf(self.request(Method::GET, &format!("/orders/{order_no}/transfer-slip")))
            .await
    }

    /// `GET /orders/{order_no}/application-form`: the order's application form as it
    /// stands, to print again and sign.
    pub async fn order_application_form(&self, order_no: &str) -> Result<PdfFile, ClientError> {
        self.pdf(self.request(Method::GET, &format!("/orders/{order_no}/application-form")))
            .await
    }

    /// `GET /orders/{order_no}/receipt`: the acceptance receipt.
    pub async fn receipt(&self, order_no: &str) -> Result<PdfFile, ClientError> {
        self.pdf(self.request(Method::GET, &format!("/orders/{order_no}/receipt")))
            .await
    }

    async fn pdf(&self, request: RequestBuilder) -> Result<PdfFile, ClientError> {
        let response = request.send().await?;
        let status = response.status();
        let unprintable = response
            .headers()
            .get(UNPRINTABLE_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(parse_code_points)
            .unwrap_or_default();
        let bytes = response.bytes().await?;
        if status.is_success() && bytes.starts_with(b"%PDF-") {
            Ok(PdfFile {
                bytes: bytes.to_vec(),
                unprintable,
            })
        } else {
            Err(problem_of(status, &bytes))
        }
    }

    /// `POST /customers`
    pub async fn create_customer(&self, customer: &NewCustomer) -> Result<Customer, ClientError> {
        self.send(self.request(Method::POST, "/customers").json(customer))
            .await
    }

    /// `GET /customers?phone=`: the customer with this mobile number, if any.
    pub async fn find_customer(&self, phone: &str) -> Result<Option<Customer>, ClientError> {
        let found: Vec<Customer> = self
            .send(
                self.request(Method::GET, "/customers")
                    .query(&[("phone", phone)]),
            )
            .await?;
        Ok(found.into_iter().next())
    }

    /// `GET /sign-ins?phone=`: how the number's sign-in to the customer's pages stands.
    pub async fn sign_in_standing(&self, phone: &str) -> Result<SignInStanding, ClientError> {
        self.send(
            self.request(Method::GET, "/sign-ins")
                .query(&[("phone", phone)]),
        )
        .await
    }

    /// `GET /customers/{id}/identity`: a verified customer's name and ID number.
    pub async fn customer_identity(&self, id: &str) -> Result<VerifiedIdentity, ClientError> {
        self.send(self.request(Method::GET, &format!("/customers/{id}/identity")))
            .await
    }

    /// `POST /orders` with an idempotency key: retrying with the same key never makes a
    /// second order.
    pub async fn create_order(
        &self,
        idempotency_key: &str,
        order: &NewOrder,
    ) -> Result<Order, ClientError> {
        self.send(
            self.request(Method::POST, "/orders")
                .header("Idempotency-Key", idempotency_key)
                .json(order),
        )
        .await
    }

    /// `GET /orders/{order_no}`; `reveal` asks for personal data in full (audited).
    pub async fn order(&self, order_no: &str, reveal: bool) -> Result<Order, ClientError> {
        let mut request = self.request(Method::GET, &format!("/orders/{order_no}"));
        if reveal {
            request = request.query(&[("reveal", "true")]);
        }
        self.send(request).await
    }

    /// `GET /orders?…`
    pub async fn orders(&self, query: &OrderQuery) -> Result<OrderPage, ClientError> {
        self.send(self.request(Method::GET, "/orders").query(query))
            .await
    }

    /// `GET /orders/counts`
    pub async fn order_counts(&self) -> Result<Vec<StatusCount>, ClientError> {
        self.counts().await.map(|counts| counts.counts)
    }

    /// `GET /orders/counts`, with the newest event the counts include.
    pub async fn counts(&self) -> Result<Counts, ClientError> {
        let response = self.request(Method::GET, "/orders/counts").send().await?;
        let status = response.status();
        let as_of = response
            .headers()
            .get(COUNTS_EVENT_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<i64>().ok());
        let bytes = response.bytes().await?;
        if !status.is_success() {
            return Err(problem_of(status, &bytes));
        }
        let counts = serde_json::from_slice(&bytes).map_err(|e| ClientError::Unexpected {
            status: status.as_u16(),
            message: e.to_string(),
        })?;
        Ok(Counts { counts, as_of })
    }

    /// `POST /orders/{order_no}/actions/{action}`
    pub async fn act(
        &self,
        order_no: &str,
        action: crate::domain::Action,
        body: &ActionRequest,
    ) -> Result<Order, ClientError> {
        self.send(
            self.request(
                Method::POST,
                &format!("/orders/{order_no}/actions/{action}"),
            )
            .json(body),
        )
        .await
    }

    /// `GET /orders/{order_no}/history`
    pub async fn history(&self, order_no: &str) -> Result<Vec<HistoryEntry>, ClientError> {
        self.send(self.request(Method::GET, &format!("/orders/{order_no}/history")))
            .await
    }

    /// `PATCH /orders/{order_no}`: corrects the order's mailing address or a returned
    /// organisation's details.
    pub async fn update_order(
        &self,
        order_no: &str,
        update: &OrderUpdate,
    ) -> Result<Order, ClientError> {
        self.send(
            self.request(Method::PATCH, &format!("/orders/{order_no}"))
                .json(update),
        )
        .await
    }

    /// `POST /orders/{order_no}/notes`
    pub async fn add_note(&self, order_no: &str, text: &str) -> Result<HistoryEntry, ClientError> {
        self.send(
            self.request(Method::POST, &format!("/orders/{order_no}/notes"))
                .json(&NewNote {
                    text: text.to_owned(),
                }),
        )
        .await
    }

    /// `POST /orders/{order_no}/attachments` (multipart).
    pub async fn upload_attachment(
        &self,
        order_no: &str,
        kind: AttachmentKind,
        filename: &str,
        bytes: Vec<u8>,
    ) -> Result<Attachment, ClientError> {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(filename.to_owned());
        let form = reqwest::multipart::Form::new()
            .text("kind", kind.as_str())
            .part("file", part);
        self.send(
            self.request(Method::POST, &format!("/orders/{order_no}/attachments"))
                .timeout(Duration::from_secs(300))
                .multipart(form),
        )
        .await
    }

    /// `GET /attachments/{id}/preview`: an image attachment, or a page of a scanned PDF
    /// (from 1), scaled to fit.
    pub async fn attachment_preview(
        &self,
        id: &str,
        page: usize,
        width: u32,
        height: u32,
    ) -> Result<Preview, ClientError> {
        let response = self
            .request(Method::GET, &format!("/attachments/{id}/preview"))
            .query(&[
                ("width", width as usize),
                ("height", height as usize),
                ("page", page),
            ])
            .send()
            .await?;
        let status = response.status();
        let pages = response
            .headers()
            .get("x-page-count")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        let bytes = response.bytes().await?;
        if status.is_success() {
            Ok(Preview {
                bytes: bytes.to_vec(),
                pages,
            })
        } else {
            Err(problem_of(status, &bytes))
        }
    }

    /// `GET /attachments/{id}`: the bytes and their content type.
    pub async fn attachment(&self, id: &str) -> Result<(String, Vec<u8>), ClientError> {
        let response = self
            .request(Method::GET, &format!("/attachments/{id}"))
            .send()
            .await?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_owned();
        let bytes = response.bytes().await?;
        if !status.is_success() {
            return Err(problem_of(status, &bytes));
        }
        Ok((content_type, bytes.to_vec()))
    }

    /// `POST /realname-sessions`: a fresh real-name code for the customer.
    pub async fn create_realname_session(
        &self,
        customer_id: &str,
    ) -> Result<RealnameSession, ClientError> {
        let body = NewRealnameSession {
            customer_id: customer_id.to_owned(),
        };
        self.send(self.request(Method::POST, "/realname-sessions").json(&body))
            .await
    }

    /// `GET /realname-sessions/{id}`
    pub async fn realname_session(&self, id: &str) -> Result<RealnameSession, ClientError> {
        self.send(self.request(Method::GET, &format!("/realname-sessions/{id}")))
            .await
    }

    /// `PATCH /customers/{id}`: correct an unverified customer's name.
    pub async fn rename_customer(&self, id: &str, name: &str) -> Result<Customer, ClientError> {
        let body = CustomerUpdate {
            name: name.to_owned(),
        };
        self.send(
            self.request(Method::PATCH, &format!("/customers/{id}"))
                .json(&body),
        )
        .await
    }

    /// `POST /orders/{order_no}/payments`
    pub async fn create_payment(
        &self,
        order_no: &str,
        method: &str,
    ) -> Result<Payment, ClientError> {
        self.send(
            self.request(Method::POST, &format!("/orders/{order_no}/payments"))
                .json(&NewPayment {
                    method: method.to_owned(),
                }),
        )
        .await
    }

    /// `GET /events`, resuming after `last_event_id` when given.
    pub async fn events(&self, last_event_id: Option<i64>) -> Result<EventStream, ClientError> {
        self.events_within(last_event_id, Duration::from_secs(45))
            .await
    }

    /// The live stream, ended with an error when nothing (not even a keep-alive) arrives
    /// for `quiet`: a stalled link shows at once instead of looking connected.
    pub async fn events_within(
        &self,
        last_event_id: Option<i64>,
        quiet: Duration,
    ) -> Result<EventStream, ClientError> {
        let mut request = self
            .http
            .get(format!("{}{API_PREFIX}/events", self.base))
            .bearer_auth(self.token())
            .header(header::ACCEPT, "text/event-stream");
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        let response = request.send().await?;
        let status = response.status();
        if !status.is_success() {
            let bytes = response.bytes().await?;
            return Err(problem_of(status, &bytes));
        }
        // The platform sends keep-alives: silence longer than `quiet` is a dead or
        // stalled link (a laptop slept, a NAT forgot us, the platform froze), so end the
        // stream and let the caller reconnect.
        let bytes =
            tokio_stream::StreamExt::timeout(response.bytes_stream(), quiet).map(move |item| {
                match item {
                    Ok(Ok(bytes)) => Ok(bytes),
                    Ok(Err(e)) => Err(std::io::Error::other(e)),
                    Err(_) => Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!("no data for {} ms", quiet.as_millis()),
                    )),
                }
            });
        let stream = bytes.eventsource().filter_map(|item| async move {
            match item {
                Err(e) => Some(Err(ClientError::Unexpected {
                    status: 200,
                    message: e.to_string(),
                })),
                Ok(message) => parse_server_event(&message.event, &message.data).map(Ok),
            }
        });
        Ok(Box::pin(stream))
    }
}

/// Filters of `GET /orders`.
#[derive(
    Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, utoipa::IntoParams,
)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OrderQuery {
    /// Comma-separated statuses, e.g. `pending_review,rejected`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(value_type = super::schemas::StatusesParam, inline)]
    pub status: Option<String>,
    /// Project id (of the catalog, on sale or not: an unknown one is 422).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(value_type = super::schemas::IdParam, inline)]
    pub project: Option<String>,
    /// `counter` or `online`: only orders that came this way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(pattern = "^(counter|online)$")]
    pub channel: Option<String>,
    /// Order number (or its tail, or `HN` and its start), mobile (or its last 4–10
    /// digits), exact ID number, the 20 digits of its invoice, the tracking number of its
    /// parcel, or part of a name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(value_type = super::schemas::SearchParam, inline)]
    pub q: Option<String>,
    /// Created on or after this day (YYYY-MM-DD): a calendar day in China time (UTC+8),
    /// from its 00:00 — `created_at` is given in UTC, so an order created at
    /// `2026-12-07T18:26Z` is one of 2026-12-08's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(value_type = super::schemas::DateParam, inline)]
    pub from: Option<String>,
    /// Created on or before this day (YYYY-MM-DD, China time as `from`), the whole day
    /// included; not before `from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(value_type = super::schemas::DateParam, inline)]
    pub to: Option<String>,
    /// `newest` (default) or `oldest`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(pattern = "^(newest|oldest)$")]
    pub sort: Option<String>,
    /// From `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(value_type = super::schemas::OrderNoParam, inline)]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

fn parse_server_event(event: &str, data: &str) -> Option<ServerEvent> {
    match event {
        "hello" => {
            let value: serde_json::Value = serde_json::from_str(data).ok()?;
            Some(ServerEvent::Hello {
                last_event_id: value.get("last_event_id")?.as_i64()?,
            })
        }
        "order" => serde_json::from_str(data).ok().map(ServerEvent::Order),
        "realname" => serde_json::from_str(data).ok().map(ServerEvent::Realname),
        _ => None,
    }
}

fn problem_of(status: StatusCode, bytes: &[u8]) -> ClientError {
    match serde_json::from_slice::<Problem>(bytes) {
        Ok(problem) => ClientError::Problem(Box::new(problem)),
        Err(_) => ClientError::Unexpected {
            status: status.as_u16(),
            message: String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned(),
        },
    }
}

/// A phone page opened as the customer's browser opens it: its HTML, and the form token
/// and cookie its forms must be posted back with. For the demo data and the tests that
/// play the customer's phone.
#[derive(Debug, Clone)]
pub struct PhonePage {
    /// Where it was opened.
    pub url: String,
    /// The status it answered with.
    pub status: u16,
    /// The page.
    pub html: String,
    cookie: Option<String>,
    token: String,
}

impl PhonePage {
    /// `GET url`.
    pub async fn open(http: &reqwest::Client, url: &str) -> Result<PhonePage, reqwest::Error> {
        let page = http.get(url).send().await?;
        let status = page.status().as_u16();
        let cookie = page
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .find(|pair| pair.starts_with(&format!("{}=", super::PHONE_FORM_COOKIE)))
            .map(str::to_owned);
        let html = page.text().await?;
        let marker = format!("name=\"{}\" value=\"", super::PHONE_FORM_FIELD);
        let token = html
            .split_once(&marker)
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(token, _)| token.to_owned())
            .unwrap_or_default();
        Ok(PhonePage {
            url: url.to_owned(),
            status,
            html,
            cookie,
            token,
        })
    }

    /// Posts the page's form with `fields` (and the form token, as the browser would).
    pub async fn submit(
        &self,
        http: &reqwest::Client,
        fields: &[(&str, &str)],
    ) -> Result<reqwest::Response, reqwest::Error> {
        self.submit_with(http, fields, &[]).await
    }

    /// [`PhonePage::submit`] with `headers` besides (an `Origin`, say).
    pub async fn submit_with(
        &self,
        http: &reqwest::Client,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Result<reqwest::Response, reqwest::Error> {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push((super::PHONE_FORM_FIELD, &self.token));
        let mut request = http.post(&self.url).form(&form);
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await
    }
}

/// Opens a phone page and submits its form with `fields` (see [`PhonePage`]).
pub async fn submit_phone_form(
    http: &reqwest::Client,
    url: &str,
    fields: &[(&str, &str)],
) -> Result<reqwest::Response, reqwest::Error> {
    PhonePage::open(http, url).await?.submit(http, fields).await
}
