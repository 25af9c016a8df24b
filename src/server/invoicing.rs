//! Issuing invoices: the provider gives the number (asked with the order as its serial, so
//! asking twice never makes two invoices), the platform draws the e-invoice PDF, keeps it
//! on the order, completes the order through the transition table and e-mails the PDF.
//! Used by finance in the 开票 tab and, when configured, by the customer's own request.
//!
//! Reversing one (红冲, [`reverse`]): the provider gives a red-letter invoice for the blue
//! one (asked with the blue invoice as its serial), drawn with negative amounts and the
//! numbers it cancels, kept on the order and e-mailed to the buyer; the `reverse_invoice`
//! action then brings the order back to 待开票 for a new invoice.

use std::sync::Arc;

use futures_util::future::BoxFuture;

use super::AppState;
use super::error::{ApiError, transition_error};
use super::mail::{self, Mail, MailAttachment};
use super::pdf::{self, InvoiceDocument, InvoiceLabels, InvoiceParty};
use super::store::{
    Actor, InvoiceRow, NewAttachment, NewInvoice, NewRedInvoice, OrderRow, SetColumn, Store,
    Transition, TransitionError,
};
use crate::domain::{Action, BuyerKind, InvoiceKind, InvoiceRequest, Money, OrderStatus};
use crate::i18n::{Lang, Msg, T};

/// Issues invoice numbers. A real e-invoicing service plugs in here; it must treat the
/// order as the request's serial, so that asking twice gives the same invoice.
pub trait InvoiceProvider: Send + Sync {
    /// The provider's name, recorded with each invoice.
    fn name(&self) -> &'static str;
    /// The invoice for `new.order_id`: issued now, or the one issued before.
    fn issue<'a>(&'a self, new: &'a NewInvoice<'a>) -> BoxFuture<'a, Result<InvoiceRow, String>>;
    /// The red-letter invoice cancelling `new.blue`: issued now, or the one issued before.
    fn reverse<'a>(
        &'a self,
        new: &'a NewRedInvoice<'a>,
    ) -> BoxFuture<'a, Result<InvoiceRow, String>>;
}

/// Numbers invoices from the platform's own yearly sequence.
pub struct Builtin {
    store: Store,
    region: String,
}

impl InvoiceProvider for Builtin {
    fn name(&self) -> &'static str {
        "builtin"
    }

    fn issue<'a>(&'a self, new: &'a NewInvoice<'a>) -> BoxFuture<'a, Result<InvoiceRow, String>> {
        Box::pin(async move {
            self.store
                .builtin_invoice(new, &self.region)
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn reverse<'a>(
        &'a self,
        new: &'a NewRedInvoice<'a>,
    ) -> BoxFuture<'a, Result<InvoiceRow, String>> {
        Box::pin(async move {
            self.store
                .builtin_red_invoice(new, &self.region)
                .await
                .map_err(|e| e.to_string())
        })
    }
}

/// The provider the configuration names.
pub fn provider(
    kind: crate::config::InvoiceProvider,
    store: &Store,
    region: &str,
) -> Result<Arc<dyn InvoiceProvider>, String> {
    match kind {
        crate::config::InvoiceProvider::Builtin => Ok(Arc::new(Builtin {
            store: store.clone(),
            region: region.to_owned(),
        })),
    }
}

/// What an invoice is drawn with besides its buyer and amounts: the seller, the item and
/// the tax rate, as configured when it is issued, kept on its row (`seller_json`) so that
/// its red-letter invoice repeats them whatever the configuration says by then.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Seller {
    /// 销售方名称.
    pub name: String,
    /// 销售方纳税人识别号.
    pub tax_number: String,
    /// Address and telephone.
    pub address_phone: String,
    /// Bank and account.
    pub bank_account: String,
    /// 项目名称.
    pub item_name: String,
    /// 税率, in percent.
    pub tax_rate_percent: i64,
}

