//! The real-name check's reason codes: one table of what each says, for the platform's
//! pages and answers and for the counter, which words them in its own language (a reason
//! read while the counter was in Chinese reads in English after `Ctrl-L`).

use crate::i18n::T;

/// Why a check did not pass when the customer came back from it.
pub const FACE_FAILED: &str = "face_failed";
/// Why a session ended with a check the customer never finished.
pub const FACE_ABANDONED: &str = "face_abandoned";

/// The words of a reason code this build knows (`None` for one it does not: the
/// platform's own words stand then).
pub fn realname_reason(code: &str) -> Option<T> {
    Some(match code {
        "id_number_invalid" => T::RealnameIdInvalid,
        "name_mismatch" => T::RealnameNameMismatch,
        "order_id_mismatch" => T::RealnameOrderIdMismatch,
        FACE_FAILED => T::RealnameFaceFailed,
        FACE_ABANDONED => T::RealnameFaceAbandoned,
        "provider_unavailable" => T::RealnameUnavailable,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_reasons_have_words_and_unknown_ones_none() {
        assert_eq!(
            realname_reason("name_mismatch"),
            Some(T::RealnameNameMismatch)
        );
        assert_eq!(realname_reason(FACE_FAILED), Some(T::RealnameFaceFailed));
        assert_eq!(realname_reason("a_reason_from_a_newer_platform"), None);
    }
}
