//! Printed documents: the application form (申请表) the customer signs, the acceptance
//! receipt (受理回执), the correction notice (一次性告知书), the transfer slip, the
//! e-invoice and the mailing list with its labels. PDFs with selectable Chinese text, drawn
//! with the CJK font built into the program; a character that font lacks is drawn from a
//! system font when one has it; one that no font can draw is printed as its code point and
//! reported with the document, never as a blank box.
//!
//! `fonts`, `text` and `sheet` are the layout helpers; every other file is one document,
//! whose struct carries every word it prints (this module holds no user-facing text).

mod fonts;
mod form;
mod invoice;
mod mailing;
mod notice;
mod receipt;
mod sheet;
mod slip;
mod text;

pub use fonts::Fonts;
pub use form::{ApplicationForm, Authorization, FormRow, OfficeBlock, application_form};
pub use invoice::{InvoiceDocument, InvoiceLabels, InvoiceParty, invoice};
pub use mailing::{MailingCaptions, MailingLabel, MailingSheet, mailing_sheet};
pub use notice::{CorrectionNotice, correction_notice};
pub use receipt::{FollowCode, Receipt, receipt};
pub use sheet::Continued;
pub use slip::{TransferSlip, transfer_slip};

/// Why a document could not be made.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PdfError {
    /// The configured fallback font is not there.
    #[error("the font {0} (`[platform] pdf_font`) does not exist")]
    NoFont(String),
    /// The font file is not a font.
    #[error("{0} is not a usable font")]
    BadFont(String),
    /// The PDF writer failed.
    #[error("PDF: {0}")]
    Write(String),
}

/// A document ready to send, with the characters no font could draw (printed as their
/// code points, e.g. `[U+2A6A5]`, for the clerk to write in by hand).
#[derive(Debug, Clone)]
pub struct Pdf {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// Characters drawn as their code points because no font has them.
    pub unprintable: Vec<char>,
}

impl Pdf {
    /// `U+2A6A5 U+2B81D`, for a header or a log line; empty when every character printed.
    pub fn unprintable_codes(&self) -> String {
        self.unprintable
            .iter()
            .map(|c| format!("U+{:04X}", *c as u32))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// One labelled row of a form table.
#[derive(Debug, Clone)]
pub struct Row {
    /// Label, e.g. 申请人姓名.
    pub label: String,
    /// Value.
    pub value: String,
}

/// What the QR code on each page of a document names; the page number and count are
/// added page by page.
#[derive(Debug, Clone)]
pub struct PageCode {
    /// The document.
    pub kind: crate::domain::DocKind,
    /// Its order, or its application before the order exists.
    pub subject: crate::domain::DocSubject,
    /// Printed under the code: `{0}` the number, `{1}` the page, `{2}` the page count.
    pub caption: String,
    /// The form's edition ([`crate::domain::form_edition`]), in the code only.
    pub edition: Option<String>,
}

/// A box to tick and its label.
#[derive(Debug, Clone)]
pub struct Choice {
    /// What the box stands for, e.g. 新办.
    pub label: String,
    /// Ticked.
    pub ticked: bool,
}
