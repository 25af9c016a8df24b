//! Attachments: uploaded as multipart, typed by content (JPEG, PNG, PDF), size-limited,
//! served back with their sniffed type.

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::api::{Attachment, AttachmentKind, Problem};
use crate::domain::{FileProblem, FileType, OrderStatus, Permission};
use crate::i18n::{Msg, T};
use crate::server::AppState;
use crate::server::error::ApiError;
use crate::server::extract::Caller;
use crate::server::present;
use crate::server::store::{Attached, AttachmentRow, NewAttachment};

use super::orders::find_order;

/// The multipart form of an upload: these two fields and no others.
#[derive(utoipa::ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct UploadForm {
    /// What the file is (not `invoice`: invoices are made by the platform).
    #[schema(pattern = "^(application_form|signed_form|voucher|correction|other)$")]
    kind: String,
    /// The file: JPEG, PNG or PDF, read far enough to know it is one.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// 503: every check is taken, or this uploader's uploads are all under way.
fn checks_busy() -> ApiError {
    ApiError::Missing {
        code: "checks_busy",
        detail: Msg::new(T::ErrChecksBusy),
    }
}

/// Uploads a file to an order: multipart fields `kind` (`signed_form`, `voucher`,
/// `correction`, `application_form`, `other`) and `file`.
#[utoipa::path(post, path = "/api/v1/orders/{order_no}/attachments", params(("order_no" = String, Path)),
    request_body(content_type = "multipart/form-data", content = UploadForm),
    responses(
        (status = 201, body = Attachment, description = "stored"),
        (status = 200, body = Attachment, description = "the same bytes were attached to this order as this kind before (a retry after a lost answer): that attachment, unchanged — the name sent now is not kept"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`order_cancelled`: the order is cancelled; `transfer_not_chosen`: a voucher for an order still waiting to be paid online (choose bank transfer first); `payment_confirmed`: a voucher for an order past review, its payment confirmed (waiting to be mailed, mailed, or completed); `paid_online`: a voucher for an order paid online; `not_returned`: a correction for an order not returned (a signed form is `signed_form`)."),
        (status = 413, body = Problem, content_type = "application/problem+json", description = "`payload_too_large`: the file is over `max_upload_bytes` (the detail says the limit)"),
        (status = 415, body = Problem, content_type = "application/problem+json", description = "`unsupported_media_type`: not a JPEG, PNG or PDF, whatever its name says"),
        (status = 503, body = Problem, content_type = "application/problem+json", description = "`checks_busy`: no turn to check the file soon (send it again shortly; nothing is wrong with it); `unavailable`: the database is away"),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_no): Path<String>,
    headers: axum::http::HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<Attachment>), ApiError> {
    caller.require(Permission::UploadAttachments)?;
    // Not an upload at all (JSON, or multipart without its boundary): said as the type it
    // came as, like the JSON operations say theirs.
    let mut multipart = multipart.map_err(|_| {
        let sent = headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("nothing");
        ApiError::NotMultipart(crate::server::extract::header_shown(sent))
    })?;
    let order = find_order(&state, &order_no).await?;
    if order.status()? == OrderStatus::Cancelled {
        return Err(ApiError::Conflict {
            code: "order_cancelled",
            detail: Msg::with(T::ProblemOrderCancelled, [order.order_no.as_str()]),
            status: Some(OrderStatus::Cancelled),
            version: Some(order.version),
        });
    }
    let limit = state.config.max_upload_bytes;
    // A place of the operator's before the file is read: one person's flood of uploads
    // is answered at once, not held in memory waiting for a check.
    let Some(_place) = state.uploads.place(&caller.operator.id) else {
        return Err(checks_busy());
    };

    let mut kind: Option<String> = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge(limit)
        } else {
            // Said in our words (the library's are English whatever the language asked).
            tracing::info!(error = %e.body_text(), "a malformed upload");
            ApiError::BadRequest {
                code: "malformed_request",
                detail: Msg::new(T::ErrUploadMalformed),
            }
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(broken)? {
        match field.name() {
            // Each of the two fields once: a second would leave the upload to whichever
            // came last.
            Some(name @ ("kind" | "file"))
                if (name == "kind" && kind.is_some()) || (name == "file" && file.is_some()) =>
            {
                return Err(ApiError::field(name, T::ErrDuplicateKey));
            }
            Some("kind") => kind = Some(field.text().await.map_err(broken)?),
            Some("file") => {
                let name = crate::domain::shown_file_name(field.file_name(), None, "upload");
                let mut data = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(broken)? {
                    if data.len() + chunk.len() > limit {
                        return Err(ApiError::TooLarge(limit));
                    }
                    data.extend_from_slice(&chunk);
                }
                file = Some((name, data));
            }
            // The form has two fields; anything else is a client that means something else.
            other => {
                let name = crate::domain::said_back(other.unwrap_or_default(), 40);
                return Err(ApiError::field(&name, T::ErrUnexpectedField));
            }
        }
    }
    // Invoices are made by the platform, never uploaded.
    let uploadable = |k: &AttachmentKind| *k != AttachmentKind::Invoice;
    let kinds: Vec<&str> = AttachmentKind::ALL
        .iter()
        .filter(|k| uploadable(k))
        .map(|k| k.as_str())
        .collect();
    let kind = match kind.as_deref().map(str::trim) {
        None | Some("") => return Err(ApiError::field("kind", T::ErrRequired)),
        Some(k) => AttachmentKind::parse(k)
            .filter(uploadable)
            .ok_or_else(|| ApiError::field("kind", Msg::with(T::ErrOneOf, [kinds.join(", ")])))?,
    };
    let status = order.status()?;
    // Paid online (a returned order it was): no transfer to prove.
    let paid_online = order
        .payment_method
        .as_deref()
        .is_some_and(|method| method != "bank_transfer");
    let refused = |status: OrderStatus, version: i64| {
        refusal(kind, status, paid_online).map(|(code, text)| ApiError::Conflict {
            code,
            detail: Msg::with(text, [order.order_no.as_str()]),
            status: Some(status),
            version: Some(version),
        })
    };
    if let Some(refused) = refused(status, order.version) {
        return Err(refused);
    }
    let (filename, data) = match file {
        Some((_, data)) if data.is_empty() => {
            return Err(ApiError::field("file", T::ErrEmptyFile));
        }
        Some(file) => file,
        None => return Err(ApiError::field("file", T::ErrRequired)),
    };
    // Judged by content, and read far enough to know it is what it claims.
    let (data, inspected, pdf_codes) = state.uploads.inspect(&caller.operator.id, data).await;
    let kind_found = match inspected {
        Ok(inspected) => inspected.kind,
        Err(FileProblem::NotAScan) => return Err(ApiError::UnsupportedType),
        Err(FileProblem::ActivePdf) => return Err(ApiError::field("file", T::ErrActivePdf)),
        Err(FileProblem::CarriesPdf) => return Err(ApiError::field("file", T::ErrCarriesPdf)),
        Err(FileProblem::LockedPdf) => return Err(ApiError::field("file", T::ErrLockedPdf)),
        Err(FileProblem::UnusualPdf) => return Err(ApiError::field("file", T::ErrUnusualPdf)),
        Err(FileProblem::CostlyPdf) => return Err(ApiError::field("file", T::ErrCostlyPdf)),
        Err(FileProblem::ChecksBusy) => return Err(checks_busy()),
        Err(FileProblem::Unreadable(kind)) => {
            return Err(ApiError::field(
                "file",
                Msg::with(T::ErrFileUnreadable, [kind_name(kind)]),
            ));
        }
        Err(FileProblem::TooDeepPixels(width, height)) => {
            return Err(ApiError::field(
                "file",
                Msg::with(T::ErrTooDeepPixels, [width.to_string(), height.to_string()]),
            ));
        }
        Err(FileProblem::TooManyPixels(width, height)) => {
            return Err(ApiError::field(
                "file",
                Msg::with(T::ErrTooManyPixels, [width.to_string(), height.to_string()]),
            ));
        }
        Err(FileProblem::TooFewPixels(width, height)) => {
            return Err(ApiError::field(
                "file",
                Msg::with(
                    T::ErrTooFewPixels,
                    [
                        width.to_string(),
                        height.to_string(),
                        crate::domain::MIN_SIDE.to_string(),
                    ],
                ),
            ));
        }
    };
    let content_type = kind_found.mime();
    // Shown ending as what it is (a JPEG named `….exe` is not shown as a program).
    let filename = crate::domain::shown_file_name(Some(&filename), Some(kind_found), "upload");
    // A correction that is the very file the order was returned over corrects nothing.
    if kind == AttachmentKind::Correction
        && let Some(earlier) = state.store.sent_before_return(&order, &data).await?
    {
        // A voucher sent again for a return over the voucher: it is on the order.
        let said = if crate::domain::answered_by_a_voucher(&order.return_reasons()) {
            T::ErrSameVoucherAsReturned
        } else {
            T::ErrSameFileAsReturned
        };
        return Err(ApiError::field("file", Msg::with(said, [earlier])));
    }
    // A signed form or a correction carries its order's QR code: a form of another order
    // is refused before anything is stored; no code is allowed, and flagged. A voucher
    // that is one of our own papers is refused.
    let scan_json =
        scan_match::check_upload(&state.uploads, kind, &data, content_type, pdf_codes, &order)
            .await
            .map_err(|refused| ApiError::field("file", refused.message(&order.order_no)))?;
    let attachment = NewAttachment {
        order_id: order.id.clone(),
        kind: kind.as_str().into(),
        content_type: content_type.into(),
        filename,
        data,
        uploaded_by: caller.operator.id.clone(),
        scan_json,
    };
    // The rule asked again as the file is kept: the order may have moved meanwhile.
    let still = move |status: OrderStatus| refusal(kind, status, paid_online).is_none();
    let judged = matches!(kind, AttachmentKind::Voucher | AttachmentKind::Correction);
    let (id, stored_now) = match state
        .store
        .attach(
            &order,
            attachment,
            &caller.actor(),
            Some(&caller.ctx.request_id),
            judged.then_some(&still as _),
        )
        .await?
    {
        Attached::Stored(id, stored_now) => (id, stored_now),
        // It moved where the file is no longer taken: refused as for that status.
        Attached::Moved { status, version } => {
            return Err(refused(status, version)
                .unwrap_or_else(|| ApiError::Internal("moved, yet taken".into())));
        }
    };

    let row = state
        .store
        .attachment(&id)
        .await?
        .ok_or_else(|| ApiError::Internal("attachment vanished after insert".into()))?;
    let attachment = present::attachment(&row, &order)
        .ok_or_else(|| ApiError::Internal("attachment kind".into()))?;
    // The same bytes sent before as this kind (a retry): that attachment, not a new one.
    let status = if stored_now {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(attachment)))
}

