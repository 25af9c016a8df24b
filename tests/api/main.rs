//! API v1 against a real platform on an ephemeral port, on SQLite and on PostgreSQL.

#[path = "../common/mod.rs"]
mod common;

mod alipay;
mod attachments;
mod auth;
mod catalog;
mod documents;
mod events;
mod lifecycle;
mod lists;
mod mailing;
mod orders;
mod realname;
mod review;
mod tracking;