impl Seller {
    /// As configured now.
    pub fn configured(config: &crate::config::InvoiceConfig) -> Seller {
        Seller {
            name: config.seller_name.clone(),
            tax_number: config.seller_tax_number.clone(),
            address_phone: config.seller_address_phone.clone(),
            bank_account: config.seller_bank_account.clone(),
            item_name: config.item_name.clone(),
            tax_rate_percent: config.tax_rate_percent,
        }
    }

    /// The invoice's own; for an invoice issued before they were kept, as configured now.
    pub fn of(invoice: &InvoiceRow, config: &crate::config::InvoiceConfig) -> Seller {
        invoice
            .seller_json
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_else(|| Seller::configured(config))
    }
}

/// A tax-inclusive total split into amount and tax at `rate_percent`, in fen, rounded half
/// up on the amount so that amount + tax is always the total.
pub fn split_tax(total_fen: i64, rate_percent: i64) -> (i64, i64) {
    let rate = rate_percent.clamp(0, 100);
    let denominator = 100 + rate;
    let net = (total_fen * 100 * 2 + denominator) / (denominator * 2);
    (net, total_fen - net)
}

/// Issues the order's invoice for `request` and completes the order. `version` is what
/// the person saw (none for the platform's own issuing of a customer's request).
pub async fn issue(
    state: &AppState,
    row: &OrderRow,
    version: Option<i64>,
    request: &InvoiceRequest,
    actor: &Actor,
    request_id: Option<&str>,
) -> Result<OrderRow, ApiError> {
    let status = row.status()?;
    let not_now = |status, version| {
        transition_error(
            &row.order_no,
            Action::IssueInvoice,
            TransitionError::NotAllowed { status, version },
        )
    };
    if status != OrderStatus::PendingInvoice {
        return Err(not_now(status, row.version));
    }
    if let Some(seen) = version
        && seen != row.version
    {
        return Err(transition_error(
            &row.order_no,
            Action::IssueInvoice,
            TransitionError::Conflict {
                status,
                version: row.version,
            },
        ));
    }
    let config = &state.config.invoice;
    let seller = Seller::configured(config);
    let (net, tax) = split_tax(row.amount_fen, seller.tax_rate_percent);
    // Issued as it prints today, a request kept as typed before its address was folded
    // included (the customer's own, sent before the rule).
    let request = &request.as_printed();
    let request_json =
        serde_json::to_string(request).map_err(|e| ApiError::Internal(e.to_string()))?;
    let seller_json =
        serde_json::to_string(&seller).map_err(|e| ApiError::Internal(e.to_string()))?;
    // 开票人 is the operator who issued it; the platform's own issuing (a customer's
    // request with auto_issue) prints the configured issuer.
    let issued_by = match actor {
        Actor::Operator { name, .. } => name.clone(),
        Actor::System(_) | Actor::Customer(_) => config.issuer.clone(),
    };
    let new = NewInvoice {
        order_id: &row.id,
        invoice_kind: request.invoice_kind.as_str(),
        request_json: &request_json,
        net_fen: net,
        tax_fen: tax,
        total_fen: row.amount_fen,
        issued_by: &issued_by,
        seller_json: &seller_json,
    };
    let invoice = state.invoices.issue(&new).await.map_err(|why| {
        tracing::error!(order = %row.order_no, %why, "invoice provider");
        ApiError::Missing {
            code: "invoice_provider_failed",
            detail: Msg::with(T::ProblemInvoiceProvider, [why]),
        }
    })?;
    // The invoice as issued is the one that counts (a second person issuing at the same
    // moment gets the first one's).
    let issued: InvoiceRequest =
        serde_json::from_str(&invoice.request_json).unwrap_or_else(|_| request.clone());
    // Issued already for another request — one whose issuing lost its order's version to
    // this caller's change of the request (finance issuing as the customer's own request
    // was being issued): that invoice is the order's, recorded with the request it was
    // issued for and by its issuer, and this caller is told theirs was not issued.
    let another = !crate::domain::same_invoice_request(&invoice.request_json, &request_json);
    let (pdf_bytes, attachment_id, _) =
        kept_pdf(state, row, &invoice, &issued, actor, request_id).await?;
    let mut set = vec![SetColumn::Text(
        "invoice_no",
        Some(invoice.invoice_no.clone()),
    )];
    if another {
        set.push(SetColumn::Text(
            "invoice_request_json",
            Some(invoice.request_json.clone()),
        ));
    }
    let step = Transition {
        sms: None,
        action: Action::IssueInvoice,
        expected_version: Some(version.unwrap_or(row.version)),
        actor: if another {
            Actor::System(
                invoice
                    .issued_by
                    .clone()
                    .unwrap_or_else(|| config.issuer.clone()),
            )
        } else {
            actor.clone()
        },
        reason: Some(invoice.invoice_no.clone()),
        request_id: request_id.map(str::to_owned),
        set,
        claimed_by: None,
    };
    // Attaching the PDF wrote an audit row but did not change the version.
    let updated = state
        .store
        .transition(&row.order_no, step)
        .await
        .map_err(|e| transition_error(&row.order_no, Action::IssueInvoice, e))?;
    let zh = Lang::ZhCn;
    let subject = T::MailInvoiceSubject.fill(zh, &[&state.config.ca_name, &invoice.invoice_no]);
    let body = T::MailInvoiceBody.fill(
        zh,
        &[
            &issued.buyer_name,
            &row.order_no,
            &invoice.invoice_no,
            &Money::from_fen(invoice.total_fen)
                .unwrap_or_default()
                .to_string(),
            &state.config.hotline,
            &state.config.ca_name,
        ],
    );
    send_mail(
        state,
        row,
        &invoice,
        &issued,
        subject,
        body,
        pdf_bytes,
        &attachment_id,
    )
    .await;
    if another {
        return Err(ApiError::Conflict {
            code: "invoice_issued",
            detail: Msg::with(T::ProblemInvoiceIssuedOther, [row.order_no.as_str()]),
            status: updated.status().ok(),
            version: Some(updated.version),
        });
    }
    Ok(updated)
}

