//! Invoices e-mailed through a real SMTP conversation. A small stand-in mail server on a
//! local port speaks enough RFC 5321 for lettre (EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT,
//! DATA, RSET, NOOP, QUIT) and keeps what it is told. The invoice reaches the buyer with
//! its PDF; a server that refuses, or is gone, does not stop the invoice and the failure is
//! recorded — refused for good (5xx) it stays failed, gone or "later" (4xx) the platform
//! sends it again at its next try; a misspelt `security` stops the platform at start.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::common::{Db, TestApp, TestDb};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ca_counter::api::{ActionRequest, IssueInvoice, Order};
use ca_counter::config::{InvoiceConfig, PlatformConfig, SmtpConfig};
use ca_counter::domain::{Action, InvoiceRequestInput, OrderStatus};
use ca_counter::server::Platform;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

const SENDER: &str = "invoice@ca.example.cn";

/// How the stand-in treats its clients.
#[derive(Default)]
struct Rules {
    /// The login it insists on before `MAIL FROM`, if any.
    login: Option<(String, String)>,
    /// Recipients answered `550`.
    refused: Vec<String>,
    /// Recipients answered `451` ("try again later", as greylisting does).
    greylisted: Vec<String>,
}

/// One accepted message: the envelope and the data as sent, dot-stuffing undone.
#[derive(Debug, Clone)]
struct Received {
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
}

/// What the stand-in has been told.
#[derive(Debug, Default)]
struct Seen {
    /// Every `AUTH` attempt: mechanism, user, password.
    logins: Vec<(String, String, String)>,
    /// How often a client asked for `STARTTLS` (advertised, as real servers do, but
    /// unavailable here).
    starttls: usize,
    messages: Vec<Received>,
}

