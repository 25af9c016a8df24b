//! Shared widgets.

pub mod input;
pub mod path;
pub mod qr;
