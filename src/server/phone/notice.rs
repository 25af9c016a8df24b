//! The correction notice on the customer's phone: the return SMS links here (a 128-bit
//! token per order, like the invoice link) instead of referring to paper the customer may
//! never have had. Every reason, the deadline and how to correct without coming back.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{escape, gone, page, unavailable};
use crate::domain::{OrderStatus, mask_name};
use crate::i18n::{Lang, T};
use crate::server::AppState;
use crate::server::paper::{chinese_date, correction_deadline};

const LANG: Lang = Lang::ZhCn;

/// `GET /m/notice/{token}` (the security headers of every phone page come from the router).
pub(super) async fn notice_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Response {
    notice(&state, &token).await
}

async fn notice(state: &AppState, token: &str) -> Response {
    let row = match state.store.order_by_notice_token(token).await {
        Ok(Some(row)) => row,
        Ok(None) => return gone(LANG, &state.config.hotline),
        Err(e) => {
            tracing::error!(error = %e, "notice page");
            return unavailable(LANG);
        }
    };
    let title = T::DocCorrectionTitle.get(LANG);
    let status = row.status().ok();
    if status != Some(OrderStatus::Rejected) {
        let label = status.map(|s| s.label(LANG)).unwrap_or_default();
        let body = format!(
            "<h1>{title}</h1><p>{text}</p>",
            title = escape(title),
            text = escape(&T::PageNoticeDone.fill(LANG, &[&row.order_no, label])),
        );
        return page(StatusCode::OK, title, &body);
    }
    let reasons: Vec<String> = row
        .rejection_json
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_default();
    let returned_at = match state.store.history(&row.id).await {
        Ok(history) => history
            .iter()
            .rev()
            .find(|h| h.action == "reject")
            .map_or(row.updated_at, |h| h.at),
        Err(e) => {
            tracing::error!(error = %e, "notice page");
            return unavailable(LANG);
        }
    };
    let deadline = chinese_date(correction_deadline(state, returned_at));
    let hotline = &state.config.hotline;
    let dial: String = hotline.chars().filter(char::is_ascii_digit).collect();
    let items: String = reasons
        .iter()
        .map(|r| format!("<li>{}</li>", escape(r)))
        .collect();
    let body = format!(
        "<h1>{title}</h1>\
         <dl><dt>{order_label}</dt><dd>{order_no}</dd><dt>{name_label}</dt><dd>{name}</dd>\
         <dt>{product_label}</dt><dd>{product}</dd></dl>\
         <h2>{reasons_heading}</h2><ol>{items}</ol>\
         <h2>{deadline_heading}</h2><p>{deadline_text}</p>\
         <h2>{how_heading}</h2><p>{how_text}</p>\
         <p>{call} <a href=\"tel:{dial}\">{hotline}</a></p>",
        title = escape(title),
        order_label = escape(T::PageOrder.get(LANG)),
        order_no = escape(&row.order_no),
        name_label = escape(T::DocApplicantName.get(LANG)),
        name = escape(&mask_name(&row.display_name)),
        product_label = escape(T::DocProduct.get(LANG)),
        product = escape(&format!("{} · {}", row.project_name, row.product_name)),
        reasons_heading = escape(&T::PageNoticeReasons.fill(LANG, &[&reasons.len().to_string()])),
        deadline_heading = escape(T::DocDeadlineHeading.get(LANG)),
        deadline_text = escape(&T::PageNoticeDeadline.fill(LANG, &[&deadline])),
        how_heading = escape(T::DocByPhoneHeading.get(LANG)),
        how_text = escape(&T::PageNoticeHow.fill(LANG, &[hotline])),
        call = escape(T::PageNoticeCall.get(LANG)),
        hotline = escape(hotline),
    );
    page(StatusCode::OK, title, &body)
}