/// A mail server on 127.0.0.1, stopped (listener and open connections) by `stop` or drop.
struct SmtpStandIn {
    addr: SocketAddr,
    seen: Arc<Mutex<Seen>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpStandIn {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl SmtpStandIn {
    async fn start(rules: Rules) -> SmtpStandIn {
        SmtpStandIn::start_on("127.0.0.1:0".parse().expect("address"), rules).await
    }

    /// On `addr`: a server back where it was.
    async fn start_on(addr: SocketAddr, rules: Rules) -> SmtpStandIn {
        let listener = TcpListener::bind(addr).await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let seen = Arc::new(Mutex::new(Seen::default()));
        let rules = Arc::new(rules);
        let server = tokio::spawn({
            let seen = seen.clone();
            async move {
                // Owned here, so stopping the server also closes the conversations.
                let mut conversations = tokio::task::JoinSet::new();
                while let Ok((stream, _)) = listener.accept().await {
                    conversations.spawn(converse(stream, rules.clone(), seen.clone()));
                }
            }
        });
        SmtpStandIn { addr, seen, server }
    }

    fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().expect("stand-in state")
    }

    /// Stops listening and hangs up on every client.
    async fn stop(&self) {
        self.server.abort();
        while !self.server.is_finished() {
            tokio::task::yield_now().await;
        }
    }
}

/// One client's session.
async fn converse(
    stream: TcpStream,
    rules: Arc<Rules>,
    seen: Arc<Mutex<Seen>>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    write.write_all(b"220 mx.test ESMTP stand-in\r\n").await?;
    let mut authenticated = rules.login.is_none();
    let mut from: Option<String> = None;
    let mut to: Vec<String> = Vec::new();
    while let Some(line) = command_line(&mut read).await? {
        let (verb, rest) = line.split_once(' ').unwrap_or((line.as_str(), ""));
        let reply = match verb.to_ascii_uppercase().as_str() {
            "EHLO" => "250-mx.test greets you\r\n250-SIZE 10485760\r\n250-8BITMIME\r\n\
                       250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250 HELP"
                .to_owned(),
            "HELO" => "250 mx.test".to_owned(),
            "STARTTLS" => {
                seen.lock().expect("stand-in state").starttls += 1;
                "454 4.7.0 TLS not available".to_owned()
            }
            "AUTH" => {
                let Some((mechanism, user, password)) =
                    credentials(rest, &mut read, &mut write).await?
                else {
                    write.write_all(b"501 5.5.2 cannot decode\r\n").await?;
                    continue;
                };
                let good = rules
                    .login
                    .as_ref()
                    .is_some_and(|(u, p)| *u == user && *p == password);
                seen.lock()
                    .expect("stand-in state")
                    .logins
                    .push((mechanism, user, password));
                if good {
                    authenticated = true;
                    "235 2.7.0 Authentication successful".to_owned()
                } else {
                    "535 5.7.8 Authentication credentials invalid".to_owned()
                }
            }
            "MAIL" if !authenticated => "530 5.7.0 Authentication required".to_owned(),
            "MAIL" => match address(rest, "FROM:") {
                Some(sender) => {
                    from = Some(sender);
                    to.clear();
                    "250 2.1.0 OK".to_owned()
                }
                None => "501 5.5.4 syntax: MAIL FROM:<address>".to_owned(),
            },
            "RCPT" if from.is_none() => "503 5.5.1 MAIL first".to_owned(),
            "RCPT" => match address(rest, "TO:") {
                Some(rcpt) if rules.refused.contains(&rcpt) => {
                    format!("550 5.1.1 <{rcpt}>: mailbox unavailable")
                }
                Some(rcpt) if rules.greylisted.contains(&rcpt) => {
                    format!("451 4.7.1 <{rcpt}>: greylisted, try again later")
                }
                Some(rcpt) => {
                    to.push(rcpt);
                    "250 2.1.5 OK".to_owned()
                }
                None => "501 5.5.4 syntax: RCPT TO:<address>".to_owned(),
            },
            "DATA" if to.is_empty() => "503 5.5.1 RCPT first".to_owned(),
            "DATA" => {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let Some(data) = message_data(&mut read).await? else {
                    return Ok(());
                };
                let mut seen = seen.lock().expect("stand-in state");
                seen.messages.push(Received {
                    from: from.take().unwrap_or_default(),
                    to: std::mem::take(&mut to),
                    data,
                });
                format!("250 2.0.0 OK queued as {}", seen.messages.len())
            }
            "RSET" => {
                from = None;
                to.clear();
                "250 2.0.0 OK".to_owned()
            }
            "NOOP" => "250 2.0.0 OK".to_owned(),
            "QUIT" => {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => "502 5.5.2 Command not recognised".to_owned(),
        };
        write.write_all(format!("{reply}\r\n").as_bytes()).await?;
    }
    Ok(())
}

/// The next command line without its CRLF; `None` when the client hung up.
async fn command_line(
    read: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
) -> std::io::Result<Option<String>> {
    let mut line = Vec::new();
    if read.read_until(b'\n', &mut line).await? == 0 {
        return Ok(None);
    }
    let text = String::from_utf8_lossy(&line);
    Ok(Some(text.trim_end_matches(['\r', '\n']).to_owned()))
}

/// The address in `FROM:<a@b> SIZE=…` (after `prefix`).
fn address(rest: &str, prefix: &str) -> Option<String> {
    let rest = rest.trim_start();
    if !rest.to_ascii_uppercase().starts_with(prefix) {
        return None;
    }
    let rest = &rest[prefix.len()..];
    let start = rest.find('<')?;
    let end = rest[start..].find('>')? + start;
    Some(rest[start + 1..end].to_owned())
}

/// The message after `DATA`, up to the lone dot, with leading dots un-stuffed
/// (RFC 5321 §4.5.2); `None` when the client hung up first.
async fn message_data(
    read: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
) -> std::io::Result<Option<Vec<u8>>> {
    let mut data = Vec::new();
    loop {
        let mut line = Vec::new();
        if read.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        if line == b".\r\n" {
            return Ok(Some(data));
        }
        let line = line.strip_prefix(b".").unwrap_or(&line);
        data.extend_from_slice(line);
    }
}

/// The mechanism, user and password of an `AUTH` exchange (RFC 4954 with PLAIN or LOGIN),
/// asking for what the client did not send at once; `None` if it cannot be decoded.
async fn credentials(
    rest: &str,
    read: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    write: &mut tokio::net::tcp::OwnedWriteHalf,
) -> std::io::Result<Option<(String, String, String)>> {
    let (mechanism, initial) = rest.split_once(' ').unwrap_or((rest, ""));
    let mechanism = mechanism.to_ascii_uppercase();
    let decode = |text: &str| {
        STANDARD
            .decode(text.trim())
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
    };
    let mut ask = async |prompt: &[u8], given: &str| -> std::io::Result<Option<String>> {
        if !given.is_empty() {
            return Ok(decode(given));
        }
        write.write_all(prompt).await?;
        Ok(command_line(read).await?.and_then(|line| decode(&line)))
    };
    let found = match mechanism.as_str() {
        "PLAIN" => ask(b"334 \r\n", initial).await?.and_then(|plain| {
            let mut fields = plain.split('\0');
            let _authorization = fields.next()?;
            Some((fields.next()?.to_owned(), fields.next()?.to_owned()))
        }),
        "LOGIN" => {
            let user = ask(b"334 VXNlcm5hbWU6\r\n", initial).await?;
            let password = ask(b"334 UGFzc3dvcmQ6\r\n", "").await?;
            user.zip(password)
        }
        _ => None,
    };
    Ok(found.map(|(user, password)| (mechanism, user, password)))
}

/// A MIME entity: unfolded headers and the raw body.
struct Part {
    headers: Vec<(String, String)>,
    body: String,
}

impl Part {
    fn parse(raw: &str) -> Part {
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                if let Some((_, value)) = headers.last_mut() {
                    value.push_str(line);
                }
            } else if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
        }
        Part {
            headers,
            body: body.to_owned(),
        }
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }

