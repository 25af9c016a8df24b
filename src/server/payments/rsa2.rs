//! RSA2 as Alipay uses it: SHA256withRSA, PKCS#1 v1.5, base64, over the parameters sorted by
//! name and joined as `k=v&k=v`. A request leaves out empty values and its signature; what
//! Alipay signs (a notification) covers every parameter but `sign` and `sign_type`, empty
//! values included, and is verified the same way.

use std::collections::BTreeMap;

use base64::Engine;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding,
};
use rsa::signature::{SignatureEncoding, Signer as _, Verifier as _};
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;

/// A key that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("not an RSA key (PEM or base64 DER, PKCS#1 or PKCS#8): {0}")]
pub struct BadKey(String);

/// The string a request is signed over: `params` sorted by name, empty values and `exclude`d
/// names dropped, joined as `k=v&k=v` with raw (not URL-encoded) values.
pub fn sign_string(params: &BTreeMap<String, String>, exclude: &[&str]) -> String {
    join(params, exclude, false)
}

/// The string Alipay signed a notification over: every parameter except `sign` and
/// `sign_type`, sorted, empty values kept (`passback_params=`), as Alipay's SDKs verify.
pub fn notify_sign_string(params: &BTreeMap<String, String>) -> String {
    join(params, &["sign", "sign_type"], true)
}

fn join(params: &BTreeMap<String, String>, exclude: &[&str], keep_empty: bool) -> String {
    params
        .iter()
        .filter(|(k, v)| (keep_empty || !v.is_empty()) && !exclude.contains(&k.as_str()))
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn der_of(text: &str) -> Option<Vec<u8>> {
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<String>();
    let body: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(body).ok()
}

/// Signs with a private key (the merchant's, or the sandbox's).
#[derive(Clone)]
pub struct Signer {
    key: SigningKey<Sha256>,
    private: RsaPrivateKey,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(…)")
    }
}

impl Signer {
    /// Reads a private key: PEM (`BEGIN PRIVATE KEY` or `BEGIN RSA PRIVATE KEY`), or the
    /// bare base64 that Alipay's key tool writes.
    pub fn from_text(text: &str) -> Result<Signer, BadKey> {
        let trimmed = text.trim();
        let private = RsaPrivateKey::from_pkcs8_pem(trimmed)
            .or_else(|_| RsaPrivateKey::from_pkcs1_pem(trimmed))
            .or_else(|_| {
                let der = der_of(trimmed).ok_or_else(|| BadKey("not base64".into()))?;
                RsaPrivateKey::from_pkcs8_der(&der)
                    .or_else(|_| RsaPrivateKey::from_pkcs1_der(&der))
                    .map_err(|e| BadKey(e.to_string()))
            })?;
        Ok(Signer::new(private))
    }

    /// A new 2048-bit key.
    pub fn generate() -> Result<Signer, BadKey> {
        let private =
            RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).map_err(|e| BadKey(e.to_string()))?;
        Ok(Signer::new(private))
    }

    fn new(private: RsaPrivateKey) -> Signer {
        Signer {
            key: SigningKey::<Sha256>::new(private.clone()),
            private,
        }
    }

    /// The base64 signature of `data`.
    pub fn sign(&self, data: &str) -> String {
        let signature = self.key.sign(data.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(signature.to_bytes())
    }

    /// The private key as PKCS#8 PEM.
    pub fn private_pem(&self) -> Result<String, BadKey> {
        self.private
            .to_pkcs8_pem(LineEnding::LF)
            .map(|pem| pem.to_string())
            .map_err(|e| BadKey(e.to_string()))
    }

    /// The matching public key.
    pub fn verifier(&self) -> Verifier {
        Verifier::new(RsaPublicKey::from(&self.private))
    }
}

/// Checks signatures with a public key (Alipay's, or the sandbox's).
#[derive(Clone)]
pub struct Verifier {
    key: VerifyingKey<Sha256>,
    public: RsaPublicKey,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Verifier(…)")
    }
}

