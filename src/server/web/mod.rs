//! The customer's own platform (the seed's self-service steps), served at `/`: sign in with
//! a code sent to a mobile number, apply (real name, project, terms, form, print, signed
//! scan, submit), and follow every order — also those made at a counter — with the one
//! next step each allows. Server-rendered pages (maud, escaping by default), no script,
//! zh-CN by default and English on request, every form guarded against other sites.

mod account;
pub(crate) mod apply;
mod edit;
pub(crate) mod form;
pub(crate) mod guard;

pub use guard::{no_such_page, request_lang, too_large_page, upload_form};
pub(crate) mod orders;
pub(crate) mod page;
mod session;
mod sign_in;
mod style;

use axum::Router;
use axum::middleware;
use axum::routing::get;

use super::AppState;

pub use guard::{FORM_FIELD, security_headers};
// The phone pages QR codes and text messages open are built on the same templates.
pub(crate) use guard::{LANG_COOKIE, cookie_attributes};
pub(crate) use session::{context, unavailable};
pub(crate) use style::stylesheet;

/// The customer platform's routes, guarded (security headers, same-origin forms).
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(orders::home))
        .route("/m/site.css", get(style::stylesheet))
        .route("/login", get(sign_in::phone_page).post(sign_in::send_code))
        .route(
            "/login/code",
            get(sign_in::code_page).post(sign_in::check_code),
        )
        .route("/logout", axum::routing::post(account::sign_out))
        .route("/account", get(account::page))
        .route(
            "/account/sessions/end",
            axum::routing::post(account::end_session),
        )
        .route("/apply", get(apply::page).post(apply::save))
        .route("/apply/form.pdf", get(apply::form_pdf))
        .route("/apply/scan", axum::routing::post(apply::upload_scan))
        .route("/apply/submit", axum::routing::post(apply::submit))
        .route("/orders", get(orders::list))
        .route("/orders/{order_no}", get(orders::page))
        .route(
            "/orders/{order_no}/pay",
            axum::routing::get(orders::pay_page).post(orders::pay),
        )
        .route(
            "/orders/{order_no}/transfer",
            axum::routing::post(orders::choose_transfer),
        )
        .route(
            "/orders/{order_no}/online",
            axum::routing::post(orders::choose_online),
        )
        .route(
            "/orders/{order_no}/cancel",
            get(orders::cancel_page).post(orders::cancel),
        )
        .route(
            "/orders/{order_no}/voucher",
            axum::routing::post(orders::upload_voucher),
        )
        .route(
            "/orders/{order_no}/correction",
            axum::routing::post(orders::upload_correction),
        )
        .route(
            "/orders/{order_no}/correction/{id}/withdraw",
            axum::routing::post(orders::withdraw_correction),
        )
        .route(
            "/orders/{order_no}/resubmit",
            axum::routing::post(orders::resubmit),
        )
        .route(
            "/orders/{order_no}/verify",
            axum::routing::post(orders::verify),
        )
        .route("/orders/{order_no}/edit", get(edit::page).post(edit::save))
        .route("/orders/{order_no}/invoice.pdf", get(orders::invoice_pdf))
        .route(
            "/orders/{order_no}/invoices/{file}",
            get(orders::invoice_pdf_by_no),
        )
        .route("/orders/{order_no}/form.pdf", get(orders::form_pdf))
        .route("/orders/{order_no}/receipt.pdf", get(orders::receipt_pdf))
        .route("/orders/{order_no}/notice.pdf", get(orders::notice_pdf))
        .route("/orders/{order_no}/slip.pdf", get(orders::slip_pdf))
        .layer(middleware::from_fn_with_state(state.clone(), guard::forms))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::error_pages,
        ))
        .layer(middleware::from_fn(guard::security_headers))
}