    /// A header with its RFC 2047 encoded words decoded.
    fn text_header(&self, name: &str) -> String {
        decode_words(self.header(name))
    }

    /// The parts of a multipart entity.
    fn parts(&self) -> Vec<Part> {
        let boundary = parameter(self.header("content-type"), "boundary")
            .unwrap_or_else(|| panic!("no boundary in {:?}", self.header("content-type")));
        let delimiter = format!("--{boundary}");
        self.body
            .split(&delimiter)
            .skip(1)
            .take_while(|part| !part.starts_with("--"))
            .map(|part| Part::parse(part.trim_start_matches("\r\n")))
            .collect()
    }

    /// The body with its transfer encoding undone.
    fn decoded(&self) -> Vec<u8> {
        match self
            .header("content-transfer-encoding")
            .to_ascii_lowercase()
            .as_str()
        {
            "base64" => {
                let compact: String = self.body.split_whitespace().collect();
                STANDARD.decode(compact).expect("base64 body")
            }
            "quoted-printable" => quoted_printable(&self.body),
            _ => self.body.clone().into_bytes(),
        }
    }
}

/// `name`'s value in a header like `multipart/mixed; boundary="x"`.
fn parameter(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|param| {
        let (key, value) = param.trim().split_once('=')?;
        key.eq_ignore_ascii_case(name)
            .then(|| value.trim_matches('"').to_owned())
    })
}

/// Decodes quoted-printable (RFC 2045 §6.7), soft line breaks included.
fn quoted_printable(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if bytes[i + 1..].starts_with(b"\r\n") => i += 3,
            b'=' => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
                out.push(u8::from_str_radix(hex, 16).expect("hex"));
                i += 3;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

/// Decodes `=?utf-8?b?…?=` and `=?utf-8?q?…?=` words (RFC 2047); whitespace between two
/// encoded words is dropped, as the RFC says.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut last_encoded = false;
    for (n, token) in value.split_whitespace().enumerate() {
        let word = token
            .strip_prefix("=?")
            .and_then(|t| t.strip_suffix("?="))
            .and_then(|t| {
                let mut fields = t.splitn(3, '?');
                Some((fields.next()?, fields.next()?, fields.next()?))
            });
        match word {
            Some((_charset, encoding, text)) => {
                let bytes = if encoding.eq_ignore_ascii_case("b") {
                    STANDARD.decode(text).expect("base64 word")
                } else {
                    quoted_printable(&text.replace('_', " "))
                };
                if n > 0 && !last_encoded {
                    out.push(' ');
                }
                out.push_str(&String::from_utf8(bytes).expect("utf-8 word"));
                last_encoded = true;
            }
            None => {
                if n > 0 {
                    out.push(' ');
                }
                out.push_str(token);
                last_encoded = false;
            }
        }
    }
    out
}

