//! Files on an order: scans, vouchers, generated documents.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::orders::Actor;
use crate::domain::{Action, Permission};

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

    /// Whether a file of this kind is the signed application form: its scan, or one sent
    /// again as a correction after a return. An order needs one to be approved.
    pub fn carries_signed_form(self) -> bool {
        matches!(
            self,
            AttachmentKind::SignedForm | AttachmentKind::Correction
        )
    }

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

    /// Whether the file came from outside (a customer or a clerk supplied it), not made by
    /// the platform: the same bytes on two orders of these kinds are said to the reviewer
    /// (`Attachment::also_on`).
    pub fn supplied(self) -> bool {
        !matches!(
            self,
            AttachmentKind::ApplicationForm | AttachmentKind::Invoice
        )
    }

    /// The permissions any one of which opens a file of this kind (its preview, a
    /// download): the one rule the platform enforces and the counter's keys follow.
    /// Every attachment shows personal data (an individual's invoice names their ID
    /// number as the buyer's tax number, a special one their bank account), so each needs
    /// the permission to reveal it — but the e-invoice, which finance makes and sends, is
    /// finance's to read too. Every read is recorded in the order's history.
    pub fn opened_with(self) -> &'static [Permission] {
        match self {
            AttachmentKind::Invoice => &[
                Permission::Act(Action::IssueInvoice),
                Permission::RevealPersonalData,
            ],
            _ => &[Permission::RevealPersonalData],
        }
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
    /// For a signed form or a correction: what its QR codes said about the order. The
    /// review screen shows [`ScanCheck::describe`].
    #[serde(default)]
    pub scan_check: Option<ScanCheck>,
    /// For a file a customer or clerk supplied: the other orders that carry the same bytes
    /// as a supplied file (one transfer voucher sent for two orders, a scan sent again for
    /// another order), by order number, ascending. Empty when none does.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_on: Vec<String>,
}

impl Attachment {
    /// What staff read beside the file when another order carries the same bytes
    /// (`also_on`): for a voucher, to check the transfer pays for each order.
    pub fn also_on_said(&self, lang: crate::i18n::Lang) -> Option<String> {
        use crate::i18n::T;
        if self.also_on.is_empty() {
            return None;
        }
        let text = if self.kind == AttachmentKind::Voucher {
            T::VoucherAlsoOn
        } else {
            T::FileAlsoOn
        };
        Some(text.fill(lang, &[&self.also_on.join(T::ListJoin.get(lang))]))
    }
}

/// What the QR code check of an uploaded scan found (signed forms and corrections).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScanOutcome {
    /// Every code read names this order (or its application reference).
    Matches,
    /// No code of ours was read: a blank page, a photo too blurred or cut, or paper
    /// printed without one. Accepted, to be checked by eye.
    NoCode,
    /// A PDF upload whose pages are not pictures (drawn, not scanned; a fax's coding): its
    /// code could not be read, so it was not checked. (A scanner's PDF, its pages
    /// pictures, is read like a photo: `matches`, `no_code`.)
    NotChecked,
    /// The image could not be decoded (damaged, or larger than 40 megapixels).
    Unreadable,
    /// An organisation's form of this order, printed before its name, credit code or legal
    /// representative was corrected: it no longer says what the order says. (Such a scan
    /// is refused once the order is corrected; one uploaded before is shown so after.)
    Outdated,
}

/// The check of a scan against its order's printed QR codes, kept with the attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScanCheck {
    /// The verdict.
    pub outcome: ScanOutcome,
    /// The order number (or application reference) the codes name, when one was read.
    #[serde(default)]
    pub found: Option<String>,
    /// The page numbers read, ascending.
    #[serde(default)]
    pub pages_read: Vec<u32>,
    /// The page count the codes give.
    #[serde(default)]
    pub pages: Option<u32>,
    /// The printed document the codes are on: `form`, `receipt`, `notice`, `slip`.
    #[serde(default)]
    pub document: Option<String>,
    /// The edition an organisation's form carries in its codes (`K3Q9`): what it says of
    /// the organisation, in short.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition: Option<String>,
}

impl ScanCheck {
    /// True when nothing needs a second look: the codes name this order and every page
    /// of the document was read.
    pub fn is_ok(&self) -> bool {
        self.outcome == ScanOutcome::Matches
            && self
                .pages
                .is_some_and(|n| self.pages_read.len() as u32 == n)
    }

    /// The line a reviewer reads about `order_no`'s scan, in `lang`: e.g.
    /// `二维码相符：订单 HN20261128000001，共 1 页，页页齐全 ✓`, or a warning starting with ⚠.
    pub fn describe(&self, order_no: &str, lang: crate::i18n::Lang) -> String {
        use crate::i18n::T;
        let pages = self.pages.unwrap_or(1).to_string();
        let read = self
            .pages_read
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join("、");
        match self.outcome {
            // Before the order exists, what the code names is the application.
            // Every page read: how many there are (a page number here read as the one shown).
            ScanOutcome::Matches if self.is_ok() && !order_no.starts_with("HN") => {
                T::ScanMatchesApplication.fill(lang, &[order_no, &pages])
            }
            ScanOutcome::Matches if self.is_ok() => T::ScanMatches.fill(lang, &[order_no, &pages]),
            ScanOutcome::Matches if !order_no.starts_with("HN") => {
                T::ScanPagesMissingApplication.fill(lang, &[order_no, &read, &pages])
            }
            ScanOutcome::Matches => T::ScanPagesMissing.fill(lang, &[order_no, &read, &pages]),
            ScanOutcome::NoCode => T::ScanNoCode.get(lang).to_owned(),
            ScanOutcome::NotChecked => T::ScanNotChecked.get(lang).to_owned(),
            ScanOutcome::Unreadable => T::ScanUnreadable.get(lang).to_owned(),
            ScanOutcome::Outdated => T::ScanOutdated.get(lang).to_owned(),
        }
    }
}
