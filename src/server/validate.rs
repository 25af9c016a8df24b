//! Turning what a person typed into checked values, collecting every bad field at once so
//! the answer names them all.

use crate::api::{Applicant, MailingAddress, NewCustomer, NewOrder, OrderUpdate, Organization};
use crate::domain::person_name;
use crate::domain::{
    Email, IdNumber, InvalidValue, Lines, Money, Phone, UserType, check_order_field, human_text,
};
use crate::i18n::{Msg, T};

use super::error::ApiError;
use super::store::{ProductRow, ValidOrder};

/// Bad fields found so far.
#[derive(Debug, Default)]
pub struct Errors(Vec<(String, Msg)>);

impl Errors {
    /// Keeps the value, or records the error against `field`.
    pub fn check<V>(&mut self, field: &str, result: Result<V, InvalidValue>) -> Option<V> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.0.push((field.to_owned(), e.0));
                None
            }
        }
    }

    /// Whether `field` is named already (a value refused is not also said to be missing).
    pub fn named(&self, field: &str) -> bool {
        self.0.iter().any(|(f, _)| f == field)
    }

    /// Records an error against `field`.
    pub fn add(&mut self, field: &str, message: impl Into<Msg>) {
        self.0.push((field.to_owned(), message.into()));
    }

    /// `Err` with every bad field, or `Ok` when there were none.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

/// Optional one-line human text: `None` when blank, else checked by the text rule.
pub fn optional_text<const MAX: usize>(
    value: Option<&str>,
) -> Result<Option<String>, InvalidValue> {
    optional(value, Lines::One, MAX)
}

/// Optional text of several lines (notes, reasons): `None` when blank.
pub fn optional_lines<const MAX: usize>(
    value: Option<&str>,
) -> Result<Option<String>, InvalidValue> {
    optional(value, Lines::Many, MAX)
}

fn optional(value: Option<&str>, lines: Lines, max: usize) -> Result<Option<String>, InvalidValue> {
    let text = human_text(value.unwrap_or_default(), lines, max)?;
    Ok(Some(text).filter(|t| !t.is_empty()))
}

/// A new customer: a mobile number and a name.
pub fn new_customer(
    body: &NewCustomer,
    fonts: &crate::server::pdf::Fonts,
) -> Result<(Phone, String), ApiError> {
    let mut errors = Errors::default();
    let phone = errors.check("phone", Phone::parse(&body.phone));
    let name = errors.check("name", printable_person_name(fonts, &body.name));
    errors.finish()?;
    match (phone, name) {
        (Some(phone), Some(name)) => Ok((phone, name)),
        _ => Err(ApiError::Internal("validation lost a value".into())),
    }
}

/// A customer's name (given at the counter, or verified by the real-name check): a
/// person's name that the documents can print, as every order of theirs will have to —
/// one the fonts cannot draw is refused here, where it is typed, not on each order after.
pub(crate) fn printable_person_name(
    fonts: &crate::server::pdf::Fonts,
    input: &str,
) -> Result<String, InvalidValue> {
    let name = person_name(input)?;
    // Not "write it another way": it is the name on their ID card, and the check compares.
    match unprintable(fonts, &name, T::ErrUnprintableName) {
        None => Ok(name),
        Some(refusal) => Err(refusal.into()),
    }
}

/// What is said (`said`) of `text` when some of its characters cannot be printed on the
/// application form (or the paper `said` names), naming them.
pub(crate) fn unprintable(fonts: &crate::server::pdf::Fonts, text: &str, said: T) -> Option<Msg> {
    let missing = fonts.unprintable(text);
    // Each character apart: run together, letters of a joined script (Arabic) would be
    // drawn as one word that is not the name.
    let named: Vec<String> = missing.iter().map(char::to_string).collect();
    (!missing.is_empty()).then(|| Msg::with(said, [named.join("、")]))
}

/// What is wrong with an `id` nothing was found under: its form when it is not one of
/// ours (a lower-case UUID), else `missing`.
fn id_problem(id: &str, missing: T) -> T {
    let ours = id.len() == 36
        && id.chars().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_digit() || ('a'..='f').contains(&c),
        });
    if ours { missing } else { T::ErrIdForm }
}