impl Verifier {
    /// Reads a public key: PEM (`BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC KEY`), or the bare
    /// base64 Alipay's console shows.
    pub fn from_text(text: &str) -> Result<Verifier, BadKey> {
        let trimmed = text.trim();
        let public = RsaPublicKey::from_public_key_pem(trimmed)
            .or_else(|_| RsaPublicKey::from_pkcs1_pem(trimmed))
            .or_else(|_| {
                let der = der_of(trimmed).ok_or_else(|| BadKey("not base64".into()))?;
                RsaPublicKey::from_public_key_der(&der)
                    .or_else(|_| RsaPublicKey::from_pkcs1_der(&der))
                    .map_err(|e| BadKey(e.to_string()))
            })?;
        Ok(Verifier::new(public))
    }

    fn new(public: RsaPublicKey) -> Verifier {
        Verifier {
            key: VerifyingKey::<Sha256>::new(public.clone()),
            public,
        }
    }

    /// True when `signature` (base64) is a valid signature of `data`.
    pub fn verify(&self, data: &[u8], signature: &str) -> bool {
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(signature.trim()) else {
            return false;
        };
        let Ok(signature) = Signature::try_from(bytes.as_slice()) else {
            return false;
        };
        self.key.verify(data, &signature).is_ok()
    }