/// Why an order in `status` takes no file of `kind` now (its problem code and words), or
/// `None`. A voucher: not before the customer chose to pay by transfer (proof of a payment
/// nobody expects), not once review confirmed the payment (proof of a second one), never
/// for an order paid online. A correction: only for a returned order (on one in review it
/// would pass for the signed form the reviewer approves on).
fn refusal(
    kind: AttachmentKind,
    status: OrderStatus,
    paid_online: bool,
) -> Option<(&'static str, T)> {
    match kind {
        AttachmentKind::Voucher => match status {
            OrderStatus::PendingPayment => {
                Some(("transfer_not_chosen", T::ProblemTransferNotChosen))
            }
            OrderStatus::PendingShipment | OrderStatus::PendingInvoice | OrderStatus::Completed => {
                Some(("payment_confirmed", T::ProblemPaymentConfirmed))
            }
            _ if paid_online => Some(("paid_online", T::ProblemPaidOnline)),
            _ => None,
        },
        AttachmentKind::Correction if status != OrderStatus::Rejected => {
            Some(("not_returned", T::ProblemNotReturned))
        }
        _ => None,
    }
}

/// `JPEG`, `PNG`, `PDF`.
fn kind_name(kind: FileType) -> &'static str {
    match kind {
        FileType::Jpeg => "JPEG",
        FileType::Png => "PNG",
        FileType::Pdf => "PDF",
    }
}

