//! Drafts of new applications, saved to the data directory on every change so a killed
//! terminal, a dropped link or a restarted platform loses nothing: reopening shows the
//! draft exactly where it was. Several can be open (a clerk may serve two customers in
//! turn).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::domain::{DraftId, OrderStatus, UserType};
use crate::tui::files::FileInfo;

/// The steps of a walk-in application, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Find or create the customer by mobile number.
    #[default]
    Customer,
    /// Real-name verification with the customer's phone.
    Realname,
    /// Project and product.
    Project,
    /// Terms and user type.
    Terms,
    /// The application form.
    Form,
    /// Print, sign, scan.
    Scan,
    /// Check and submit.
    Submit,
    /// Submitted.
    Done,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 8] = [
        Step::Customer,
        Step::Realname,
        Step::Project,
        Step::Terms,
        Step::Form,
        Step::Scan,
        Step::Submit,
        Step::Done,
    ];

    /// The step before this one.
    pub fn previous(self) -> Step {
        let i = Step::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Step::ALL[i.saturating_sub(1)]
    }
}

/// The customer as found or created.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerInfo {
    /// Customer id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Mobile number as the platform holds it.
    pub phone: String,
    /// Verified already.
    pub verified: bool,
    /// Earlier orders.
    pub order_count: i64,
    /// How the customer's last real-name check ended, when it failed and they are not
    /// verified (tried on their own phone, or at a counter before): the clerk hears it
    /// before opening a code that may fail the same way.
    #[serde(default)]
    pub earlier_check: Option<EarlierCheck>,
}

/// A customer's last real-name check that did not pass.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EarlierCheck {
    /// The platform's reason code (`name_mismatch`…), when it gave one.
    pub reason: Option<String>,
    /// The platform's words for it.
    pub text: String,
    /// It locked (five wrong tries).
    pub locked: bool,
}

/// The real-name verification of this draft.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RealnameInfo {
    /// Session id.
    pub session_id: String,
    /// What the QR code opens.
    pub url: String,
    /// When it stops working (RFC 3339).
    pub expires_at: String,
    /// `pending`, `verified`, `locked`, `expired`, `superseded`.
    pub status: String,
    /// Failed tries.
    pub attempts: i64,
    /// Why the last try failed, in words.
    pub reason: Option<String>,
    /// The same as a stable code (`name_mismatch`, …).
    #[serde(default)]
    pub reason_code: Option<String>,
    /// The verified name.
    pub verified_name: Option<String>,
    /// The verified ID number.
    pub verified_id_number: Option<String>,
    /// The customer is at the provider's check (Alipay's face check).
    #[serde(default)]
    pub at_provider: bool,
    /// Other names the verified ID number was seen under.
    #[serde(default)]
    pub other_names: Vec<String>,
}

/// The chosen project and product.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    /// Project id.
    pub project_id: String,
    /// Project name.
    pub project_name: String,
    /// Product id.
    pub product_id: String,
    /// Product name.
    pub product_name: String,
    /// Who it is for.
    pub user_type: Option<UserType>,
    /// Years.
    pub validity_years: i64,
    /// Price in fen.
    pub price_fen: i64,
}

/// A QR payment being shown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PaymentInfo {
    /// What the QR code encodes.
    pub url: String,
    /// The amount, in fen.
    pub amount_fen: i64,
    /// When the code stops working (RFC 3339).
    pub expires_at: String,
    /// The platform's sandbox cashier, not Alipay: said beside the code.
    #[serde(default)]
    pub demo: bool,
}

/// One draft.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// Draft id (UUIDv7); also the idempotency key of its submission.
    pub id: DraftId,
    /// The reference printed on the form (申请编号).
    pub reference: String,
    /// Where the clerk is.
    pub step: Step,
    /// The mobile number typed.
    pub phone: String,
    /// The name typed for a new customer.
    pub new_name: String,
    /// The customer.
    pub customer: Option<CustomerInfo>,
    /// Real-name verification.
    pub realname: Option<RealnameInfo>,
    /// What is typed in the project search.
    pub project_query: String,
    /// Project and product.
    pub choice: Option<Choice>,
    /// The terms version accepted.
    pub terms_accepted: Option<String>,
    /// Form fields by key.
    pub fields: BTreeMap<String, String>,
    /// The focused form field.
    pub focus: String,
    /// The scan path typed.
    pub scan_path: String,
    /// The scan, once checked.
    pub scan: Option<FileInfo>,
    /// Once submitted: the order number.
    pub order_no: Option<String>,
    /// The submitted order's version (actions send it back).
    #[serde(default)]
    pub order_version: i64,
    /// The submitted order's status, as last heard.
    #[serde(default)]
    pub order_status: Option<OrderStatus>,
    /// The QR payment shown, if one was opened.
    #[serde(default)]
    pub payment: Option<PaymentInfo>,
    /// The voucher path typed.
    #[serde(default)]
    pub voucher_path: String,
    /// The customer pays by bank transfer (the order went to 待上传凭证).
    #[serde(default)]
    pub by_transfer: bool,
    /// What the customer's latest order said (contact details, organisation), for the form.
    #[serde(default)]
    pub last_order: Option<crate::api::LastOrderDetails>,
    /// The form's empty fields were filled from that order (its number): said above the
    /// form until the draft is submitted, so the clerk checks them with the customer.
    #[serde(default)]
    pub filled_from: Option<String>,
    /// Last change (unix ms).
    pub updated_at: i64,
}

