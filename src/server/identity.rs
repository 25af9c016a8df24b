//! Identity verification behind a trait: the built-in provider checks that the ID number
//! is valid and the name matches what the clerk registered; a third-party service
//! (face verification, the public-security ID check) plugs in as another provider.

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

/// A provider's answer.
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

/// The provider could not give an answer (network, service down).
#[derive(Debug, thiserror::Error)]
#[error("identity provider unavailable: {0}")]
pub struct Unavailable(pub String);

/// Verifies who a customer is.
pub trait IdentityProvider: Send + Sync {
    /// The provider's name, for the audit trail.
    fn name(&self) -> &'static str;

    /// Checks a claim.
    fn verify<'a>(&'a self, claim: &'a Claim) -> BoxFuture<'a, Result<Verdict, Unavailable>>;
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

/// The built-in provider: a valid ID number (GB 11643 check character, real birth date)
/// and the name the clerk registered.
#[derive(Debug, Default)]
pub struct Builtin;

impl IdentityProvider for Builtin {
    fn name(&self) -> &'static str {
        "builtin"
    }

    fn verify<'a>(&'a self, claim: &'a Claim) -> BoxFuture<'a, Result<Verdict, Unavailable>> {
        Box::pin(async move {
            let Ok(id_number) = IdNumber::parse(&claim.id_number) else {
                return Ok(Verdict::Refused {
                    reason: "id_number_invalid",
                });
            };
            if !same_name(&claim.name, &claim.expected_name) {
                return Ok(Verdict::Refused {
                    reason: "name_mismatch",
                });
            }
            Ok(Verdict::Verified {
                name: claim.name.trim().to_owned(),
                id_number,
            })
        })
    }
}

/// The provider named in the configuration.
pub fn provider(
    kind: crate::config::IdentityProvider,
) -> Option<std::sync::Arc<dyn IdentityProvider>> {
    match kind {
        crate::config::IdentityProvider::Builtin => Some(std::sync::Arc::new(Builtin)),
        crate::config::IdentityProvider::Alipay => None,
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
        let verdict = Builtin
            .verify(&claim(" 张 三", "11010519491231002x"))
            .await
            .ok();
        assert!(
            matches!(verdict, Some(Verdict::Verified { ref id_number, .. }) if id_number.as_str() == "11010519491231002X")
        );
        let wrong_number = Builtin
            .verify(&claim("张三", "110101199003077757"))
            .await
            .ok();
        assert_eq!(
            wrong_number,
            Some(Verdict::Refused {
                reason: "id_number_invalid"
            })
        );
        let wrong_name = Builtin
            .verify(&claim("张四", "11010519491231002X"))
            .await
            .ok();
        assert_eq!(
            wrong_name,
            Some(Verdict::Refused {
                reason: "name_mismatch"
            })
        );
        assert!(!same_name("", ""));
        assert!(same_name("Abdul·Karim", "ABDULKARIM"));
    }
}