/// Reverses the order's invoice (红冲) with a red-letter invoice: the provider's (asked
/// with the blue invoice as its serial, so a retry after a lost answer gets the same red
/// one), drawn, kept on the order and e-mailed to the buyer the blue one went to. The
/// order is not moved here: the `reverse_invoice` action does that with the text this
/// returns for its history. Refused (409 `no_invoice`) for an order with no invoice
/// issued (declined, or never invoiced).
pub async fn reverse(
    state: &AppState,
    row: &OrderRow,
    reason: &str,
    actor: &Actor,
    request_id: Option<&str>,
) -> Result<String, ApiError> {
    let no_invoice = || ApiError::Conflict {
        code: "no_invoice",
        detail: Msg::with(T::ProblemNoInvoice, [row.order_no.as_str()]),
        status: row.status().ok(),
        version: Some(row.version),
    };
    // The invoice the order names — reversed already, if a first attempt got that far.
    let Some(number) = row.invoice_no.as_deref() else {
        return Err(no_invoice());
    };
    let Some(blue) = state
        .store
        .invoice_by_no(number)
        .await?
        .filter(|invoice| invoice.order_id == row.id && !invoice.is_red())
    else {
        return Err(no_invoice());
    };
    let (issued_by, issuer_id) = match actor {
        Actor::Operator { name, id } => (name.clone(), Some(id.as_str())),
        Actor::System(_) | Actor::Customer(_) => (state.config.invoice.issuer.clone(), None),
    };
    let new = NewRedInvoice {
        blue: &blue,
        reason,
        issued_by: &issued_by,
        issuer_id,
    };
    let red = state.invoices.reverse(&new).await.map_err(|why| {
        tracing::error!(order = %row.order_no, %why, "invoice provider (red)");
        ApiError::Missing {
            code: "invoice_provider_failed",
            detail: Msg::with(T::ProblemInvoiceProvider, [why]),
        }
    })?;
    let issued: InvoiceRequest = serde_json::from_str(&red.request_json)
        .map_err(|e| ApiError::Internal(format!("invoice {}: {e}", red.invoice_no)))?;
    let (pdf_bytes, attachment_id, _) =
        kept_pdf(state, row, &red, &issued, actor, request_id).await?;
    // Mailed once (`send_mail`): a retry does not mail the buyer again, one cut short
    // before mailing does.
    {
        let zh = Lang::ZhCn;
        let subject = T::MailRedInvoiceSubject.fill(zh, &[&state.config.ca_name, &red.invoice_no]);
        let body = T::MailRedInvoiceBody.fill(
            zh,
            &[
                &issued.buyer_name,
                &row.order_no,
                &blue.invoice_no,
                &red.invoice_no,
                &state.config.hotline,
                &state.config.ca_name,
                // Written as the red invoice attached writes its total (¥-200.00).
                &format!(
                    "¥-{}",
                    Money::from_fen(red.total_fen.abs())
                        .unwrap_or_default()
                        .yuan_string()
                ),
            ],
        );
        send_mail(
            state,
            row,
            &red,
            &issued,
            subject,
            body,
            pdf_bytes,
            &attachment_id,
        )
        .await;
    }
    Ok(T::HistoryInvoiceReversed.fill(Lang::ZhCn, &[reason, &blue.invoice_no, &red.invoice_no]))
}

