//! The application form's fields by user type, their checks (the same domain types the
//! platform uses, so a message here is the message the platform would give), and the
//! order they add up to.

use crate::api::{Applicant, MailingAddress, NewOrder, Organization};
use crate::domain::{Email, IdNumber, Phone, PlaceName, PostalCode, RequiredText, Uscc, UserType};
use crate::i18n::T;
use crate::tui::text::Text;

use super::draft::Draft;

/// How a field is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Filled from the real-name result; not editable.
    Locked,
    /// Required text of at most this many characters.
    Text(usize),
    /// A person's name (`domain::person_name`).
    Person,
    /// A mobile number.
    Phone,
    /// The number a courier calls: a mobile, or a landline with its area code
    /// (`domain::RecipientPhone`), kept as the platform keeps it.
    RecipientPhone,
    /// An email address, optional.
    Email,
    /// A six-digit postal code.
    PostalCode,
    /// A unified social credit code.
    Uscc,
    /// A city or district.
    Place,
    /// A street (`domain::street`), kept as it prints.
    Street,
    /// A province of mainland China (`domain::province`), kept in full.
    Province,
}

/// One field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Key, the same as the platform's field path (`applicant.phone`).
    pub key: &'static str,
    /// Label.
    pub label: T,
    /// Check.
    pub kind: Kind,
}

const fn spec(key: &'static str, label: T, kind: Kind) -> Spec {
    Spec { key, label, kind }
}

const MAILING: [Spec; 7] = [
    spec("mailing.recipient", T::FormRecipient, Kind::Person),
    spec("mailing.phone", T::FormRecipientPhone, Kind::RecipientPhone),
    spec("mailing.province", T::FormProvince, Kind::Province),
    spec("mailing.city", T::FormCity, Kind::Place),
    spec("mailing.district", T::FormDistrict, Kind::Place),
    spec("mailing.street", T::FormStreet, Kind::Street),
    spec("mailing.postal_code", T::FormPostalCode, Kind::PostalCode),
];

/// The fields for `user_type`, in the order they are filled.
pub fn specs(user_type: UserType) -> Vec<Spec> {
    let mut out = match user_type {
        UserType::Individual => vec![
            spec("applicant.name", T::FormName, Kind::Locked),
            spec("applicant.id_number", T::FormIdNumber, Kind::Locked),
            spec("applicant.phone", T::FormPhone, Kind::Phone),
            spec("applicant.email", T::FormEmail, Kind::Email),
        ],
        UserType::Organization => vec![
            spec("organization.name", T::FormOrgName, Kind::Text(100)),
            spec("organization.uscc", T::FormUscc, Kind::Uscc),
            spec(
                "organization.legal_representative",
                T::FormLegalRep,
                Kind::Person,
            ),
            spec("applicant.name", T::FormHandlerName, Kind::Locked),
            spec("applicant.id_number", T::FormHandlerId, Kind::Locked),
            spec("applicant.phone", T::FormContactPhone, Kind::Phone),
            spec("applicant.email", T::FormEmail, Kind::Email),
        ],
    };
    out.extend(MAILING);
    out
}

/// What is wrong with `value` for `kind`; `None` when it is fine.
pub fn check(kind: Kind, value: &str) -> Option<Text> {
    let result = match kind {
        Kind::Locked => return None,
        Kind::Person => crate::domain::person_name(value).map(|_| ()),
        Kind::Text(30) => RequiredText::<30>::parse(value).map(|_| ()),
        Kind::Text(100) => RequiredText::<100>::parse(value).map(|_| ()),
        Kind::Text(_) => RequiredText::<200>::parse(value).map(|_| ()),
        Kind::Phone => Phone::parse(value).map(|_| ()),
        Kind::RecipientPhone => crate::domain::RecipientPhone::parse(value).map(|_| ()),
        Kind::Email if value.trim().is_empty() => Ok(()),
        Kind::Email => Email::parse(value).map(|_| ()),
        Kind::PostalCode => PostalCode::parse(value).map(|_| ()),
        Kind::Uscc => Uscc::parse(value).map(|_| ()),
        Kind::Place => PlaceName::parse(value).map(|_| ()),
        Kind::Street => crate::domain::street(value).map(|_| ()),
        Kind::Province => crate::domain::province(value).map(|_| ()),
    };
    result.err().map(Text::from)
}

/// [`check`], and the CA's own credit code (`seller`, as the platform says it) refused as
/// an applicant organisation's, as the platform refuses it: one check for a field left and
/// for the form's last Enter.
pub fn check_with_seller(kind: Kind, value: &str, seller: &str) -> Option<Text> {
    check(kind, value).or_else(|| {
        (kind == Kind::Uscc && crate::domain::is_seller_code(seller, value))
            .then(|| T::ErrOwnCreditCode.into())
    })
}

/// What is wrong with the address as a whole: a postal code of another province than the
/// one typed (`domain::postal_code_in`), said on the postal code; `None` when the two
/// agree or either is not yet a valid value of its own.
pub fn check_address(province: &str, postal_code: &str) -> Option<Text> {
    let full = crate::domain::province(province).ok()?;
    let code = PostalCode::parse(postal_code).ok()?;
    crate::domain::postal_code_in(&full, code.as_str())
        .err()
        .map(Text::from)
}

