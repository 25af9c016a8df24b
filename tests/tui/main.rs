//! The counter terminal: every screen drawn into ratatui's TestBackend at 80×24 in zh-CN and
//! English (snapshots, and a walk through every screen checking nothing is cut), the live
//! link, and the real binary in a pseudo-terminal against a real platform.

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/pty.rs"]
mod pty;

mod events;
mod fixtures;
mod layering;
mod live;
mod mailing;
mod newapp;
mod pty_orders;
mod review;
mod screens;
mod walk;
