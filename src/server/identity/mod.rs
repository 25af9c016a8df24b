//! Identity verification behind a trait. Every claim is first checked here (a valid ID
//! number, the name the clerk registered); then the provider decides. The built-in demo
//! provider decides at once on those checks alone; Alipay's identity verification
//! (`alipay.rs`) sends the customer to a face check in the Alipay app and is asked
//! afterwards whether it passed.

pub mod alipay;
pub mod checks;

use futures_util::future::BoxFuture;

use crate::domain::{IdNumber, normalize_width};

/// What the customer claimed on their phone.
#[derive(Debug, Clone)]
pub struct Claim {
    /// The name the clerk registered for the customer.
    pub expected_name: String,
    /// The full name the customer typed.
    pub name: String,
    /// The ID number the customer typed.
    pub id_number: String,
}

/// A decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// This is the person; their name and ID number as verified.
    Verified {
        /// Full name.
        name: String,
        /// The ID number, normalised.
        id_number: IdNumber,
    },
    /// Not verified; `reason` is a stable code: `id_number_invalid` or `name_mismatch`
    /// (providers may add their own).
    Refused {
        /// Why.
        reason: &'static str,
    },
}

/// Where the customer comes back to after an outside check, and our number for it.
#[derive(Debug, Clone)]
pub struct CheckRequest {
    /// Our unique number for this check (at most 32 letters and digits).
    pub outer_order_no: String,
    /// The page the provider sends the customer back to.
    pub return_url: String,
}

/// What starting a check gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Started {
    /// Decided at once.
    Decided(Verdict),
    /// The customer goes on to the provider: its transaction id and the URL to open.
    Redirect {
        /// The provider's id of the check (Alipay's `certify_id`).
        transaction_id: String,
        /// What the customer's phone opens.
        url: String,
    },
}

/// A provider's answer about a check in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    /// Passed; the SHA-256 of the material the provider returned, if any (the material
    /// itself — a face picture — is not kept).
    Passed {
        /// Hex SHA-256 of the material.
        material_sha256: Option<String>,
    },
    /// Not passed, or not finished yet: the provider does not tell which.
    NotPassed,
}

/// The provider could not give an answer (network, service down, a bad signature).
#[derive(Debug, thiserror::Error)]
#[error("identity provider unavailable: {0}")]
pub struct Unavailable(pub String);

/// Verifies who a customer is.
pub trait IdentityProvider: Send + Sync {
    /// The provider's name, for the audit trail (`builtin`, `alipay`).
    fn name(&self) -> &'static str;

    /// Starts checking a claim that passed [`precheck`] (as `id_number`).
    fn start<'a>(
        &'a self,
        claim: &'a Claim,
        id_number: &'a IdNumber,
        request: &'a CheckRequest,
    ) -> BoxFuture<'a, Result<Started, Unavailable>>;

    /// Asks about a check in flight (never called for a provider that decides at once).
    fn check<'a>(&'a self, transaction_id: &'a str) -> BoxFuture<'a, Result<Checked, Unavailable>>;
}

/// A reason code's words.
/// (One the platform does not know reads as the service being unavailable.)
pub fn reason_text(code: Option<&str>) -> crate::i18n::T {
    code.and_then(crate::domain::realname_reason)
        .unwrap_or(crate::i18n::T::RealnameUnavailable)
}

/// The checks every claim passes before any provider is asked: the ID number is valid
/// (GB 11643 check character, a real birth date) and the name is the one registered at the
/// counter (when one was). A refusal is a stable reason code.
pub fn precheck(claim: &Claim) -> Result<IdNumber, &'static str> {
    let id_number = IdNumber::parse(&claim.id_number).map_err(|_| "id_number_invalid")?;
    // Online, nobody typed the name beforehand: the provider's check is what verifies it.
    if !claim.expected_name.trim().is_empty() && !same_name(&claim.name, &claim.expected_name) {
        return Err("name_mismatch");
    }
    Ok(id_number)
}

/// Names compare without spaces and with full-width letters folded (`张 三` = `张三`).
pub fn same_name(a: &str, b: &str) -> bool {
    let fold = |s: &str| -> String {
        normalize_width(s)
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '·' && *c != '•')
            .collect::<String>()
            .to_lowercase()
    };
    let (a, b) = (fold(a), fold(b));
    !a.is_empty() && a == b
}

/// The built-in demo provider: [`precheck`] alone. Anyone who knows a person's ID number
/// and name passes it; it is a demo and says so.
#[derive(Debug, Default)]
pub struct Builtin;

impl IdentityProvider for Builtin {
    fn name(&self) -> &'static str {
        "builtin"
    }

    fn start<'a>(
        &'a self,
        claim: &'a Claim,
        id_number: &'a IdNumber,
        _request: &'a CheckRequest,
    ) -> BoxFuture<'a, Result<Started, Unavailable>> {
        Box::pin(async move {
            Ok(Started::Decided(Verdict::Verified {
                name: claim.name.trim().to_owned(),
                id_number: id_number.clone(),
            }))
        })
    }

    fn check<'a>(
        &'a self,
        _transaction_id: &'a str,
    ) -> BoxFuture<'a, Result<Checked, Unavailable>> {
        Box::pin(async { Ok(Checked::NotPassed) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(name: &str, id: &str) -> Claim {
        Claim {
            expected_name: "张三".into(),
            name: name.into(),
            id_number: id.into(),
        }
    }

    #[tokio::test]
    async fn the_builtin_provider_checks_the_number_and_the_name() {
        let request = CheckRequest {
            outer_order_no: "x".into(),
            return_url: "http://x".into(),
        };
        let right = claim(" 张 三", "11010519491231002x");
        let id = precheck(&right).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(id.as_str(), "11010519491231002X");
        let started = Builtin.start(&right, &id, &request).await.ok();
        assert!(matches!(
            started,
            Some(Started::Decided(Verdict::Verified { ref id_number, .. })) if id_number.as_str() == "11010519491231002X"
        ));
        assert_eq!(
            precheck(&claim("张三", "110101199003077757")).err(),
            Some("id_number_invalid")
        );
        assert_eq!(
            precheck(&claim("张四", "11010519491231002X")).err(),
            Some("name_mismatch")
        );
        assert!(!same_name("", ""));
        assert!(same_name("Abdul·Karim", "ABDULKARIM"));
    }
}