/// What a reversal's move sets on its order: no invoice that counts (the order waits for a
/// new one; the request stays, to be corrected and issued again), and the hold taken for
/// it gone with it.
pub fn reversal_columns() -> Vec<SetColumn> {
    vec![
        SetColumn::Text("invoice_no", None),
        SetColumn::Text("claimed_by", None),
        SetColumn::Text("claimed_by_name", None),
        SetColumn::Int("claim_expires_at", None),
    ]
}

/// Finishes reversals cut short: 已完成 orders whose reversal's hold lapsed. Where the red
/// invoice was made (the process stopped before the order moved), the reversal is taken
/// up where it stopped, as its operator's retry would — the same red invoice, its PDF
/// drawn and kept and its mail sent if they were not — and the order moved, by the
/// platform, the history naming who asked and why: no order stays 已完成 under an invoice
/// the tax platform holds cancelled. Where nothing was made, the hold is let go. Returns
/// how many orders were moved.
pub async fn finish_cut_short(state: &AppState) -> Result<usize, ApiError> {
    let now = crate::server::store::now_ms();
    let mut moved = 0;
    for row in state.store.lapsed_reversal_holds(now, 50).await? {
        // One order that cannot be finished now (its PDF, the provider) is logged and
        // left for the next round; the others behind it go on.
        match finish_one(state, &row, now).await {
            Ok(true) => moved += 1,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(order = %row.order_no, error = ?e, "finishing a reversal cut short");
            }
        }
    }
    Ok(moved)
}

/// [`finish_cut_short`] for one order: true when it was moved.
async fn finish_one(state: &AppState, row: &OrderRow, now: i64) -> Result<bool, ApiError> {
    let store = &state.store;
    let red = match row.invoice_no.as_deref() {
        Some(number) => match store.invoice_by_no(number).await? {
            Some(blue) if blue.order_id == row.id => match blue.reversed_by.as_deref() {
                Some(red) => store.invoice_by_no(red).await?,
                None => None,
            },
            _ => None,
        },
        None => None,
    };
    let Some(red) = red else {
        // Let go only while no red invoice cancels its invoice (one made meanwhile by a
        // reversal still running keeps the hold for this job's next round).
        store.clear_lapsed_hold(&row.id, row.version, now).await?;
        return Ok(false);
    };
    let zh = Lang::ZhCn;
    let actor = Actor::System(T::SystemReversalFinished.get(zh).to_owned());
    let reason = red.reason.clone().unwrap_or_default();
    let said = reverse(state, row, &reason, &actor, None).await?;
    let step = Transition {
        sms: None,
        claimed_by: None,
        action: Action::ReverseInvoice,
        expected_version: Some(row.version),
        actor,
        reason: Some(
            T::HistoryReversalFinished
                .fill(zh, &[red.issued_by.as_deref().unwrap_or_default(), &said]),
        ),
        request_id: None,
        set: reversal_columns(),
    };
    match store.transition(&row.order_no, step).await {
        Ok(_) => {
            tracing::warn!(
                order = %row.order_no,
                red = %red.invoice_no,
                "a reversal cut short was finished by the platform"
            );
            Ok(true)
        }
        // Moved meanwhile (its operator sent it again): nothing left to do.
        Err(TransitionError::Conflict { .. } | TransitionError::NotAllowed { .. }) => Ok(false),
        Err(e) => Err(transition_error(&row.order_no, Action::ReverseInvoice, e)),
    }
}