    /// The public key as SPKI PEM.
    pub fn public_pem(&self) -> Result<String, BadKey> {
        self.public
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| BadKey(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MERCHANT_KEY: &str = include_str!("testdata/merchant_private.pem");
    const MERCHANT_PUBLIC: &str = include_str!("testdata/merchant_public.pem");
    const SIGN_STRING: &str = include_str!("testdata/sign_string.txt");
    /// `openssl dgst -sha256 -sign merchant_private.pem sign_string.txt | base64`.
    const OPENSSL_SIGNATURE: &str = include_str!("testdata/sign_string.sig");

    fn precreate_params() -> BTreeMap<String, String> {
        [
            ("app_id", "2021000000000001"),
            ("method", "alipay.trade.precreate"),
            ("format", "JSON"),
            ("charset", "utf-8"),
            ("sign_type", "RSA2"),
            ("timestamp", "2026-11-28 16:32:05"),
            ("version", "1.0"),
            ("notify_url", "https://ca.example.cn/api/v1/payments/alipay/notify"),
            ("app_auth_token", ""),
            (
                "biz_content",
                r#"{"out_trade_no":"HN20261128000001-1","subject":"湘潭市公共资源交易系统 个人证书（1年）","timeout_express":"15m","total_amount":"300.00"}"#,
            ),
            ("sign", "to be replaced"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    #[test]
    fn the_request_sign_string_is_sorted_drops_empties_and_sign_but_keeps_sign_type() {
        let text = sign_string(&precreate_params(), &["sign"]);
        assert_eq!(text, SIGN_STRING);
        assert!(
            text.starts_with("app_id=")
                && text.contains("&sign_type=RSA2&")
                && !text.contains("app_auth_token")
        );
    }

    #[test]
    fn notify_verification_drops_sign_and_sign_type_and_keeps_empty_values() {
        let mut params = precreate_params();
        params.insert("trade_status".into(), "TRADE_SUCCESS".into());
        let text = notify_sign_string(&params);
        assert!(
            !text.contains("sign_type") && !text.contains("sign="),
            "{text}"
        );
        assert!(text.contains("&trade_status=TRADE_SUCCESS&"));
        assert!(text.starts_with("app_auth_token=&"), "{text}");
    }

    /// A notification signed as Alipay's SDK signs it (`AlipaySignature.getSignCheckContentV1`:
    /// every parameter but `sign` and `sign_type`, sorted, empty values included) verifies;
    /// leaving the empty `passback_params=` out, as requests do, would not.
    #[test]
    fn an_sdk_signed_notify_with_an_empty_value_verifies() {
        let gateway = Signer::from_text(include_str!("testdata/gateway_private.pem"))
            .unwrap_or_else(|e| panic!("{e}"));
        let params: BTreeMap<String, String> = [
            ("app_id", "2021000000000001"),
            ("charset", "utf-8"),
            ("gmt_payment", "2026-11-28 16:39:58"),
            ("notify_id", "ac05099524730693a8b330c5ecf72da9786"),
            ("notify_time", "2026-11-28 16:40:00"),
            ("notify_type", "trade_status_sync"),
            ("out_trade_no", "HN20261128000001-1"),
            ("passback_params", ""),
            ("seller_id", "2088000000000001"),
            ("sign_type", "RSA2"),
            ("total_amount", "300.00"),
            ("trade_no", "2026112822001405340500012345"),
            ("trade_status", "TRADE_SUCCESS"),
            ("version", "1.0"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        // Written out by hand, as the SDK builds it.
        let sdk_content = "app_id=2021000000000001&charset=utf-8&gmt_payment=2026-11-28 16:39:58\
            &notify_id=ac05099524730693a8b330c5ecf72da9786&notify_time=2026-11-28 16:40:00\
            &notify_type=trade_status_sync&out_trade_no=HN20261128000001-1&passback_params=\
            &seller_id=2088000000000001&total_amount=300.00&trade_no=2026112822001405340500012345\
            &trade_status=TRADE_SUCCESS&version=1.0";
        assert_eq!(notify_sign_string(&params), sdk_content);
        let signature = gateway.sign(sdk_content);
        let verifier = gateway.verifier();
        assert!(verifier.verify(notify_sign_string(&params).as_bytes(), &signature));
        assert!(
            !verifier.verify(
                sign_string(&params, &["sign", "sign_type"]).as_bytes(),
                &signature
            ),
            "dropping the empty value changes what is verified"
        );
    }

    #[test]
    fn signatures_match_openssl_and_fail_when_one_byte_changes() {
        let signer = Signer::from_text(MERCHANT_KEY).unwrap_or_else(|e| panic!("{e}"));
        let signature = signer.sign(SIGN_STRING);
        assert_eq!(
            signature,
            OPENSSL_SIGNATURE.trim(),
            "PKCS#1 v1.5 is deterministic: same as openssl"
        );
        let verifier = Verifier::from_text(MERCHANT_PUBLIC).unwrap_or_else(|e| panic!("{e}"));
        assert!(verifier.verify(SIGN_STRING.as_bytes(), &signature));
        let mut tampered = SIGN_STRING.as_bytes().to_vec();
        tampered[30] ^= 1;
        assert!(!verifier.verify(&tampered, &signature));
        let mut bad = base64::engine::general_purpose::STANDARD
            .decode(&signature)
            .unwrap_or_default();
        bad[10] ^= 1;
        let bad = base64::engine::general_purpose::STANDARD.encode(bad);
        assert!(!verifier.verify(SIGN_STRING.as_bytes(), &bad));
        assert!(!verifier.verify(SIGN_STRING.as_bytes(), "not base64!"));
    }

    #[test]
    fn keys_are_read_in_the_forms_alipay_hands_out() {
        let bare: String = MERCHANT_PUBLIC
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        assert!(Verifier::from_text(&bare).is_ok(), "bare base64 public key");
        let bare_private: String = MERCHANT_KEY
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        assert!(
            Signer::from_text(&bare_private).is_ok(),
            "bare base64 private key"
        );
        assert!(Signer::from_text("nonsense").is_err());
        let signer = Signer::from_text(MERCHANT_KEY).unwrap_or_else(|e| panic!("{e}"));
        let again = Signer::from_text(&signer.private_pem().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.sign("x"), signer.sign("x"));
        assert!(Verifier::from_text(&signer.verifier().public_pem().unwrap_or_default()).is_ok());
    }
}
