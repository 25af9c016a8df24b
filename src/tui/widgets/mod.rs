//! Shared widgets.

pub mod input;