/// `value` as the platform will keep it, when that reads otherwise (a province typed
/// short or in pinyin, in full: 湖南 → 湖南省); `None` when it stays as typed.
pub fn kept(kind: Kind, value: &str) -> Option<String> {
    match kind {
        Kind::Province => crate::domain::province(value)
            .ok()
            .filter(|full| full != value),
        Kind::RecipientPhone => crate::domain::RecipientPhone::parse(value)
            .ok()
            .map(String::from)
            .filter(|kept| kept != value),
        // Full-width digits and a lower-case code as they print (４１１１００ → 411100): the
        // clerk reads back what the paper will say.
        Kind::PostalCode => PostalCode::parse(value)
            .ok()
            .map(|code| code.as_str().to_owned())
            .filter(|kept| kept != value),
        Kind::Uscc => Uscc::parse(value)
            .ok()
            .map(|code| code.as_str().to_owned())
            .filter(|kept| kept != value),
        Kind::Phone => Phone::parse(value)
            .ok()
            .map(|phone| phone.as_str().to_owned())
            .filter(|kept| kept != value),
        Kind::Street => crate::domain::street(value)
            .ok()
            .filter(|kept| kept != value),
        _ => None,
    }
}

/// Whether `c` may be typed into a mobile number: what `domain::Phone` reads (digits,
/// full-width digits, spaces, dashes, `+86`).
pub fn phone_char(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c) || matches!(c, ' ' | '　' | '-' | '+')
}

/// Whether `c` may be typed into a postal code: digits (full-width too) and spaces.
pub fn postal_code_char(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c) || matches!(c, ' ' | '　')
}

/// What a number field of `kind` says to `c`, a character no number of its kind is
/// written with (said at once, not typed); `None` when it takes it.
pub fn refused_char(kind: Kind, c: char) -> Option<T> {
    match kind {
        Kind::Phone if !phone_char(c) => Some(T::NewPhoneDigitsOnly),
        Kind::RecipientPhone if !recipient_phone_char(c) => Some(T::NewPhoneDigitsOnly),
        Kind::PostalCode if !postal_code_char(c) => Some(T::NewPostalDigitsOnly),
        _ => None,
    }
}

/// Whether `c` may be typed into a recipient's number: a mobile's characters, and a
/// landline's brackets and 转 (an extension).
pub fn recipient_phone_char(c: char) -> bool {
    phone_char(c) || matches!(c, '(' | ')' | '（' | '）' | '转')
}

/// Fills the fields a clerk would otherwise retype: the verified name and ID number, the
/// customer's phone; the e-mail, the organisation and the mailing address their latest
/// order gave (noted in `filled_from`, for the clerk to check them with the customer);
/// Hunan as the province. Typed values are kept.
pub fn prefill(draft: &mut Draft) {
    let realname = draft.realname.clone().unwrap_or_default();
    let customer = draft.customer.clone().unwrap_or_default();
    let name = realname
        .verified_name
        .clone()
        .unwrap_or(customer.name.clone());
    let organisation = draft.choice.as_ref().and_then(|c| c.user_type) == Some(UserType::Organization);
    // Printed already: the form is what the paper says; a field the clerk emptied since
    // stays empty (filled again, it would differ from the paper without anyone's doing).
    let printed = draft.printed.is_some() || !draft.earlier.is_empty();
    if let Some(last) = draft.last_order.clone().filter(|_| !printed) {
        let m = &last.mailing;
        let mut from_last = vec![
            ("mailing.recipient", m.recipient.as_str()),
            ("mailing.phone", m.phone.as_str()),
            ("mailing.province", m.province.as_str()),
            ("mailing.city", m.city.as_str()),
            ("mailing.district", m.district.as_str()),
            ("mailing.street", m.street.as_str()),
            ("mailing.postal_code", m.postal_code.as_str()),
            ("applicant.email", last.email.as_deref().unwrap_or("")),
        ];
        if organisation && let Some(o) = &last.organization {
            from_last.extend([
                ("organization.name", o.name.as_str()),
                ("organization.uscc", o.uscc.as_str()),
                ("organization.legal_representative", o.legal_representative.as_str()),
            ]);
        }
        let mut filled = false;
        for (key, value) in from_last {
            let entry = draft.fields.entry(key.to_owned()).or_default();
            if entry.trim().is_empty() && !value.trim().is_empty() {
                *entry = value.to_owned();
                filled = true;
            }
        }
        if filled {
            draft.filled_from = Some(last.order_no.clone());
        }
    }
    let mut set = |key: &str, value: &str, overwrite: bool| {
        let entry = draft.fields.entry(key.to_owned()).or_default();
        if overwrite || (entry.trim().is_empty() && !printed) {
            *entry = value.to_owned();
        }
    };
    set("applicant.name", &name, true);
    set(
        "applicant.id_number",
        realname.verified_id_number.as_deref().unwrap_or(""),
        true,
    );
    set("applicant.phone", &customer.phone, false);
    set("mailing.recipient", &name, false);
    set("mailing.phone", &customer.phone, false);
    set("mailing.province", "湖南省", false);
}

