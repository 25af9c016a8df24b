//! The correction notice on the customer's phone: the return SMS links here (a 128-bit
//! token per order, like the invoice link) instead of referring to paper the customer may
//! never have had. Every reason, the deadline and how to correct without coming back.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;

use super::{Page, gone, hotline_link, unavailable};
use crate::domain::{OrderStatus, mask_name};
use crate::i18n::T;
use crate::server::AppState;
use crate::server::paper::{correction_deadline, date_in};
use crate::server::web::page::{Ctx, page};

/// `GET /m/notice/{token}` (the security headers of every phone page come from the router).
pub(super) async fn notice_page(
    State(state): State<AppState>,
    Page(ctx): Page,
    Path(token): Path<String>,
) -> Response {
    notice(&state, &ctx, &token).await
}

async fn notice(state: &AppState, ctx: &Ctx, token: &str) -> Response {
    let row = match state.store.order_by_notice_token(token).await {
        Ok(Some(row)) => row,
        Ok(None) => return gone(ctx),
        Err(e) => {
            tracing::error!(error = %e, "notice page");
            return unavailable(ctx);
        }
    };
    let title = ctx.t(T::DocCorrectionTitle);
    let status = row.status().ok();
    if status != Some(OrderStatus::Rejected) {
        let label = status
            .map(|s| s.customer_label(ctx.lang))
            .unwrap_or_default();
        return page(
            ctx,
            StatusCode::OK,
            title,
            html! {
                h1 { (title) }
                p { (ctx.fill(T::PageNoticeDone, &[&row.order_no, label])) }
                // Where the order is followed now (its page asks the customer to sign in).
                p { a href=(format!("/orders/{}", row.order_no)) { (ctx.t(T::PagePayBackToOrder)) } }
            },
        );
    }
    let reasons = row.return_reasons();
    let returned_at = match state.store.returned_at(&row).await {
        Ok(at) => at,
        Err(e) => {
            tracing::error!(error = %e, "notice page");
            return unavailable(ctx);
        }
    };
    let deadline = correction_deadline(state, returned_at);
    let deadline = date_in(ctx.lang, deadline);
    // Returned for the check alone, the customer's tries for the day spent: said in place
    // of the way to a check that cannot be tried today.
    let only_the_check = crate::domain::only_the_check(&reasons);
    // (Verified since — at a counter, or on a try that counted —: nothing is spent for it.)
    let verified = match state.store.customer(&row.customer_id).await {
        Ok(customer) => customer.is_some_and(|c| c.realname_verified_at.is_some()),
        Err(_) => false,
    };
    let spent = if only_the_check && !verified {
        crate::server::web::apply::realname_tries_spent(ctx, state, &row.customer_id)
            .await
            .ok()
            .flatten()
    } else {
        None
    };
    page(
        ctx,
        StatusCode::OK,
        title,
        html! {
            h1 { (title) }
            dl {
                dt { (ctx.t(T::PageOrder)) } dd { (row.order_no) }
                // An organisation's name is public and is how it knows its application; a
                // person's is masked (the link may be seen over a shoulder).
                dt { (ctx.t(T::DocApplicantName)) } dd {
                    @if row.user_type == crate::domain::UserType::Organization.as_str() {
                        (row.display_name)
                    } @else {
                        (mask_name(&row.display_name))
                    }
                }
                dt { (ctx.t(T::DocProduct)) } dd { (row.project_name) " · " (row.product_name) }
                // Short: the rest to transfer, not the whole amount again.
                @if let Some(rest) = crate::server::paper::still_to_transfer(&row, &reasons, ctx.lang) {
                    dt { (ctx.t(T::DocStillToTransfer)) } dd { strong { (rest) } }
                }
            }
            h2 { (ctx.fill(T::PageNoticeReasons, &[&reasons.len().to_string()])) }
            // The checklist's reasons in the page's language (a reviewer's own words as
            // written).
            ol { @for reason in &reasons { li { (crate::domain::return_reason_in(reason, ctx.lang)) } } }
            h2 { (ctx.t(T::DocDeadlineHeading)) }
            p { (ctx.fill(crate::server::paper::deadline_text(&row).1, &[&deadline])) }
            h2 { (ctx.t(T::DocByPhoneHeading)) }
            @if only_the_check {
                // Returned for the check alone: it is done on the order's page, nothing to
                // upload; or at a counter with the ID card.
                @if let Some(said) = &spent {
                    p.bad role="status" { (said) }
                    p { a href=(format!("/orders/{}", row.order_no)) { (ctx.fill(T::PageRealnameToOrder, &[&row.order_no])) } }
                } @else {
                    p { (ctx.t(T::PageNoticeOnlineCheck)) }
                    p { a.button href=(format!("/orders/{}", row.order_no)) { (ctx.t(T::PageNoticeCheckHere)) } }
                }
                p { (ctx.t(T::PageNoticeCheckAtCounter)) }
            } @else if crate::domain::answered_by_a_voucher(&reasons) {
                // Returned for the transfer's voucher: the voucher to upload, nothing to
                // print or sign.
                p { (ctx.t(T::PageNoticeOnlineVoucher)) }
                p { a.button href=(format!("/orders/{}", row.order_no)) { (ctx.t(T::PageNoticeUploadVoucher)) } }
                p { (ctx.fill(T::PageNoticeHowVoucher, &[&ctx.hotline])) }
                @if crate::domain::asks_for_the_check(&reasons) {
                    p { (ctx.t(T::DocByPhoneCheckToo)) }
                }
            } @else {
                // The quickest way first: the customer uploads it on their own order page
                // (signing in with a code texted to the phone the order gave).
                p { (ctx.t(T::PageNoticeOnline)) }
                p { a.button href=(format!("/orders/{}", row.order_no)) { (ctx.t(T::PageNoticeUploadHere)) } }
                // An individual signs; an organisation signs and stamps.
                p { (ctx.fill(if row.user_type == "organization" { T::PageNoticeHow } else { T::PageNoticeHowPerson }, &[&ctx.hotline])) }
            }
            (hotline_link(ctx))
        },
    )
}