/// Checks a new order against its product. `customer_found` and `product` are what the
/// database said about the ids given.
pub fn new_order(
    body: &NewOrder,
    customer_found: bool,
    product: Option<&ProductRow>,
    fonts: &crate::server::pdf::Fonts,
    config: &crate::config::PlatformConfig,
) -> Result<ValidOrder, ApiError> {
    let own_code = config.invoice.seller_tax_number.as_str();
    let mut errors = Errors::default();

    // An id not written as ids are (an upper-case UUID, a number) is said to be so, not
    // to name nobody.
    if !customer_found {
        errors.add(
            "customer_id",
            id_problem(&body.customer_id, T::ProblemCustomerNotFound),
        );
    }
    let user_type = match product {
        None => {
            errors.add(
                "product_id",
                id_problem(&body.product_id, T::ProblemProductNotFound),
            );
            None
        }
        Some(p) => {
            let parsed = UserType::parse(&p.user_type);
            if parsed.is_none() {
                errors.add("product_id", T::ProblemProductNotFound);
            }
            parsed
        }
    };

    // The price the signed form shows is the one charged, or nothing is: a price changed
    // since the form was printed is said, with both, for the form to be printed again.
    if body.amount_fen.is_some_and(|agreed| agreed <= 0) {
        // No form shows a price of nothing or less: not "the price changed".
        errors.add("amount_fen", T::ErrAmountPositive);
    } else if let (Some(agreed), Some(product)) = (body.amount_fen, product)
        && agreed != product.price_fen
    {
        let money = |fen: i64| Money::from_fen(fen).unwrap_or_default().to_string();
        errors.add(
            "amount_fen",
            Msg::with(
                T::ErrPriceChanged,
                [money(product.price_fen), money(agreed)],
            ),
        );
    }
    let a = &body.applicant;
    let name = errors.check("applicant.name", person_name(&a.name));
    let id_number = errors.check("applicant.id_number", IdNumber::parse(&a.id_number));
    let phone = errors.check("applicant.phone", Phone::parse(&a.phone));
    let email = match a.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        None => None,
        Some(e) => errors
            .check("applicant.email", Email::parse(e))
            .map(String::from),
    };

    let (organization, org_passed) = match (user_type, &body.organization) {
        (Some(UserType::Organization), None) => {
            errors.add("organization", T::ErrRequired);
            (None, None)
        }
        (Some(UserType::Organization), Some(o)) => {
            let (whole, passed) = organization(&mut errors, o, own_code);
            (whole, Some(passed))
        }
        // An organisation sent for an individual's product is refused, not dropped: the
        // caller meant an organisation's certificate, or sent what does not belong.
        (Some(UserType::Individual), Some(_)) => {
            errors.add("organization", T::ErrOrganizationForIndividual);
            (None, None)
        }
        _ => (None, None),
    };

    let mailing = mailing(&mut errors, &body.mailing);
    let note = errors
        .check("note", optional_lines::<500>(body.note.as_deref()))
        .flatten();
    let application_ref = errors
        .check(
            "application_ref",
            optional_text::<32>(body.application_ref.as_deref()),
        )
        .flatten();
    let terms_version = errors
        .check(
            "terms_version",
            optional_text::<32>(body.terms_version.as_deref()),
        )
        .flatten();
    // The terms accepted are the ones in force (`GET /terms`): an order must not record
    // the acceptance of terms that never existed, or of ones replaced since they were read.
    if let Some(accepted) = &terms_version
        && *accepted != config.terms_version
    {
        errors.add(
            "terms_version",
            Msg::with(
                T::ErrTermsVersion,
                [accepted.clone(), config.terms_version.clone()],
            ),
        );
    }
    printable(
        &mut errors,
        fonts,
        Some(name.as_deref().unwrap_or_default()),
        org_passed.as_ref(),
        Some(&mailing),
    );
    errors.finish()?;

    let (Some(product), Some(user_type), Some(name), Some(id_number), Some(phone)) =
        (product, user_type, name, id_number, phone)
    else {
        return Err(ApiError::Internal("validation lost a value".into()));
    };
    let applicant = Applicant {
        name: name.clone(),
        id_number: id_number.to_string(),
        phone: phone.to_string(),
        email,
    };
    let display_name = organization
        .as_ref()
        .map(|o| o.name.clone())
        .unwrap_or_else(|| name.clone());
    Ok(ValidOrder {
        customer_id: body.customer_id.clone(),
        product_id: product.id.clone(),
        project_id: product.project_id.clone(),
        project_name: product.project_name.clone(),
        product_name: product.name.clone(),
        validity_years: product.validity_years,
        user_type,
        amount_fen: product.price_fen,
        applicant_name: name,
        display_name,
        phone,
        id_number,
        applicant_json: to_json(&applicant),
        organization_json: organization.as_ref().map(to_json),
        mailing_json: to_json(&mailing),
        note,
        application_ref,
        terms_version,
        channel: crate::domain::Channel::Counter,
    })
}

pub(crate) use crate::domain::is_seller_code;

/// An organisation's details, checked (`None` when a field is bad: recorded in `errors`).
/// An organisation, checked: whole when every field passed; and, either way, the fields
/// that passed (the others empty), to be asked whether they print — so one refusal names
/// every bad field at once.
fn organization(
    errors: &mut Errors,
    o: &Organization,
    own_code: &str,
) -> (Option<Organization>, Organization) {
    let mut field = |path: &str, value: &str| errors.check(path, check_order_field(path, value));
    let name = field("organization.name", &o.name);
    let uscc = field("organization.uscc", &o.uscc);
    let legal = field("organization.legal_representative", &o.legal_representative);
    // The CA's own credit code (printed as the seller's on every invoice, copied from one):
    // an application made out to the CA itself.
    let uscc = uscc.filter(|code| {
        let own = is_seller_code(own_code, code);
        if own {
            errors.add("organization.uscc", T::ErrOwnCreditCode);
        }
        !own
    });
    let passed = Organization {
        name: name.clone().unwrap_or_default(),
        uscc: String::new(),
        legal_representative: legal.clone().unwrap_or_default(),
    };
    let whole = match (name, uscc, legal) {
        (Some(name), Some(uscc), Some(legal)) => Some(Organization {
            name,
            uscc,
            legal_representative: legal,
        }),
        _ => None,
    };
    (whole, passed)
}