/// The order the draft adds up to.
pub fn new_order(draft: &Draft) -> NewOrder {
    let f = |key: &str| draft.field(key).trim().to_owned();
    let choice = draft.choice.clone().unwrap_or_default();
    let email = Some(f("applicant.email")).filter(|e| !e.is_empty());
    NewOrder {
        customer_id: draft
            .customer
            .as_ref()
            .map(|c| c.id.clone())
            .unwrap_or_default(),
        product_id: choice.product_id,
        applicant: Applicant {
            name: f("applicant.name"),
            id_number: f("applicant.id_number"),
            phone: f("applicant.phone"),
            email,
        },
        organization: (choice.user_type == Some(UserType::Organization)).then(|| Organization {
            name: f("organization.name"),
            uscc: f("organization.uscc"),
            legal_representative: f("organization.legal_representative"),
        }),
        mailing: MailingAddress {
            recipient: f("mailing.recipient"),
            phone: f("mailing.phone"),
            province: f("mailing.province"),
            city: f("mailing.city"),
            district: f("mailing.district"),
            street: f("mailing.street"),
            postal_code: f("mailing.postal_code"),
        },
        note: None,
        application_ref: Some(draft.reference.clone()),
        terms_version: draft.terms_accepted.clone(),
        // The price the printed form shows (the product's when it was chosen).
        amount_fen: draft.choice.as_ref().map(|c| c.price_fen),
    }
}

/// True when the verified ID number is valid (it always is when it came from the
/// platform; a hand-edited draft file could say otherwise).
pub fn locked_values_valid(draft: &Draft) -> bool {
    IdNumber::parse(draft.field("applicant.id_number")).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_give_the_platforms_messages() {
        use crate::i18n::Lang;
        let en = |kind, value| check(kind, value).map(|t| t.get(Lang::En));
        assert_eq!(check(Kind::Phone, "138 1234 5678"), None);
        // The recipient may be called on an office's landline, kept in one form.
        assert_eq!(check(Kind::RecipientPhone, "(0731) 8517 2903"), None);
        assert_eq!(
            kept(Kind::RecipientPhone, "(0731) 8517 2903").as_deref(),
            Some("0731-85172903")
        );
        assert!(check(Kind::RecipientPhone, "85172903").is_some());
        assert!(check(Kind::Phone, "0731-85172903").is_some());
        assert!(en(Kind::Phone, "12345").is_some_and(|m| m.contains("mobile number")));
        assert_eq!(check(Kind::Email, ""), None, "email is optional");
        assert!(en(Kind::Uscc, "91110000600037341M").is_some_and(|m| m.contains("does not add up")));
        assert!(check(Kind::Text(30), "  ").is_some());
        assert_eq!(check(Kind::Locked, ""), None);
        assert!(check(Kind::Place, "!!@@").is_some(), "a city is a name");
        assert_eq!(check(Kind::Place, "长沙市"), None);
        // A province is one of mainland China's, checked as the field is left, and shown
        // as it will be kept.
        assert!(en(Kind::Province, "火星").is_some_and(|m| m.contains("not a province")));
        assert_eq!(check(Kind::Province, "Hunan"), None);
        assert_eq!(kept(Kind::Province, "湖南").as_deref(), Some("湖南省"));
        assert_eq!(kept(Kind::Province, "湖南省"), None);
        // Read back as printed: full-width digits, a lower-case credit code.
        assert_eq!(kept(Kind::PostalCode, "４１１１００").as_deref(), Some("411100"));
        assert_eq!(kept(Kind::PostalCode, "411100"), None);
        assert_eq!(
            kept(Kind::Uscc, "91430100ma4l1234xl").map(|k| k == k.to_uppercase()),
            Some(true)
        );
        assert_eq!(kept(Kind::Phone, "１３８ 1234 5678").as_deref(), Some("13812345678"));
        assert_eq!(kept(Kind::Place, "长沙"), None);
        assert_eq!(
            kept(Kind::Street, "人民路１２号　　３栋（东门）").as_deref(),
            Some("人民路12号 3栋（东门）")
        );
        assert_eq!(kept(Kind::Street, "麓山南路 932 号"), None);
        // The province and the postal code agree, or the postal code says why not.
        assert_eq!(check_address("湖南", "410005"), None);
        assert!(
            check_address("湖南省", "100080")
                .is_some_and(|t| t.get(Lang::ZhCn).contains("北京市"))
        );
        assert_eq!(check_address("火星", "100080"), None, "said on the province");
    }

    #[test]
    fn organisations_fill_the_organisation_and_the_handler() {
        let keys: Vec<&str> = specs(UserType::Organization)
            .iter()
            .map(|s| s.key)
            .collect();
        assert_eq!(
            &keys[..4],
            [
                "organization.name",
                "organization.uscc",
                "organization.legal_representative",
                "applicant.name"
            ]
        );
        assert!(
            specs(UserType::Individual)
                .iter()
                .all(|s| !s.key.starts_with("organization"))
        );
    }
}
