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
    /// What the form printed under `reference` says (a digest of the order it printed),
    /// once printed: a change after it gives the application a new reference.
    #[serde(default)]
    pub printed: Option<String>,
    /// The papers printed before under other references (the latest few), each with what
    /// it says: a scan of one is this application's earlier printout, said so; a change put
    /// back to what one says brings its reference back (its paper signed already).
    #[serde(default)]
    pub earlier: Vec<EarlierPaper>,
    /// The order the platform made of the draft although its scan did not go with it
    /// (to be sent again with Enter): its reference is the order's, and stays.
    #[serde(default)]
    pub order_made: Option<String>,
    /// Last change (unix ms).
    pub updated_at: i64,
}

/// How [`Draft::paper_says`] digests begin: another beginning is another way of reading
/// the paper (a change to what it reads changes this; p2: a postal code, credit code
/// and mobile number read as printed; p3: the street too).
const PAPER_DIGEST: &str = "p3:";

/// A form printed for a draft under a reference it has left.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EarlierPaper {
    /// Its reference.
    pub reference: String,
    /// What it says ([`Draft::paper_says`]).
    pub says: String,
}

impl Draft {
    /// What a form printed now would say: a digest of the order the draft adds up to (not
    /// its reference, which the paper carries in its code).
    ///
    /// Each field as the platform prints it (a province short or in pinyin is printed in
    /// full: leaving the field after printing changes nothing on paper), and the product
    /// as the form names it: its name, term and price.
    pub fn paper_says(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut shown = self.clone();
        if let Some(user_type) = self.choice.as_ref().and_then(|c| c.user_type) {
            for spec in super::fields::specs(user_type) {
                if let Some(value) = shown.fields.get_mut(spec.key)
                    && let Some(kept) = super::fields::kept(spec.kind, value.trim())
                {
                    *value = kept;
                }
            }
        }
        let mut order = super::fields::new_order(&shown);
        order.application_ref = None;
        order.terms_version = None;
        let choice = self.choice.clone().unwrap_or_default();
        let product = (choice.product_name, choice.validity_years, choice.price_fen);
        let json = serde_json::to_vec(&(order, product)).unwrap_or_default();
        format!("{PAPER_DIGEST}{}", hex::encode(&Sha256::digest(&json)[..12]))
    }

    /// A form was printed under `reference`, saying `says` ([`Draft::paper_says`] when it
    /// was asked for): kept while the reference is still the draft's.
    pub fn printed_as(&mut self, reference: &str, says: String) {
        if self.reference == reference {
            self.printed = Some(says);
        }
    }

    /// Keeps the reference with what the paper says: printed, then changed (another
    /// product, an address, the organisation), the application takes a new reference — the
    /// paper printed before names the old one in its code, so its scan is refused here and
    /// by the platform rather than sent as this application's form (the counter's own
    /// version of the customer pages' rule); changed back to what an earlier paper says,
    /// that paper's reference returns. True when the reference changed (a scan checked
    /// before is checked again).
    pub fn follow_paper(&mut self) -> bool {
        // The order exists under this reference: its paper is that order's.
        if self.order_made.is_some() || (self.printed.is_none() && self.earlier.is_empty()) {
            return false;
        }
        let says = self.paper_says();
        if self.printed.as_deref() == Some(says.as_str()) {
            return false;
        }
        // A digest of another form (a draft printed by a build that read the paper
        // otherwise): read again as it stands, not taken for a change.
        if self
            .printed
            .as_deref()
            .is_some_and(|printed| !printed.starts_with(PAPER_DIGEST))
        {
            self.printed = Some(says);
            return false;
        }
        let back = self
            .earlier
            .iter()
            .position(|paper| paper.says == says)
            .map(|at| self.earlier.remove(at));
        if self.printed.is_none() && back.is_none() {
            // Nothing printed under this reference, nor a paper that says this.
            return false;
        }
        if let Some(printed) = self.printed.take() {
            self.earlier.insert(
                0,
                EarlierPaper {
                    reference: self.reference.clone(),
                    says: printed,
                },
            );
        }
        match back {
            Some(paper) => {
                self.reference = paper.reference;
                self.printed = Some(says);
            }
            None => self.reference = reference(&DraftId::new()),
        }
        self.earlier.truncate(5);
        self.scan = None;
        true
    }

