//! The code printed in a QR on every paper the customer signs or keeps: which document,
//! of which order (or, before an order exists, of which application), and which page. A
//! scan uploaded later is matched to its order by it.
//!
//! The text is short and in QR's alphanumeric alphabet (capitals, digits, `:` and `/`) so
//! the code stays small and coarse enough for a phone photo:
//! `CAC:F:O:HN20261128000001:1/2` — form, order HN…, page 1 of 2; `A` instead of `O` names
//! an application reference (`SQ…`). An organisation's form ends with its edition
//! (`…:1/2:K3Q9`, see [`form_edition`]), so a form printed before the organisation's details were
//! corrected is told from the one printed after.

/// Which printed document a code is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// The application form (申请表).
    Form,
    /// The acceptance receipt (受理回执).
    Receipt,
    /// The correction notice (一次性告知书).
    Notice,
    /// The bank-transfer slip.
    Slip,
}

impl DocKind {
    fn letter(self) -> char {
        match self {
            DocKind::Form => 'F',
            DocKind::Receipt => 'R',
            DocKind::Notice => 'N',
            DocKind::Slip => 'S',
        }
    }

    fn from_letter(letter: &str) -> Option<DocKind> {
        Some(match letter {
            "F" => DocKind::Form,
            "R" => DocKind::Receipt,
            "N" => DocKind::Notice,
            "S" => DocKind::Slip,
            _ => return None,
        })
    }

    /// The wire name: `form`, `receipt`, `notice`, `slip`.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Form => "form",
            DocKind::Receipt => "receipt",
            DocKind::Notice => "notice",
            DocKind::Slip => "slip",
        }
    }
}

/// What a code names: an order, or an application not yet submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocSubject {
    /// An order number (`HN…`).
    Order(String),
    /// An application reference (`SQ…`), printed before the order existed.
    Application(String),
}

impl DocSubject {
    /// The number itself.
    pub fn number(&self) -> &str {
        match self {
            DocSubject::Order(n) | DocSubject::Application(n) => n,
        }
    }
}

/// One printed page's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocCode {
    /// The document.
    pub kind: DocKind,
    /// Its order or application.
    pub subject: DocSubject,
    /// This page, from 1.
    pub page: u32,
    /// Pages of the document.
    pub pages: u32,
    /// What the paper says that the signature and stamp vouch for, in short ([`form_edition`]);
    /// none on an individual's form and on other documents.
    pub edition: Option<String>,
}

const PREFIX: &str = "CAC";

/// Letters of an edition.
const EDITION_LEN: usize = 4;

