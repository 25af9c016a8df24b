//! ca-counter: the counter terminal of a certificate authority and the platform it talks to.

pub mod api;
pub mod config;
pub mod demo;
pub mod domain;
pub mod i18n;
pub mod server;
pub mod tui;
pub mod upload_check;
