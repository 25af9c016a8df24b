//! Files on an order: scans, vouchers, generated documents.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::orders::Actor;

/// What an attachment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// The generated application form (申请表).
    ApplicationForm,
    /// The scan of the signed form.
    SignedForm,
    /// Bank-transfer voucher.
    Voucher,
    /// Corrected material after a return.
    Correction,
    /// The e-invoice, made by the platform when the invoice is issued.
    Invoice,
    /// Anything else.
    Other,
}

impl AttachmentKind {
    /// Every kind.
    pub const ALL: [AttachmentKind; 6] = [
        AttachmentKind::ApplicationForm,
        AttachmentKind::SignedForm,
        AttachmentKind::Voucher,
        AttachmentKind::Correction,
        AttachmentKind::Invoice,
        AttachmentKind::Other,
    ];

    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::ApplicationForm => "application_form",
            AttachmentKind::SignedForm => "signed_form",
            AttachmentKind::Voucher => "voucher",
            AttachmentKind::Correction => "correction",
            AttachmentKind::Invoice => "invoice",
            AttachmentKind::Other => "other",
        }
    }

    /// What the kind is called in `lang`.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        use crate::i18n::T;
        match self {
            AttachmentKind::ApplicationForm => T::KindApplicationForm,
            AttachmentKind::SignedForm => T::KindSignedForm,
            AttachmentKind::Voucher => T::KindVoucher,
            AttachmentKind::Correction => T::KindCorrection,
            AttachmentKind::Invoice => T::KindInvoice,
            AttachmentKind::Other => T::KindOther,
        }
        .get(lang)
    }

    /// True for what may show an ID number, a phone, an address or a bank account: scans
    /// and documents of the applicant. Reading them needs the permission to reveal personal
    /// data and is recorded. The e-invoice, made by the platform for finance, does not.
    pub fn shows_personal_data(self) -> bool {
        !matches!(self, AttachmentKind::Invoice)
    }

    /// Parses the wire name.
    pub fn parse(name: &str) -> Option<AttachmentKind> {
        AttachmentKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// A stored file of an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Attachment {
    /// Attachment id.
    pub id: String,
    /// The order.
    pub order_no: String,
    /// What it is.
    pub kind: AttachmentKind,
    /// Sniffed from the content: `image/jpeg`, `image/png` or `application/pdf`.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// The file name the uploader gave (display only).
    pub filename: String,
    /// Who uploaded it.
    pub uploaded_by: Actor,
    /// When (RFC 3339).
    pub uploaded_at: String,
}
