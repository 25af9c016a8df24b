//! The platform: API v1 against a real platform on an ephemeral port, on SQLite and on
//! PostgreSQL; its providers against local stand-ins (kuaidi100, SMTP); the documents read
//! back with poppler; the `ca-counter` binary's command line.

#[path = "../common/mod.rs"]
mod common;

mod alipay;
mod alipay_identity;
mod attachments;
mod auth;
mod catalog;
mod cli;
mod connections;
mod contract;
mod corrections;
mod crash;
mod demo_parts;
mod documents;
mod event_fanout;
mod event_order;
mod events;
mod faults;
mod hostile_text;
mod invoice_reversal;
mod kuaidi100_client;
mod lifecycle;
mod lists;
mod mailing;
mod orders;
mod paper;
mod pdf_documents;
mod races;
mod realname;
mod review;
mod scan_upload;
mod search;
mod self_service;
mod sms_outbox;
mod smtp_mail;
mod tracking;
mod upload_check;
