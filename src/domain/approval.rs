//! What an order must hold before a reviewer may approve it, as the CA's flow has it: the
//! customer verified by the real-name check as the very applicant (name and ID number),
//! and a scan of the signed application form (which carries the declaration accepting the
//! terms). The counter and the customer's pages only submit such orders; an order made
//! through the API without them can be paid, returned or cancelled, never approved.

use crate::i18n::T;

/// Something an order lacks for approval.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalGap {
    /// The customer has not passed the real-name check.
    NotVerified,
    /// The check passed for another name or ID number than the applicant's.
    NotTheApplicant,
    /// No scan of the signed form was uploaded.
    NoSignedForm,
}

impl ApprovalGap {
    /// The gap in words, for the reviewer.
    pub fn text(self) -> T {
        match self {
            ApprovalGap::NotVerified => T::GapNotVerified,
            ApprovalGap::NotTheApplicant => T::GapNotTheApplicant,
            ApprovalGap::NoSignedForm => T::GapNoSignedForm,
        }
    }

    /// The gap in a word or two, as the review queue marks an order.
    pub fn mark(self) -> T {
        match self {
            ApprovalGap::NotVerified => T::GapMarkNotVerified,
            ApprovalGap::NotTheApplicant => T::GapMarkNotTheApplicant,
            ApprovalGap::NoSignedForm => T::GapMarkNoSignedForm,
        }
    }

    /// The reason on the return checklist ([`super::RETURN_REASONS`]) that asks the
    /// customer for what is missing.
    pub fn return_reason(self) -> T {
        match self {
            ApprovalGap::NotVerified => T::ReasonNotVerified,
            ApprovalGap::NotTheApplicant => T::ReasonDataMismatch,
            ApprovalGap::NoSignedForm => T::ReasonNoSignedForm,
        }
    }
}

/// Whether the real-name check's `verified` name and ID number are the `applicant`'s: the
/// same name, and the same ID number with its check letter in either case.
pub fn verified_as(verified: (&str, &str), applicant: (&str, &str)) -> bool {
    verified.0.trim() == applicant.0.trim()
        && verified.1.trim().eq_ignore_ascii_case(applicant.1.trim())
}

/// What keeps an order from approval: `verified` is the name and ID number the customer's
/// real-name check established, `applicant` the order's; `signed_form` whether a scan of
/// the signed form (or a correction sent for it) is attached. Empty when it may be approved.
pub fn approval_gaps(
    verified: Option<(&str, &str)>,
    applicant: (&str, &str),
    signed_form: bool,
) -> Vec<ApprovalGap> {
    let mut gaps = Vec::new();
    match verified {
        None => gaps.push(ApprovalGap::NotVerified),
        Some(verified) if !verified_as(verified, applicant) => {
            gaps.push(ApprovalGap::NotTheApplicant);
        }
        Some(_) => {}
    }
    if !signed_form {
        gaps.push(ApprovalGap::NoSignedForm);
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "11010519491231002X";

    #[test]
    fn a_verified_applicant_with_a_signed_form_may_be_approved() {
        assert!(approval_gaps(Some(("张三", ID)), ("张三", ID), true).is_empty());
        // The ID number's check letter in either case is the same number.
        assert!(approval_gaps(Some(("张三", ID)), ("张三", &ID.to_lowercase()), true).is_empty());
    }

    #[test]
    fn each_gap_is_named() {
        assert_eq!(
            approval_gaps(None, ("张三", ID), false),
            [ApprovalGap::NotVerified, ApprovalGap::NoSignedForm]
        );
        assert_eq!(
            approval_gaps(Some(("王五", ID)), ("张三", ID), true),
            [ApprovalGap::NotTheApplicant]
        );
        assert_eq!(
            approval_gaps(Some(("张三", "110105194912310037")), ("张三", ID), true),
            [ApprovalGap::NotTheApplicant]
        );
        assert_eq!(
            approval_gaps(Some(("张三", ID)), ("张三", ID), false),
            [ApprovalGap::NoSignedForm]
        );
    }
}