/// Sends again the invoices' mails due for another try: their sender stopped while they
/// were on their way, or the mail server refused them for now. Each as it was first
/// written, with its PDF as kept; through [`mail::send_once`], so an instance beside this
/// one sends it once between them. One whose invoice was reversed since, or whose PDF is
/// gone, is given up. The round stops when the server does not answer (the others would
/// not go either) and at shutdown. How many went.
pub async fn resend_due_mail(
    state: &AppState,
    shutdown: &tokio::sync::watch::Receiver<bool>,
) -> Result<usize, ApiError> {
    let now = crate::server::store::now_ms();
    let mut sent = 0;
    for due in state.store.due_mail(now, 50).await? {
        if *shutdown.borrow() {
            break;
        }
        let give_up = |why: T| state.store.give_up_mail(&due.id, why.get(Lang::ZhCn), now);
        let Some(invoice_no) = due.invoice_no.clone().filter(|_| due.reversed == 0) else {
            give_up(T::MailGivenUpReversed).await?;
            continue;
        };
        let Some(bytes) = state.store.attachment_data(&due.attachment_id).await? else {
            tracing::error!(mail = %due.id, "an invoice's mail lost its PDF");
            give_up(T::MailGivenUpNoPdf).await?;
            continue;
        };
        let mail = Mail {
            to: due.to_addr,
            subject: due.subject,
            body: due.body,
            attachment: Some(MailAttachment {
                file_name: format!("{invoice_no}.pdf"),
                content_type: "application/pdf".into(),
                bytes,
            }),
        };
        match mail::send_once(
            &state.store,
            state.mail.as_ref(),
            &due.order_id,
            &due.attachment_id,
            &mail,
        )
        .await
        {
            Ok(Some(Ok(()))) => sent += 1,
            Ok(Some(Err(failure))) if !failure.answered => break,
            Ok(_) => {}
            Err(e) => tracing::warn!(mail = %due.id, error = %e, "sending a mail again"),
        }
    }
    Ok(sent)
}