impl Draft {
    /// A blank draft.
    pub fn new() -> Draft {
        let id = DraftId::new();
        Draft {
            reference: reference(&id),
            id,
            ..Draft::default()
        }
    }

    /// A field's text.
    pub fn field(&self, key: &str) -> &str {
        self.fields.get(key).map(String::as_str).unwrap_or("")
    }

    /// Nothing typed in it yet (a new draft opened and left).
    pub fn untouched(&self) -> bool {
        self.phone.trim().is_empty()
            && self.customer.is_none()
            && self.order_no.is_none()
            && self.choice.is_none()
    }

    /// A short label for the draft switcher: the customer's name or phone.
    pub fn label(&self) -> String {
        match (&self.customer, self.phone.trim()) {
            (Some(c), _) => c.name.clone(),
            (None, "") => "—".into(),
            (None, phone) => phone.to_owned(),
        }
    }
}

/// `SQ` + ten characters from the random part of the draft id: easy to read out, and
/// different for every draft.
fn reference(id: &DraftId) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let bytes = id.bytes();
    let mut n = u64::from_be_bytes([
        bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15],
    ]);
    let mut out = String::from("SQ");
    for _ in 0..10 {
        out.push(char::from(ALPHABET[(n % 32) as usize]));
        n /= 32;
    }
    out
}

/// Where drafts live.
pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("drafts")
}

/// Loads every draft, oldest first; unreadable files are skipped (and kept).
pub fn load_all(dir: &Path) -> Vec<Draft> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut drafts: Vec<Draft> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter_map(|e| std::fs::read(e.path()).ok())
        .filter_map(|bytes| serde_json::from_slice(&bytes).ok())
        .collect();
    drafts.sort_by(|a, b| a.id.cmp(&b.id));
    drafts
}

/// Saves a draft atomically (write, sync, rename), so a crash leaves the old or the new
/// version, never half of one.
pub fn save(dir: &Path, draft: &Draft) -> std::io::Result<()> {
    let path = dir.join(format!("{}.json", draft.id));
    let temp = dir.join(format!(".{}.tmp", draft.id));
    let bytes = serde_json::to_vec_pretty(draft).map_err(std::io::Error::other)?;
    crate::tui::files::write_private(&temp, &bytes)?;
    std::fs::rename(&temp, &path)
}

/// Removes a draft.
pub fn delete(dir: &Path, id: &DraftId) -> std::io::Result<()> {
    match std::fs::remove_file(dir.join(format!("{id}.json"))) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_round_trip_through_the_data_directory() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut first = Draft::new();
        first.phone = "138 1234 5678".into();
        first.step = Step::Form;
        first
            .fields
            .insert("mailing.street".into(), "麓山南路 932 号".into());
        first.focus = "mailing.street".into();
        let second = Draft::new();
        save(dir.path(), &first).unwrap_or_else(|e| panic!("{e}"));
        save(dir.path(), &second).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(load_all(dir.path()), vec![first.clone(), second.clone()]);
        // A draft holds the customer's name, ID number and address: this user's only.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let file = dir.path().join(format!("{}.json", first.id));
            let mode = std::fs::metadata(&file)
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or(0);
            assert_eq!(mode, 0o600, "{mode:o}");
        }
        delete(dir.path(), &first.id).unwrap_or_else(|e| panic!("{e}"));
        delete(dir.path(), &first.id).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(load_all(dir.path()), vec![second]);
    }

    #[test]
    fn references_are_short_readable_and_distinct() {
        let a = Draft::new().reference;
        let b = Draft::new().reference;
        assert_eq!(a.len(), 12);
        assert!(a.starts_with("SQ") && !a.contains(['0', 'O', '1', 'I']));
        assert_ne!(a, b);
    }
}
