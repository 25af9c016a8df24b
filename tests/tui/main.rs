//! The counter terminal: every screen drawn into ratatui's TestBackend at 80×24 in zh-CN and
//! English, and the real binary in a pseudo-terminal against a real platform.

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/pty.rs"]
mod pty;

mod mailing;
mod newapp;
mod pty_orders;
mod review;
mod screens;
