//! The wire contract between the TUI and the platform: request and response types shared by
//! both sides, and the HTTP client the TUI uses.

mod client;
pub mod schemas;
mod types;

pub use client::{
    COUNTS_EVENT_HEADER, Client, ClientError, Counts, EventStream, OrderQuery, PdfFile, PhonePage,
    Preview, ServerEvent, UNPRINTABLE_HEADER, install_tls_provider, submit_phone_form,
};
pub use types::*;

/// The hidden field that carries a phone page's form token (see [`PHONE_FORM_COOKIE`]).
pub const PHONE_FORM_FIELD: &str = "form_token";
/// The `SameSite=Strict` cookie a phone page sets; its forms are accepted only with the same
/// token in [`PHONE_FORM_FIELD`], so another site cannot post them.
pub const PHONE_FORM_COOKIE: &str = "m_form";

/// The most orders a work queue (review, mailing, invoicing) lists at once, oldest first;
/// more would not fit a day. The per-status counts tell how many wait in all.
pub const QUEUE_LIMIT: usize = 500;

/// The path prefix of every API route.
pub const API_PREFIX: &str = "/api/v1";