/// The edition of an organisation's form: four letters and digits that change when its
/// name, credit code or legal representative (`organisation`) changes — what the stamp
/// and the signature vouch for and what only a returned order may correct. `None` for an
/// individual's form (an applicant is never changed).
///
/// Not a secret and not a signature: a short FNV-1a hash, enough to tell one printout of
/// an order from another (one chance in 1.7 million that two editions read the same).
pub fn form_edition(organisation: Option<(&str, &str, &str)>) -> Option<String> {
    let (name, uscc, legal) = organisation?;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [name, uscc, legal] {
        for byte in part.bytes().chain([0x1f]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    const DIGITS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut out = String::with_capacity(EDITION_LEN);
    for _ in 0..EDITION_LEN {
        out.push(char::from(DIGITS[(hash % 36) as usize]));
        hash /= 36;
    }
    Some(out)
}

impl DocCode {
    /// The text the QR code holds.
    pub fn payload(&self) -> String {
        let (tag, number) = match &self.subject {
            DocSubject::Order(n) => ('O', n),
            DocSubject::Application(n) => ('A', n),
        };
        let mut text = format!(
            "{PREFIX}:{}:{tag}:{}:{}/{}",
            self.kind.letter(),
            number.to_ascii_uppercase(),
            self.page,
            self.pages
        );
        if let Some(edition) = &self.edition {
            text.push(':');
            text.push_str(&edition.to_ascii_uppercase());
        }
        text
    }

    /// Whether `number` (an order number or an application reference) can be carried by
    /// a code: 1–32 letters and digits (the longest reference an order takes).
    pub fn carries(number: &str) -> bool {
        !number.is_empty()
            && number.len() <= 32
            && number.chars().all(|c| c.is_ascii_alphanumeric())
    }

    /// Reads a code back; `None` for a QR code that is not one of ours.
    pub fn parse(text: &str) -> Option<DocCode> {
        let mut parts = text.trim().split(':');
        if parts.next()? != PREFIX {
            return None;
        }
        let kind = DocKind::from_letter(parts.next()?)?;
        let tag = parts.next()?;
        let number = parts.next()?;
        let (page, pages) = parts.next()?.split_once('/')?;
        let edition = match parts.next() {
            Some(e) if e.len() == EDITION_LEN && e.chars().all(|c| c.is_ascii_alphanumeric()) => {
                Some(e.to_ascii_uppercase())
            }
            Some(_) => return None,
            None => None,
        };
        if parts.next().is_some() || !DocCode::carries(number) {
            return None;
        }
        let subject = match tag {
            "O" => DocSubject::Order(number.to_owned()),
            "A" => DocSubject::Application(number.to_owned()),
            _ => return None,
        };
        let (page, pages): (u32, u32) = (page.parse().ok()?, pages.parse().ok()?);
        if page == 0 || page > pages || pages > 99 {
            return None;
        }
        Some(DocCode {
            kind,
            subject,
            page,
            pages,
            edition,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_back_as_it_was_printed() {
        let code = DocCode {
            kind: DocKind::Form,
            subject: DocSubject::Order("HN20261128000001".into()),
            page: 1,
            pages: 2,
            edition: None,
        };
        assert_eq!(code.payload(), "CAC:F:O:HN20261128000001:1/2");
        assert_eq!(DocCode::parse(&code.payload()), Some(code));
        let before = DocCode {
            kind: DocKind::Form,
            subject: DocSubject::Application("SQ7F3K9QAB".into()),
            page: 1,
            pages: 1,
            edition: form_edition(Some(("长沙某某有限公司", "91430100MA4L000000", "张三"))),
        };
        let text = before.payload();
        assert_eq!(text.len(), "CAC:F:A:SQ7F3K9QAB:1/1:".len() + 4, "{text}");
        assert_eq!(DocCode::parse(&text), Some(before));
    }

    #[test]
    fn an_edition_changes_with_what_the_stamp_vouches_for() {
        let org = ("长沙某某有限公司", "91430100MA4L000000", "张三");
        let first = form_edition(Some(org));
        assert_eq!(
            first,
            form_edition(Some(org)),
            "the same paper, the same edition"
        );
        for changed in [
            ("长沙某某科技有限公司", org.1, org.2),
            (org.0, "91430100MA4L00001X", org.2),
            (org.0, org.1, "李四"),
            // Not the same as moving a character from one field to the next.
            ("长沙某某有限公司9", "1430100MA4L000000", org.2),
        ] {
            assert_ne!(first, form_edition(Some(changed)), "{changed:?}");
        }
        assert_eq!(form_edition(None), None);
        let e = first.unwrap_or_default();
        assert!(
            e.len() == 4 && e.chars().all(|c| c.is_ascii_alphanumeric()),
            "{e}"
        );
    }

    #[test]
    fn other_codes_are_not_ours() {
        for text in [
            "https://example.com",
            "CAC:F:O:HN1:2/1",
            "CAC:X:O:HN1:1/1",
            "CAC:F:O:HN1:1/1:extra",
            "CAC:F:O:HN1:1/1:AB",
            "CAC:F:O:HN1:1/1:ABCD:E",
            "CAC:F:Q:HN1:1/1",
            "CAC:F:O::1/1",
            "CAC:F:O:HN<1>:1/1",
        ] {
            assert_eq!(DocCode::parse(text), None, "{text}");
        }
    }
}