/// A mailing address, checked (a bad field recorded in `errors` and left empty).
fn mailing(errors: &mut Errors, m: &MailingAddress) -> MailingAddress {
    let mut field = |path: &str, value: &str| {
        errors
            .check(path, check_order_field(path, value))
            .unwrap_or_default()
    };
    let checked = MailingAddress {
        recipient: field("mailing.recipient", &m.recipient),
        phone: field("mailing.phone", &m.phone),
        province: field("mailing.province", &m.province),
        city: field("mailing.city", &m.city),
        district: field("mailing.district", &m.district),
        street: field("mailing.street", &m.street),
        postal_code: field("mailing.postal_code", &m.postal_code),
    };
    // A province and a postal code that disagree would send the parcel nowhere (a
    // province typed in pinyin by mistake, a code from an old address): the code is
    // named with the province it belongs to.
    errors.check(
        "mailing.postal_code",
        crate::domain::postal_code_in(&checked.province, &checked.postal_code),
    );
    checked
}

/// What is printed on the form the customer signs (and on the receipt, the label, the
/// invoice) must be printable: a character no font here has would come out as its code
/// point. Asked of what passed its own field's rule, refused on its field.
fn printable(
    errors: &mut Errors,
    fonts: &crate::server::pdf::Fonts,
    applicant_name: Option<&str>,
    organization: Option<&Organization>,
    mailing: Option<&MailingAddress>,
) {
    // A person's name is the one on their papers: said as a name's, not to be written
    // another way.
    let (person, other) = (T::ErrUnprintableName, T::ErrUnprintable);
    let mut printed = Vec::new();
    if let Some(name) = applicant_name {
        printed.push(("applicant.name", name, person));
    }
    if let Some(o) = organization {
        printed.push(("organization.name", o.name.as_str(), other));
        printed.push((
            "organization.legal_representative",
            o.legal_representative.as_str(),
            person,
        ));
    }
    if let Some(m) = mailing {
        printed.extend([
            ("mailing.recipient", m.recipient.as_str(), person),
            ("mailing.province", m.province.as_str(), other),
            ("mailing.city", m.city.as_str(), other),
            ("mailing.district", m.district.as_str(), other),
            ("mailing.street", m.street.as_str(), other),
        ]);
    }
    for (field, text, said) in printed {
        if let Some(refusal) = unprintable(fonts, text, said) {
            errors.add(field, refusal);
        }
    }
}

/// A correction of an order, checked: the parts to replace and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidUpdate {
    /// The new mailing address.
    pub mailing: Option<MailingAddress>,
    /// The organisation's new details.
    pub organization: Option<Organization>,
    /// Why, for the audit trail.
    pub reason: Option<String>,
}

/// Checks a correction of an order of `user_type` as [`new_order`] checks the same parts,
/// naming every bad field at once. Whether the order's status allows it is the store's
/// to say (under the order's lock), not this.
pub fn order_update(
    body: &OrderUpdate,
    user_type: UserType,
    fonts: &crate::server::pdf::Fonts,
    own_code: &str,
) -> Result<ValidUpdate, ApiError> {
    let mut errors = Errors::default();
    if body.applicant.is_some() {
        errors.add("applicant", T::ProblemApplicantFixed);
    }
    if body.mailing.is_none() && body.organization.is_none() {
        errors.add("mailing", T::ProblemNothingToUpdate);
    }
    let (organization, org_passed) = match (&body.organization, user_type) {
        (Some(_), UserType::Individual) => {
            errors.add("organization", T::ProblemNoOrganization);
            (None, None)
        }
        (Some(o), UserType::Organization) => {
            let (whole, passed) = organization(&mut errors, o, own_code);
            (whole, Some(passed))
        }
        (None, _) => (None, None),
    };
    let mailing = body.mailing.as_ref().map(|m| mailing(&mut errors, m));
    let reason = errors
        .check("reason", optional_lines::<500>(body.reason.as_deref()))
        .flatten();
    printable(
        &mut errors,
        fonts,
        None,
        org_passed.as_ref(),
        mailing.as_ref(),
    );
    errors.finish()?;
    Ok(ValidUpdate {
        mailing,
        organization,
        reason,
    })
}

/// JSON of a wire struct built here (plain strings: serializing cannot fail).
fn to_json<V: serde::Serialize>(value: &V) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
