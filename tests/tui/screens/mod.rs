//! The TUI drawn into ratatui's TestBackend at 80×24 (and other sizes), in zh-CN and
//! English, with snapshots of what each tab shows and checks of what keys do.

mod invoicing;
mod mailing;
mod newapp;
mod orders;
mod review;
mod safety;
