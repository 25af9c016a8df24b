//! The wire contract between the TUI and the platform: request and response types shared by
//! both sides, and the HTTP client the TUI uses.

mod client;
mod types;

pub use client::{
    Client, ClientError, EventStream, OrderQuery, PdfFile, ServerEvent, UNPRINTABLE_HEADER,
    install_tls_provider,
};
pub use types::*;

/// The path prefix of every API route.
pub const API_PREFIX: &str = "/api/v1";