/// A platform that mails through the stand-in.
fn smtp_platform(
    stand_in: &SmtpStandIn,
    username: Option<&str>,
    password_file: Option<PathBuf>,
) -> PlatformConfig {
    PlatformConfig {
        invoice: InvoiceConfig {
            mail_provider: ca_counter::config::MailProvider::Smtp,
            smtp: Some(SmtpConfig {
                host: stand_in.addr.ip().to_string(),
                port: stand_in.addr.port(),
                security: "none".into(),
                username: username.map(str::to_owned),
                password_file,
                from: format!("湖南CA <{SENDER}>"),
            }),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// An order mailed to the customer and waiting for its invoice (待开票).
async fn shipped(app: &TestApp, name: &str, tracking_no: &str) -> Order {
    let order = app.submit(name).await;
    let order = app.pay(&order).await;
    let order = app
        .act(&app.reviewer, &order, Action::Approve, Default::default())
        .await;
    app.act(
        &app.mailroom,
        &order,
        Action::Ship,
        ActionRequest {
            carrier: Some("ems".into()),
            tracking_no: Some(tracking_no.into()),
            ..Default::default()
        },
    )
    .await
}

/// Finance issues a 普通发票 for a person, to be e-mailed to `email`.
async fn issue(app: &TestApp, order: &Order, buyer: &str, email: &str) -> Order {
    let finance = app.client(&app.finance);
    let current = finance.order(&order.order_no, false).await.expect("order");
    finance
        .issue_invoice(
            &order.order_no,
            &IssueInvoice {
                version: Some(current.version),
                request: Some(InvoiceRequestInput {
                    buyer_kind: Some("individual".into()),
                    invoice_kind: Some("normal".into()),
                    buyer_name: buyer.into(),
                    email: email.into(),
                    ..Default::default()
                }),
            },
        )
        .await
        .expect("issued")
}

/// The platform's record of the mail about `order_no`.
async fn mail_about(app: &TestApp, order_no: &str) -> ca_counter::api::MailMessage {
    let mail = app.client(&app.admin).mail_messages().await.expect("mail");
    let mut about: Vec<_> = mail
        .into_iter()
        .filter(|m| m.order_no.as_deref() == Some(order_no))
        .collect();
    assert_eq!(about.len(), 1, "one mail about {order_no}: {about:?}");
    about.remove(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_issued_invoice_reaches_the_buyer_by_smtp_with_its_pdf() {
    let server = SmtpStandIn::start(Rules {
        login: Some(("invoice-robot".into(), "绿茶 tea:42".into())),
        ..Default::default()
    })
    .await;
    let secrets = tempfile::tempdir().expect("temp dir");
    let password_file = secrets.path().join("smtp-password");
    // As an editor saves it: with a final newline, which is not part of the password.
    std::fs::write(&password_file, "绿茶 tea:42\n").expect("password file");
    let config = smtp_platform(&server, Some("invoice-robot"), Some(password_file));
    let app = TestApp::spawn_with(Db::Sqlite, config).await;

    let order = shipped(&app, "张三", "EA123456785CN").await;
    let done = issue(&app, &order, "张三", "buyer@example.com").await;
    assert_eq!(done.status, OrderStatus::Completed);
    let invoice = done.invoice.clone().expect("invoice");
    let pdf_id = invoice.attachment_id.clone().expect("the PDF");

    // The conversation: in the clear as configured, logged in with the file's password,
    // one message to the buyer.
    let received = {
        let seen = server.seen();
        assert_eq!(seen.starttls, 0, "security = \"none\" never asks for TLS");
        assert_eq!(
            seen.logins,
            [(
                "PLAIN".to_owned(),
                "invoice-robot".to_owned(),
                "绿茶 tea:42".to_owned()
            )]
        );
        assert_eq!(seen.messages.len(), 1, "{:?}", seen.messages);
        seen.messages[0].clone()
    };
    assert_eq!(received.from, SENDER);
    assert_eq!(received.to, ["buyer@example.com"]);

    // The message: headers, a text part and the PDF, byte for byte the stored one.
    let raw = String::from_utf8(received.data).expect("an ASCII/UTF-8 message");
    let message = Part::parse(&raw);
    let from = message.text_header("from");
    assert!(
        from.contains("湖南CA") && from.contains(&format!("<{SENDER}>")),
        "{from}"
    );
    assert_eq!(message.text_header("to"), "buyer@example.com");
    let message_id = message.header("message-id");
    assert!(
        message_id.starts_with('<') && message_id.ends_with("@ca.example.cn>"),
        "Message-ID {message_id:?}"
    );
    assert!(!message.header("date").is_empty(), "a Date header");
    let subject = message.text_header("subject");
    assert!(subject.contains(&invoice.invoice_no), "{subject}");
    assert!(subject.contains("电子发票"), "{subject}");
    assert!(
        message
            .header("content-type")
            .starts_with("multipart/mixed"),
        "{raw}"
    );
    let parts = message.parts();
    assert_eq!(parts.len(), 2, "{raw}");
    let text = parts
        .iter()
        .find(|p| p.header("content-type").starts_with("text/plain"))
        .expect("a text part");
    let text = String::from_utf8(text.decoded()).expect("utf-8 text");
    for expected in ["张三", order.order_no.as_str(), invoice.invoice_no.as_str()] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    let pdf = parts
        .iter()
        .find(|p| p.header("content-type").starts_with("application/pdf"))
        .expect("a PDF part");
    let disposition = pdf.header("content-disposition");
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(
        disposition.contains(&format!("{}.pdf", invoice.invoice_no)),
        "{disposition}"
    );
    let bytes = pdf.decoded();
    assert!(bytes.starts_with(b"%PDF"), "a PDF");
    let (_, stored) = app
        .client(&app.finance)
        .attachment(&pdf_id)
        .await
        .expect("pdf");
    assert_eq!(bytes, stored, "the attachment is the stored invoice");

    // The administrator's record.
    let mail = mail_about(&app, &order.order_no).await;
    assert_eq!(mail.provider, "smtp");
    assert_eq!(mail.status, "sent");
    assert_eq!(mail.detail, None);
    assert_eq!(mail.to, "buyer@example.com");
    assert_eq!(mail.attachment_id.as_deref(), Some(pdf_id.as_str()));
    assert!(mail.subject.contains(&invoice.invoice_no));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refusing_or_missing_mail_server_does_not_hold_up_the_invoice() {
    let server = SmtpStandIn::start(Rules {
        refused: vec!["nobody@example.com".into()],
        ..Default::default()
    })
    .await;
    let app = TestApp::spawn_with(Db::Sqlite, smtp_platform(&server, None, None)).await;

    // The server refuses the recipient for good (5xx): the invoice is out, the mail failed
    // with the reason.
    let order = shipped(&app, "张三", "EA123456785CN").await;
    let done = issue(&app, &order, "张三", "nobody@example.com").await;
    assert_eq!(done.status, OrderStatus::Completed);
    assert!(done.invoice.is_some());
    assert!(server.seen().messages.is_empty());
    let mail = mail_about(&app, &order.order_no).await;
    assert_eq!(mail.status, "failed");
    let detail = mail.detail.unwrap_or_default();
    assert!(
        detail.contains("550") && detail.contains("mailbox unavailable"),
        "{detail}"
    );

    // Refused for good: never tried again.
    assert_eq!(mail.attempts, 1);
    assert_eq!(mail.next_try_at, None);
    let refused = order;

    // The server is gone altogether: the invoice is out, its mail waits for the next try.
    server.stop().await;
    let order = shipped(&app, "李四", "1234567890123").await;
    let done = issue(&app, &order, "李四", "li@example.com").await;
    assert_eq!(done.status, OrderStatus::Completed);
    let invoice = done.invoice.clone().expect("invoice");
    assert_eq!(
        invoice.mail_status.as_deref(),
        Some("waiting"),
        "{invoice:?}"
    );
    let mail = mail_about(&app, &order.order_no).await;
    assert_eq!(mail.status, "waiting");
    assert!(
        mail.detail.as_deref().is_some_and(|d| !d.is_empty()),
        "{mail:?}"
    );
    assert_eq!(mail.attempts, 1);
    let next = time::OffsetDateTime::parse(
        mail.next_try_at.as_deref().expect("its next try"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("RFC 3339");
    let wait = next - time::OffsetDateTime::now_utc();
    assert!(
        wait > time::Duration::seconds(30) && wait <= time::Duration::seconds(61),
        "next try in {wait}"
    );
    // Not before its time: an instance starting now leaves it.
    let url = app.db.as_ref().expect("db").url.clone();
    let early = crate::common::second_instance_with(&url, smtp_platform(&server, None, None)).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let untouched = mail_about(&app, &order.order_no).await;
    assert_eq!(
        (
            untouched.status.as_str(),
            untouched.attempts,
            untouched.next_try_at.as_deref()
        ),
        ("waiting", 1, mail.next_try_at.as_deref()),
        "not tried before its time"
    );
    early.shutdown().await.expect("stop");

    // The server is back where it was and the try is due: the platform sends it, as it
    // was written, with its PDF; the one refused for good stays as it was.
    let back = SmtpStandIn::start_on(
        server.addr,
        Rules {
            greylisted: vec!["grey@example.com".into()],
            ..Default::default()
        },
    )
    .await;
    sqlx::query("UPDATE mail_messages SET retry_at = $1 WHERE id = $2")
        .bind(ca_counter::server::store::now_ms() - 1)
        .bind(&mail.id)
        .execute(app.store().pool())
        .await
        .expect("due now");
    let later = crate::common::second_instance_with(&url, smtp_platform(&back, None, None)).await;
    let mut now = mail_about(&app, &order.order_no).await;
    for _ in 0..100 {
        if now.status != "waiting" && now.status != "sending" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        now = mail_about(&app, &order.order_no).await;
    }
    assert_eq!(now.status, "sent", "{now:?}");
    assert_eq!(now.attempts, 2);
    assert_eq!(now.next_try_at, None);
    assert_eq!(now.subject, mail.subject);
    let received = {
        let seen = back.seen();
        assert_eq!(seen.messages.len(), 1, "{:?}", seen.messages);
        seen.messages[0].clone()
    };
    assert_eq!(received.to, ["li@example.com"]);
    let raw = String::from_utf8(received.data).expect("an ASCII/UTF-8 message");
    let parts = Part::parse(&raw).parts();
    let pdf = parts
        .iter()
        .find(|p| p.header("content-type").starts_with("application/pdf"))
        .expect("a PDF part");
    assert!(
        pdf.header("content-disposition")
            .contains(&format!("{}.pdf", invoice.invoice_no)),
        "{raw}"
    );
    let (_, stored) = app
        .client(&app.finance)
        .attachment(invoice.attachment_id.as_deref().expect("the PDF"))
        .await
        .expect("pdf");
    assert_eq!(pdf.decoded(), stored);
    let first = mail_about(&app, &refused.order_no).await;
    assert_eq!((first.status.as_str(), first.attempts), ("failed", 1));
    // A server that says "later" (4xx): the mail waits for its next try too.
    let order_grey = shipped(&app, "王五", "EA223456788CN").await;
    issue(&app, &order_grey, "王五", "grey@example.com").await;
    let grey = mail_about(&app, &order_grey.order_no).await;
    assert_eq!(grey.status, "waiting", "{grey:?}");
    assert!(
        grey.detail.as_deref().is_some_and(|d| d.contains("451")),
        "{grey:?}"
    );
    assert!(grey.next_try_at.is_some());
    // The finance clerk's order view says so too.
    let shown = app
        .client(&app.finance)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert_eq!(
        shown.invoice.and_then(|i| i.mail_status).as_deref(),
        Some("sent")
    );
    later.shutdown().await.expect("stop");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_misspelt_smtp_security_stops_the_platform_at_start() {
    ca_counter::api::install_tls_provider();
    let db = TestDb::create(Db::Sqlite).await;
    let config = PlatformConfig {
        invoice: InvoiceConfig {
            mail_provider: ca_counter::config::MailProvider::Smtp,
            smtp: Some(SmtpConfig {
                host: "smtp.example.cn".into(),
                port: 465,
                security: "ssl".into(),
                username: None,
                password_file: None,
                from: format!("湖南CA <{SENDER}>"),
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    match Platform::start(config, &db.url, listener).await {
        Ok(platform) => {
            let _ = platform.shutdown().await;
            panic!("the platform started with security = \"ssl\"");
        }
        Err(e) => {
            let text = e.to_string();
            for expected in ["[platform.invoice]", "security = \"ssl\"", "\"starttls\""] {
                assert!(text.contains(expected), "{expected} in {text}");
            }
        }
    }
    db.drop_database().await;
}