    /// Whether `reference` is one this application printed its form under before.
    pub fn printed_before(&self, reference: &str) -> bool {
        self.earlier
            .iter()
            .any(|paper| paper.reference.eq_ignore_ascii_case(reference))
    }

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

/// The switcher's labels of `drafts`, each told apart from the others: a name shared by
/// two drafts (two customers called 张三) takes the last four digits of the number, and
/// two drafts of one customer take their references' last four characters too.
pub fn labels(drafts: &[&Draft]) -> Vec<String> {
    let tail = |text: &str| -> String {
        let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    };
    let named: Vec<String> = drafts.iter().map(|d| d.label()).collect();
    let with_phone: Vec<String> = drafts
        .iter()
        .zip(&named)
        .map(|(d, name)| {
            let alike = named.iter().filter(|n| *n == name).count() > 1;
            let phone = d.customer.as_ref().map_or(d.phone.as_str(), |c| c.phone.as_str());
            if alike && d.customer.is_some() && !phone.trim().is_empty() {
                format!("{name}·{}", tail(phone))
            } else {
                name.clone()
            }
        })
        .collect();
    drafts
        .iter()
        .zip(&with_phone)
        .map(|(d, label)| {
            let alike = with_phone.iter().filter(|l| *l == label).count() > 1;
            if alike && label != "—" {
                format!("{label}·{}", tail(&d.reference))
            } else {
                label.clone()
            }
        })
        .collect()
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

/// Where drafts live: a folder per platform (`platform`: its address, or `embedded`), so a
/// counter that signs in to another platform (a training one, the province's) is not
/// offered drafts holding the first one's customers and checks.
pub fn dir(data_dir: &Path, platform: &str) -> PathBuf {
    use sha2::{Digest, Sha256};
    let folder = if platform == "embedded" {
        platform.to_owned()
    } else {
        let said = platform.trim().trim_end_matches('/').to_lowercase();
        let hash = Sha256::digest(said.as_bytes());
        let hex: String = hash.iter().take(6).map(|b| format!("{b:02x}")).collect();
        format!("platform-{hex}")
    };
    data_dir.join("drafts").join(folder)
}

/// [`dir`] for `platform`, with the drafts an older version kept for every platform at
/// once (straight under `drafts/`) moved into it. Called only once the platform has
/// accepted this counter's token: a first start against a mistyped address or a platform
/// that is down moves nothing (the drafts wait on disk for the next start), and none is
/// ever offered on two platforms (a submitted one would act on the other's order).
pub fn settle(data_dir: &Path, platform: &str) -> PathBuf {
    let dir = dir(data_dir, platform);
    let old = data_dir.join("drafts");
    let drafts: Vec<PathBuf> = std::fs::read_dir(&old)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
        .collect();
    if !drafts.is_empty() && crate::tui::files::create_private_dir(&dir).is_ok() {
        for path in drafts {
            if let Some(name) = path.file_name() {
                let moved = dir.join(name);
                // One saved here already (by this version) is the newer.
                if !moved.exists() {
                    let _ = std::fs::rename(&path, moved);
                }
            }
        }
    }
    dir
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

    /// Each platform its own drafts (a counter signed in to a training platform is not
    /// offered the production one's customers); drafts an older version kept for all move
    /// into the platform whose start settles them, not lost and not offered on two.
    #[test]
    fn drafts_are_kept_per_platform_and_older_ones_settle_once() {
        let data = tempfile::tempdir().expect("temp dir");
        let province = dir(data.path(), "https://ca.example.cn/");
        assert_eq!(province, dir(data.path(), "https://CA.example.cn"));
        assert_ne!(province, dir(data.path(), "http://127.0.0.1:8090"));
        assert_ne!(province, dir(data.path(), "embedded"));
        let mut old = Draft::new();
        old.fields.insert("phone".into(), "13900001111".into());
        let shared = data.path().join("drafts");
        save(&shared, &old).expect("an older version's draft");
        let settled = settle(data.path(), "https://ca.example.cn");
        assert_eq!(settled, province);
        assert_eq!(load_all(&province).len(), 1);
        assert!(load_all(&shared).is_empty());
        // The other platform starts with none.
        let training = settle(data.path(), "http://127.0.0.1:8090");
        assert!(load_all(&training).is_empty());
        delete(&province, &old.id).expect("deleted");
        assert!(load_all(&province).is_empty());
    }

    /// Printed, then changed (another product, another address), the application takes a
    /// new reference — the paper printed before is its earlier printout, and a scan checked
    /// against the old one is checked again —; changed back to what that paper says, its
    /// reference returns (its signature still good). Nothing printed, nothing moves.
    /// Two customers called 张三 read apart by their numbers' last digits, two drafts of
    /// one customer by their references'; a name of its own, a number typed and an empty
    /// draft stay as they are.
    #[test]
    fn drafts_alike_are_told_apart_in_the_switcher() {
        let of = |name: &str, phone: &str| {
            let mut d = Draft::new();
            d.customer = Some(CustomerInfo {
                name: name.into(),
                phone: phone.into(),
                ..CustomerInfo::default()
            });
            d
        };
        let a = of("张三", "13800005678");
        let b = of("张三", "13900001234");
        let mut c = of("张三", "13900001234");
        c.reference = "SQ22222ABCD".into();
        let d = of("李四", "13700000000");
        let mut typed = Draft::new();
        typed.phone = "138 0000 9999".into();
        let empty = Draft::new();
        let labels = labels(&[&a, &b, &c, &d, &typed, &empty]);
        assert_eq!(labels[0], "张三·5678");
        assert!(labels[1].starts_with("张三·1234·"), "{labels:?}");
        assert_eq!(labels[2], "张三·1234·ABCD");
        assert_ne!(labels[1], labels[2]);
        assert_eq!(labels[3], "李四");
        assert_eq!(labels[4], "138 0000 9999");
        assert_eq!(labels[5], "—");
    }

    #[test]
    fn a_change_after_printing_gives_a_new_reference_and_undone_the_old_one() {
        let mut draft = Draft::new();
        draft.choice = Some(Choice {
            product_id: "k1".into(),
            user_type: Some(UserType::Individual),
            price_fen: 20_000,
            ..Choice::default()
        });
        draft
            .fields
            .insert("mailing.street".into(), "麓山南路 932 号".into());
        let first = draft.reference.clone();
        draft
            .fields
            .insert("mailing.street".into(), "韶山路 88 号".into());
        assert!(!draft.follow_paper(), "nothing printed yet");
        assert_eq!(draft.reference, first);
        let reference = draft.reference.clone();
        draft.printed_as(&reference, draft.paper_says());
        assert!(!draft.follow_paper(), "unchanged since printed");
        draft.scan = Some(crate::tui::files::FileInfo::default());
        if let Some(choice) = draft.choice.as_mut() {
            choice.product_id = "k3".into();
            choice.price_fen = 50_000;
        }
        assert!(draft.follow_paper());
        let second = draft.reference.clone();
        assert_ne!(second, first);
        assert!(draft.printed_before(&first) && !draft.printed_before(&second));
        assert!(draft.scan.is_none(), "a scan of the old paper is checked again");
        // Not printed under the new reference: further changes keep it.
        draft
            .fields
            .insert("mailing.street".into(), "韶山路 90 号".into());
        assert!(!draft.follow_paper());
        assert_eq!(draft.reference, second);
        // Back to what the first paper says: its reference again.
        draft
            .fields
            .insert("mailing.street".into(), "韶山路 88 号".into());
        if let Some(choice) = draft.choice.as_mut() {
            choice.product_id = "k1".into();
            choice.price_fen = 20_000;
        }
        assert!(draft.follow_paper());
        assert_eq!(draft.reference, first);
        assert!(!draft.follow_paper());
    }

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
