//! Request and response bodies of API v1, one file per resource. Requests carry what a
//! person typed as plain strings so the platform can answer every bad field with its own
//! message.

mod attachments;
mod catalog;
mod customers;
mod invoicing;
mod mailing;
mod orders;
mod payments;
mod realname;
mod review;
mod system;

pub use attachments::*;
pub use catalog::*;
pub use customers::*;
pub use invoicing::*;
pub use mailing::*;
pub use orders::*;
pub use payments::*;
pub use realname::*;
pub use review::*;
pub use system::*;
