//! Shared widgets.

pub mod input;
pub mod path;
pub mod picture;
pub mod qr;