/// The attachment `id` for `caller`: one that may show personal data (a signed form, a
/// voucher, a correction…) needs the permission to reveal it, like the order view's `R`,
/// and each look at it is written to the order's history (who, when, which, how).
async fn readable(
    state: &AppState,
    caller: &Caller,
    id: &str,
    how: &str,
) -> Result<(AttachmentRow, Vec<u8>), ApiError> {
    caller.require(Permission::ViewOrders)?;
    let not_found = || ApiError::NotFound(Msg::new(T::ProblemAttachmentNotFound));
    let row = state.store.attachment(id).await?.ok_or_else(not_found)?;
    // Finance's files (invoices…) are finance's to read too: a refusal names every role
    // that may. A kind this build does not know needs the most.
    caller.require_any(AttachmentKind::parse(&row.kind).map_or(
        &[Permission::RevealPersonalData],
        AttachmentKind::opened_with,
    ))?;
    let data = state
        .store
        .attachment_data(id)
        .await?
        .ok_or_else(not_found)?;
    let order = find_order(state, &row.order_no).await?;
    let what = format!("{} {}", row.kind, row.id);
    // A preview at each zoom is one look: recorded once in ten minutes per person and file.
    // A download is recorded every time (a copy leaves the platform).
    let seen = how == "preview_attachment"
        && state
            .store
            .recorded_lately(&order, &caller.actor(), how, &what, 10 * 60 * 1000)
            .await?;
    if !seen {
        state
            .store
            .record(
                &order,
                &caller.actor(),
                how,
                Some(&what),
                Some(&caller.ctx.request_id),
                None,
            )
            .await?;
    }
    Ok((row, data))
}