/// The platform's own rounds, at start and every minute until shutdown: reversals cut
/// short finished ([`finish_cut_short`]), mails due sent again ([`resend_due_mail`]).
pub async fn upkeep_job(state: AppState, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    loop {
        if let Err(e) = finish_cut_short(&state).await {
            tracing::warn!(error = ?e, "finishing reversals cut short failed");
        }
        if let Err(e) = resend_due_mail(&state, &shutdown).await {
            tracing::warn!(error = ?e, "sending mails again failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(60)) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// How long a reversal's hold on its order lasts (one cut short is anyone's after it).
pub const REVERSAL_LEFT_AFTER: std::time::Duration = std::time::Duration::from_secs(300);

/// E-mails an invoice's PDF to the buyer, once (a demo's mail says so in its subject's first
/// words and its body's first line, not only on the attached PDF). A failure is logged:
/// the invoice stands, and its mail's state is shown with the order.
#[allow(clippy::too_many_arguments)]
async fn send_mail(
    state: &AppState,
    row: &OrderRow,
    invoice: &InvoiceRow,
    issued: &InvoiceRequest,
    subject: String,
    body: String,
    pdf_bytes: Vec<u8>,
    attachment_id: &str,
) {
    let demo = state.demo.invoice_mark();
    let mail = Mail {
        to: issued.email.as_str().to_owned(),
        subject: match &demo {
            Some(mark) => format!("【{mark}】{subject}"),
            None => subject,
        },
        body: match &demo {
            Some(mark) => format!("{mark}\n\n{body}"),
            None => body,
        },
        attachment: Some(MailAttachment {
            file_name: format!("{}.pdf", invoice.invoice_no),
            content_type: "application/pdf".into(),
            bytes: pdf_bytes,
        }),
    };
    // Once: a retry while the first attempt is still on its way, or after it, sends
    // nothing; one cut short before mailing (its sender stopped) sends it.
    if let Err(e) = mail::send_once(
        &state.store,
        state.mail.as_ref(),
        &row.id,
        attachment_id,
        &mail,
    )
    .await
    {
        tracing::error!(order = %row.order_no, error = %e, "recording the invoice mail");
    }
}

/// The invoice's PDF as kept on the order: drawn and attached the first time (`true`), read
/// back after.
async fn kept_pdf(
    state: &AppState,
    row: &OrderRow,
    invoice: &InvoiceRow,
    issued: &InvoiceRequest,
    actor: &Actor,
    request_id: Option<&str>,
) -> Result<(Vec<u8>, String, bool), ApiError> {
    Ok(match &invoice.attachment_id {
        Some(id) => (
            state
                .store
                .attachment_data(id)
                .await?
                .ok_or_else(|| ApiError::Internal(format!("invoice pdf {id} missing")))?,
            id.clone(),
            false,
        ),
        None => {
            let bytes = render(state, row, invoice, issued).await?;
            // The platform's own issuing (a customer's request) is the online operator's,
            // not the clerk's who took the order.
            let uploaded_by = match actor {
                Actor::Operator { id, .. } => id.clone(),
                Actor::System(_) | Actor::Customer(_) => {
                    crate::server::store::self_service::ONLINE_OPERATOR_ID.to_owned()
                }
            };
            let kept = state
                .store
                .attach_invoice_pdf(
                    row,
                    &invoice.invoice_no,
                    NewAttachment {
                        order_id: row.id.clone(),
                        kind: "invoice".into(),
                        content_type: "application/pdf".into(),
                        filename: format!(
                            "{}{}-{}.pdf",
                            if invoice.is_red() {
                                T::DocRedInvoiceFile.get(Lang::ZhCn)
                            } else {
                                T::DocInvoiceFile.get(Lang::ZhCn)
                            },
                            if state.demo.invoice_mark().is_some() {
                                T::DocDemoFileTag.get(Lang::ZhCn)
                            } else {
                                ""
                            },
                            invoice.invoice_no
                        ),
                        data: bytes.clone(),
                        uploaded_by,
                        scan_json: None,
                    },
                    actor,
                    request_id,
                )
                .await?;
            let Some(id) = kept else {
                // Drawn by someone else at the same moment: theirs is the one kept (and
                // mailed), and nothing of this one is.
                let theirs = state
                    .store
                    .invoice_by_no(&invoice.invoice_no)
                    .await?
                    .and_then(|i| i.attachment_id)
                    .ok_or_else(|| ApiError::Internal("invoice pdf vanished".into()))?;
                let bytes =
                    state.store.attachment_data(&theirs).await?.ok_or_else(|| {
                        ApiError::Internal(format!("invoice pdf {theirs} missing"))
                    })?;
                return Ok((bytes, theirs, false));
            };
            (bytes, id, true)
        }
    })
}

/// Draws the e-invoice (off the async workers: drawing takes a while).
async fn render(
    state: &AppState,
    row: &OrderRow,
    invoice: &InvoiceRow,
    request: &InvoiceRequest,
) -> Result<Vec<u8>, ApiError> {
    let config = &state.config.invoice;
    // A red invoice is drawn with its blue invoice's seller, item and rate.
    let seller = Seller::of(invoice, config);
    let zh = Lang::ZhCn;
    // A red invoice's figures are negative, written with their sign (as a 数电票 writes
    // them), and its total in words is marked （负数）.
    let money = |fen: i64| Money::from_fen(fen.abs()).unwrap_or_default();
    let plain = |fen: i64| {
        let sign = if fen < 0 { "-" } else { "" };
        format!("{sign}{}", money(fen).yuan_string())
    };
    let issued =
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(invoice.issued_at) * 1_000_000)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
            .to_offset(crate::domain::CHINA);
    let join = |a: &Option<String>, b: &Option<String>| {
        [a.as_deref(), b.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Addresses and bank accounts go in 备注 when the buyer asked for them (as on a
    // 数电票), the seller's with them.
    let mut remarks = Vec::new();
    // A red invoice names the blue invoice it cancels and its confirmation first, as a
    // 数电票's 备注 does.
    if let Some(blue) = &invoice.reverses {
        remarks.push(T::DocRedInvoiceReverses.fill(
            zh,
            &[blue, invoice.confirmation_no.as_deref().unwrap_or_default()],
        ));
    }
    remarks.push(format!("{} {}", T::DocOrderLabel.get(zh), row.order_no));
    let buyer_address = join(&request.address, &request.phone);
    let buyer_bank = join(&request.bank, &request.account);
    if !buyer_address.is_empty() || !buyer_bank.is_empty() {
        for (label, value) in [
            (T::DocInvoiceBuyerAddress, buyer_address),
            (T::DocInvoiceBuyerBank, buyer_bank),
            (T::DocInvoiceSellerAddress, seller.address_phone.clone()),
            (T::DocInvoiceSellerBank, seller.bank_account.clone()),
        ] {
            if !value.is_empty() {
                remarks.push(label.fill(zh, &[&value]));
            }
        }
    }
    // The checker's code (as on a 数电票: version, kind — 31 专票, 32 普票 —, number,
    // amount before tax, date, check code). From a demo provider it starts with words no
    // checker reads, so that scanning it can never look like a real invoice's.
    let (title, kind_code) = match request.invoice_kind {
        InvoiceKind::Normal => (T::DocInvoiceTitleNormal, "32"),
        InvoiceKind::Special => (T::DocInvoiceTitleSpecial, "31"),
    };
    let demo = state.demo.invoice_mark();
    let qr_payload = format!(
        "{}01,{kind_code},,{},{},{:04}{:02}{:02},{}",
        demo.as_ref()
            // ASCII only, as a real invoice's code is: some readers (OpenCV's) miss a code
            // whose bytes are UTF-8 Chinese.
            .map(|_| "DEMO - NOT A TAX INVOICE,")
            .unwrap_or_default(),
        invoice.invoice_no,
        plain(invoice.net_fen),
        issued.year(),
        u8::from(issued.month()),
        issued.day(),
        invoice.check_code.as_deref().unwrap_or_default()
    );
    let document = InvoiceDocument {
        // A demo's heading says so too, and so does the file's title (what a mail client or
        // a folder lists), not only the band across the page.
        title: match &demo {
            Some(_) => T::DocInvoiceDemoTitle.fill(zh, &[title.get(zh)]),
            None => title.get(zh).to_owned(),
        },
        invoice_no: invoice.invoice_no.clone(),
        issued_on: format!(
            "{}年{:02}月{:02}日",
            issued.year(),
            u8::from(issued.month()),
            issued.day()
        ),
        seller: InvoiceParty {
            name: seller.name.clone(),
            tax_number: seller.tax_number.clone(),
        },
        buyer: InvoiceParty {
            name: request.buyer_name.clone(),
            tax_number: request.tax_number.clone().unwrap_or_default(),
        },
        labels: labels(zh),
        item_name: seller.item_name.clone(),
        item_spec: row.product_name.clone(),
        unit: T::DocInvoiceUnitItem.get(zh).to_owned(),
        // A red invoice takes the quantity back (负数量) at the same unit price.
        quantity: if invoice.net_fen < 0 { "-1" } else { "1" }.into(),
        unit_price: plain(invoice.net_fen.abs()),
        amount: plain(invoice.net_fen),
        tax_rate: format!("{}%", seller.tax_rate_percent),
        tax: plain(invoice.tax_fen),
        // Figures as the rows print them (no thousands separators, as on a 数电票), and the
        // capitals with 圆, as tax invoices write the unit.
        total: plain(invoice.total_fen),
        total_capital: format!(
            "{}{}",
            if invoice.total_fen < 0 {
                T::DocInvoiceNegative.get(zh)
            } else {
                ""
            },
            money(invoice.total_fen)
                .to_chinese_capital()
                .replace('元', "圆")
        ),
        remarks: remarks.join("\n"),
        issuer: invoice
            .issued_by
            .clone()
            .unwrap_or_else(|| config.issuer.clone()),
        check_code: invoice.check_code.clone().unwrap_or_default(),
        qr_payload,
        demo,
    };
    let fonts = state.fonts.clone();
    let pdf = tokio::task::spawn_blocking(move || pdf::invoice(&fonts, &document))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(pdf.bytes)
}

fn labels(lang: Lang) -> InvoiceLabels {
    let t = |text: T| text.get(lang).to_owned();
    InvoiceLabels {
        buyer: t(T::DocInvoiceBuyer),
        seller: t(T::DocInvoiceSeller),
        name: t(T::DocInvoiceName),
        tax_number: t(T::DocInvoiceTaxNumber),
        address_phone: t(T::DocInvoiceAddressPhone),
        bank_account: t(T::DocInvoiceBankAccount),
        item: t(T::DocInvoiceItem),
        spec: t(T::DocInvoiceSpec),
        unit: t(T::DocInvoiceUnit),
        quantity: t(T::DocInvoiceQuantity),
        unit_price: t(T::DocInvoiceUnitPrice),
        amount: t(T::DocInvoiceAmount),
        tax_rate: t(T::DocInvoiceTaxRate),
        tax: t(T::DocInvoiceTax),
        subtotal: t(T::DocInvoiceSubtotal),
        total_in_words: t(T::DocInvoiceTotalInWords),
        total_small: t(T::DocInvoiceTotalSmall),
        remarks: t(T::DocInvoiceRemarks),
        issuer: t(T::DocInvoiceIssuer),
        invoice_no: t(T::DocInvoiceNo),
        issued_on: t(T::DocInvoiceIssuedOn),
        check_code: t(T::DocInvoiceCheckCode),
    }
}

/// The request saved on an order, if any.
pub fn saved_request(row: &OrderRow) -> Option<InvoiceRequest> {
    serde_json::from_str(row.invoice_request_json.as_deref()?).ok()
}

/// What an order suggests for a new invoice request: the organisation and its credit
/// code, or the applicant; the applicant's e-mail.
pub fn suggested(row: &OrderRow) -> crate::domain::InvoiceRequestInput {
    let applicant: Option<crate::api::Applicant> = serde_json::from_str(&row.applicant_json).ok();
    let organization: Option<crate::api::Organization> = row
        .organization_json
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok());
    let email = applicant
        .as_ref()
        .and_then(|a| a.email.clone())
        .unwrap_or_default();
    match organization {
        Some(org) => crate::domain::InvoiceRequestInput {
            buyer_kind: Some(BuyerKind::Organisation.as_str().into()),
            invoice_kind: Some(InvoiceKind::Normal.as_str().into()),
            buyer_name: org.name,
            tax_number: org.uscc,
            email,
            ..Default::default()
        },
        None => crate::domain::InvoiceRequestInput {
            buyer_kind: Some(BuyerKind::Individual.as_str().into()),
            invoice_kind: Some(InvoiceKind::Normal.as_str().into()),
            buyer_name: row.applicant_name.clone(),
            email,
            ..Default::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::split_tax;

    #[test]
    fn tax_is_split_from_the_total_and_adds_back_up() {
        assert_eq!(split_tax(30_000, 6), (28_302, 1_698));
        assert_eq!(split_tax(20_000, 6), (18_868, 1_132));
        assert_eq!(split_tax(100, 0), (100, 0));
        for total in [1, 99, 12_345, 1_000_000] {
            let (net, tax) = split_tax(total, 13);
            assert_eq!(net + tax, total);
        }
    }
}
