//! Pages that QR codes open on a customer's phone: small server-rendered HTML in Chinese,
//! no JavaScript.

use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use super::AppState;
use crate::i18n::{Lang, T};

mod invoice;
mod notice;
mod pay;
mod realname;

/// The phone pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/m/pay/{token}", get(pay::cashier).post(pay::pay))
        .route(
            "/m/invoice/{token}",
            get(invoice::form_page).post(invoice::submit),
        )
        .route("/m/notice/{token}", get(notice::notice_page))
        .route(
            "/m/realname/{token}",
            get(realname::page_for).post(realname::submit),
        )
}

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A complete phone page around `body`.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>\
         body{{font-family:system-ui,-apple-system,\"PingFang SC\",\"Microsoft YaHei\",sans-serif;margin:0;padding:1.2em;\
         max-width:32em;line-height:1.6;color:#111;background:#fafafa}}\
         h1{{font-size:1.3em}}dl{{display:grid;grid-template-columns:auto 1fr;gap:.3em 1em}}dt{{color:#555}}\
         dd{{margin:0}}.amount{{font-size:1.8em;font-weight:bold}}\
         button{{width:100%;padding:.9em;font-size:1.1em;border:0;border-radius:.4em;background:#1677ff;color:#fff}}\
         .ok{{color:#0a7d32}}.bad{{color:#b42318}}\
         label{{display:block;margin:.9em 0 .3em;color:#333}}\
         input:not([type=checkbox]):not([type=radio]){{width:100%;box-sizing:border-box;padding:.7em;font-size:1.1em;\
         border:1px solid #bbb;border-radius:.4em;background:#fff}}\
         label.consent{{display:flex;gap:.5em;align-items:flex-start;margin:1.2em 0}}\
         input[type=checkbox],input[type=radio]{{width:1.3em;height:1.3em;flex:none}}\
         .small{{color:#666;font-size:.9em}}fieldset{{border:1px solid #ddd;border-radius:.4em;margin:.9em 0}}p.bad{{margin:.2em 0}}.who b{{font-size:1.2em}}</style></head><body>{body}</body></html>",
        title = escape(title),
    );
    (status, Html(html)).into_response()
}

/// The page for a code that does not exist or no longer works.
pub fn gone(lang: Lang) -> Response {
    let text = T::PageNotFound.get(lang);
    page(
        StatusCode::NOT_FOUND,
        text,
        &format!("<h1 class=\"bad\">{}</h1>", escape(text)),
    )
}