/// The bytes of an attachment, with the type sniffed at upload.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", params(("id" = String, Path)),
    responses((status = 200, description = "the file, as sniffed at upload",
        content(("image/jpeg"), ("image/png"), ("application/pdf")))))]
pub async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (row, data) = readable(&state, &caller, &id, "download_attachment").await?;
    let extension = match row.content_type.as_str() {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        _ => "pdf",
    };
    let mut response = data.into_response();
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(&row.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "inline; filename=\"{}-{}.{extension}\"",
        row.order_no, row.kind
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", row.sha256)) {
        headers.insert(header::ETAG, v);
    }
    Ok(response)
}

/// How large a preview may be asked for.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PreviewQuery {
    /// Largest width in pixels: 16–2048, a value outside taken as the nearest; 1024 by
    /// default.
    width: Option<u32>,
    /// Largest height in pixels: 16–2048, a value outside taken as the nearest; 1024 by
    /// default.
    height: Option<u32>,
    /// The page of a PDF to show, from 1 (the default); an image has one. How many there
    /// are is said in `x-page-count`.
    #[param(minimum = 1)]
    page: Option<i64>,
}

/// An image attachment scaled down on the platform to fit `width`×`height` (keeping its
/// proportions; never scaled up), so a reviewer on a slow link receives only the pixels
/// their terminal can show. PNG for PNG scans, JPEG for photographs. A scanner's PDF is
/// shown a page at a time (`page`), each the picture it is (taken out in a process of its
/// own), `x-page-count` saying how many pages it has; a page that is drawn has no preview:
/// the answer (409 `no_preview`) gives the page count; download it instead. A page past
/// the last is refused (422, on the field `page`).
#[utoipa::path(get, path = "/api/v1/attachments/{id}/preview", params(("id" = String, Path), PreviewQuery),
    responses(
        (status = 200, description = "the scaled image: PNG for PNG scans, JPEG for photographs",
            content(("image/png"), ("image/jpeg")),
            headers(
                ("x-page-count" = u32, description = "the pages of the file: a PDF's, 1 for an image"),
                ("x-original-size" = String, description = "the picture's own width and height, `WxH`"),
            )),
        (status = 422, description = "`page` past the file's last page, or below 1 (`validation_failed`, on `page`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`no_preview`: the page is no picture the platform reads (drawn, a fax coding, too large; `page_count` gives the pages); `unreadable_image`: the image is damaged", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`checks_busy`: no turn to take the page out or decode it soon (ask again shortly); `unavailable`: the database is away", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn preview(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    crate::server::extract::ApiQuery(query): crate::server::extract::ApiQuery<PreviewQuery>,
) -> Result<Response, ApiError> {
    // Below 1 (0, -1): said so, as a page past the last is.
    let Some(page) = usize::try_from(query.page.unwrap_or(1))
        .ok()
        .filter(|page| *page > 0)
    else {
        return Err(no_such_page(0, None));
    };
    // Two previews of one reader's under way at once (each holds its file): more are
    // answered busy before the file is read, so one person's flood holds no one else's.
    let Some(_place) = state.uploads.place(&caller.operator.id) else {
        return Err(previews_busy());
    };
    let (row, data) = readable(&state, &caller, &id, "preview_attachment").await?;
    let (data, jpeg, pages) = if row.content_type == "application/pdf" {
        // A scanner's PDF: each page is a picture, taken out in a process of its own
        // (never parsed here) and shown as a photo is.
        match state
            .uploads
            .pdf_picture(&caller.operator.id, &id, &data, page)
            .await
        {
            PdfPicture::Taken(bytes, jpeg, pages) => (bytes, jpeg, pages),
            PdfPicture::NoSuchPage(pages) => return Err(no_such_page(page, Some(pages))),
            PdfPicture::NotOne(pages) => return Err(no_preview(page, pages)),
            PdfPicture::Busy => return Err(previews_busy()),
        }
    } else if page > 1 {
        return Err(no_such_page(page, Some(1)));
    } else {
        let jpeg = row.content_type == "image/jpeg";
        (data, jpeg, 1)
    };
    let width = query.width.unwrap_or(1024).clamp(16, 2048);
    let height = query.height.unwrap_or(1024).clamp(16, 2048);
    // Decoding is memory- and CPU-heavy: two at a time per instance and one per reader,
    // the rest wait — for as long as the counter's patience allows, then are asked to try
    // again. The turn goes with the decode: a reader who gives up frees it only when it
    // ends.
    let Some(turn) = state
        .uploads
        .preview_turn(&caller.operator.id, PREVIEW_DECODE_WAIT)
        .await
    else {
        return Err(previews_busy());
    };
    let scaled = tokio::task::spawn_blocking(move || {
        let _turn = turn;
        scale(&data, width, height, jpeg)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let (bytes, original) = match scaled {
        Ok(scaled) => scaled,
        // A picture past what is decoded here (a scanner's page; an image upload of more
        // pixels is refused, one longer than decoded is not): not damaged, only too large
        // to show.
        Err(Some((w, h))) => {
            return Err(ApiError::NoPreview {
                detail: Msg::with(
                    T::ProblemPictureTooLargeToShow,
                    [
                        page.to_string(),
                        pages.to_string(),
                        w.to_string(),
                        h.to_string(),
                        crate::domain::MAX_SIDE.to_string(),
                    ],
                ),
                pages: Some(pages),
            });
        }
        Err(None) => {
            return Err(ApiError::Conflict {
                code: "unreadable_image",
                detail: Msg::new(T::ProblemUnreadableImage),
                status: None,
                version: None,
            });
        }
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(if jpeg { "image/jpeg" } else { "image/png" }),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("{}x{}", original.0, original.1)) {
        headers.insert("x-original-size", v);
    }
    headers.insert("x-page-count", HeaderValue::from(pages));
    Ok(response)
}

/// A page asked for that the file does not have (`pages`, when known).
fn no_such_page(page: usize, pages: Option<usize>) -> ApiError {
    let msg = match pages {
        Some(pages) => Msg::with(T::ProblemNoSuchPage, [page.to_string(), pages.to_string()]),
        None => Msg::new(T::ProblemPagesFromOne),
    };
    ApiError::Validation(vec![("page".to_owned(), msg)])
}

/// A PDF page with no picture to show (drawn, not scanned), said with the PDF's page count
/// (read in the check's own process, never parsed here) when it was read: of a PDF of
/// several pages, that page only (the others may be pictures).
fn no_preview(page: usize, pages: Option<usize>) -> ApiError {
    ApiError::NoPreview {
        detail: match pages {
            Some(pages) if pages > 1 => Msg::with(
                T::ProblemPdfPageNoPreview,
                [page.to_string(), pages.to_string()],
            ),
            Some(pages) => Msg::with(T::ProblemPdfNoPreview, [pages.to_string()]),
            None => Msg::new(T::ProblemPdfNoPreviewUncounted),
        },
        pages,
    }
}

/// No turn to take a picture out or decode it soon: asked again shortly (the file is
/// fine).
fn previews_busy() -> ApiError {
    ApiError::Missing {
        code: "checks_busy",
        detail: Msg::new(T::ErrPreviewsBusy),
    }
}

use crate::server::scan_match::{self, PdfPicture};

/// How long a preview waits for a turn to decode: within the counter's 12 s with a PDF's
/// page taken out first.
const PREVIEW_DECODE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// A picture's width and height, in pixels.
type Size = (u32, u32);

/// Decodes ([`crate::domain::decode_upright_or_size`]: no decompression bombs, turned the way the
/// camera was held), scales to fit, encodes. Returns the bytes and the original size; or
/// its size when it is too large to decode here, `None` when it cannot be read.
fn scale(
    data: &[u8],
    width: u32,
    height: u32,
    jpeg: bool,
) -> Result<(Vec<u8>, Size), Option<Size>> {
    let image = crate::domain::decode_upright_or_size(data)?;
    let original = (image.width(), image.height());
    let image = if image.width() > width || image.height() > height {
        image.resize(width, height, image::imageops::FilterType::Triangle)
    } else {
        image
    };
    let mut out = std::io::Cursor::new(Vec::new());
    if jpeg {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80);
        image
            .to_rgb8()
            .write_with_encoder(encoder)
            .map_err(|_| None)?;
    } else {
        image
            .write_to(&mut out, image::ImageFormat::Png)
            .map_err(|_| None)?;
    }
    Ok((out.into_inner(), original))
}
