//! The OpenAPI description of the values the platform checks, so that a generated client
//! (or a fuzzer) knows what it will accept: lengths, and patterns built from the same rules
//! the domain applies (`domain::text` gives the human-text pattern from the very ranges it
//! refuses). Where a rule cannot be written as a pattern — an ID number's check character,
//! an id that must exist — the pattern gives the shape and the platform answers 422 with
//! the field.

use utoipa::openapi::schema::{KnownFormat, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{Object, ObjectBuilder};

use crate::domain::{lines_pattern, one_line_pattern, optional_lines_pattern};

fn string(pattern: Option<String>, min: usize, max: usize, description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(pattern)
        .min_length(Some(min))
        .max_length(Some(max))
        .description(Some(description))
}

fn nullable(builder: ObjectBuilder) -> Object {
    builder
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .build()
}

/// A person's name (an applicant, a legal representative, a recipient, a customer): see
/// `domain::person_name`, 1–50 characters.
pub fn name() -> Object {
    string(
        Some(one_line_pattern()),
        1,
        50,
        "A person's name: letters of any script, with spaces and · - . ' only — no digits, \
         symbols, emoji or invisible characters (422 names the field; a space between two \
         Chinese characters is dropped, and a keyboard's dot between a name's parts — `•`, \
         `・` — is kept as the ID card's `·`); a character the application form's fonts \
         cannot print is refused too, named in the message",
    )
    .build()
}

/// An organisation's or invoice buyer's name: one line of human text, 1–100 characters.
pub fn long_name() -> Object {
    string(
        Some(one_line_pattern()),
        1,
        100,
        "One line of text: no control or direction characters, something visible",
    )
    .build()
}

/// A street and house number: one line of human text, 1–200 characters.
pub fn street() -> Object {
    string(
        Some(one_line_pattern()),
        1,
        200,
        "One line of text: no control or direction characters, something visible; kept as it prints (full-width digits and Latin letters in ASCII, spaces one at a time: `人民路１２号　３栋` is kept as `人民路12号 3栋`)",
    )
    .build()
}

/// The province of an address: one of mainland China's 31 provinces, autonomous regions
/// and municipalities, by its full name, its short name or its pinyin (`domain::province`;
/// kept and shown in full).
pub fn province() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(crate::domain::province_names()))
        .description(Some(
            "A province of mainland China: its full name (湖南省), short name (湖南) or pinyin \
             (Hunan, in any case); kept and answered in full",
        ))
        .build()
}

/// A province, city or district: Chinese or Latin letters, digits, spaces and `·-()（）`,
/// at least one letter.
pub fn place() -> Object {
    let allowed = "A-Za-z0-9 \\u00B7\\u3001()\\uFF08\\uFF09\\u3400-\\u4DBF\\u4E00-\\u9FFF-";
    let letter = "A-Za-z\\u3400-\\u4DBF\\u4E00-\\u9FFF";
    string(
        Some(format!("^[{allowed}]*[{letter}][{allowed}]*$")),
        1,
        30,
        "A place name: letters (Chinese or Latin), digits, spaces and ·-()（）",
    )
    .build()
}

/// Optional free text of several lines (a note, a reason), at most `max` characters.
pub fn lines(max: usize) -> Object {
    nullable(string(
        Some(optional_lines_pattern()),
        0,
        max,
        "Text of one or more lines: no control or direction characters; blank (spaces and line \
         breaks only) is taken as not given",
    ))
}

/// A note of up to 1,000 characters (required).
pub fn note() -> Object {
    string(
        Some(lines_pattern()),
        1,
        1000,
        "Text of one or more lines: no control or direction characters, something visible",
    )
    .build()
}

/// An optional note or reason of up to 500 characters.
pub fn optional_reason() -> Object {
    lines(500)
}

/// An optional short reference (an application reference, a terms version).
pub fn optional_reference() -> Object {
    nullable(string(Some(one_line_pattern()), 1, 32, "A short reference"))
}

/// A mainland mobile number, 11 digits (spaces, dashes, `+86` and full-width digits are
/// also read).
pub fn phone() -> Object {
    string(
        Some("^1[3-9][0-9]{9}$".into()),
        11,
        11,
        "Mainland mobile number",
    )
    .build()
}

/// The number a courier calls the recipient on: a mobile number, or a landline with its
/// area code as the platform keeps it (`0731-85172903`, `-123` an extension).
pub fn recipient_phone() -> Object {
    string(
        Some("^(1[3-9][0-9]{9}|0[0-9]{2,3}-[0-9]{7,8}(-[0-9]{1,6})?)$".into()),
        11,
        20,
        "Mainland mobile number, or a landline with its area code (0731-85172903)",
    )
    .build()
}

/// A resident ID number (GB 11643): 18 characters, the last a check digit or `X`.
pub fn id_number() -> Object {
    string(
        Some("^[1-9][0-9]{5}(18|19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]$".into()),
        18,
        18,
        "Resident ID number; its check character is checked too",
    )
    .build()
}

/// A unified social credit code (GB 32100): 18 characters; its check character is checked.
pub fn uscc() -> Object {
    string(
        Some("^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$".into()),
        18,
        18,
        "Unified social credit code; its check character is checked too",
    )
    .build()
}

/// A six-digit postal code.
pub fn postal_code() -> Object {
    string(Some("^[0-9]{6}$".into()), 6, 6, "Six-digit postal code").build()
}

/// The mailbox as `domain::Email` takes it (parts between dots, no quoting characters),
/// then its domain.
const EMAIL_PATTERN: &str = r#"^[^@.\s\u0000-\u001F"(),:;<>\[\\\]]{1,64}(\.[^@.\s\u0000-\u001F"(),:;<>\[\\\]]{1,64}){0,3}@([A-Za-z0-9-]+\.)+[A-Za-z0-9-]+$"#;

/// An optional e-mail address.
pub fn optional_email() -> Object {
    nullable(string(Some(EMAIL_PATTERN.into()), 3, 254, "E-mail address"))
}

/// The id of a record (a UUID), which must exist.
pub fn id() -> Object {
    string(
        Some("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$".into()),
        36,
        36,
        "Record id (UUID); it must exist",
    )
    .build()
}

/// An order number, `HN` + date + six digits.
pub fn order_no() -> Object {
    string(
        Some("^HN[0-9]{14}$".into()),
        16,
        16,
        "Order number: HN, the date (YYYYMMDD) and a six-digit sequence",
    )
    .build()
}

/// A calendar date, `YYYY-MM-DD`, from 1900 to 2999.
pub fn date() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .pattern(Some(
            "^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
        ))
        .build()
}

/// What a clerk types to search: one line of text, at most 100 characters (blank lists all).
pub fn search() -> Object {
    let pattern = one_line_pattern();
    let blank = "^[\\u0020\\u00A0\\u1680\\u2000-\\u200A\\u202F\\u205F\\u3000]*$";
    string(
        Some(format!("{blank}|{pattern}")),
        0,
        100,
        "Search text: one line, at most 100 characters; blank lists all (what it is matched against is the parameter's own description)",
    )
    .build()
}

/// An `Idempotency-Key`: 1–200 visible ASCII characters, unique per submission.
pub fn idempotency_key() -> Object {
    string(
        Some("^[!-~]{1,200}$".into()),
        1,
        200,
        "Unique per submission (e.g. the draft id); the same key again answers the first result",
    )
    .build()
}

/// `If-Match`: the order version, as `3`, `"3"` or `W/"3"`.
pub fn if_match() -> Object {
    string(
        Some("^(W/)?\"?[0-9]{1,18}\"?$".into()),
        1,
        24,
        "The order version the person saw",
    )
    .build()
}

/// `Last-Event-ID`: the id of the last event received.
pub fn event_id() -> Object {
    string(
        Some("^[0-9]{1,18}$".into()),
        1,
        18,
        "Resume after this event",
    )
    .build()
}

/// Comma-separated order statuses, e.g. `pending_review,rejected`.
pub fn statuses() -> Object {
    let names: Vec<&str> = crate::domain::OrderStatus::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    let one = format!("({})", names.join("|"));
    string(
        Some(format!("^$|^{one}(,{one})*$")),
        0,
        200,
        "Comma-separated statuses (none: all)",
    )
    .build()
}

/// A required e-mail address.
pub fn email() -> Object {
    string(Some(EMAIL_PATTERN.into()), 3, 254, "E-mail address").build()
}

/// One optional line of human text, up to 200 characters (empty is none).
pub fn optional_line() -> Object {
    let pattern = one_line_pattern();
    string(
        Some(format!("^$|{pattern}")),
        0,
        crate::domain::INVOICE_LINE_MAX,
        "One line of text, or empty",
    )
    .build()
}

/// One line of human text, 1–200 characters.
pub fn short_line() -> Object {
    string(Some(one_line_pattern()), 1, 200, "One line of text").build()
}

/// The reasons an order is returned for: one line each.
pub fn reasons() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(string(Some(one_line_pattern()), 1, 200, "One reason").build())
        .max_items(Some(MAX_REASONS))
        .build()
}

/// The most reasons an order is returned for at once (each goes into the customer's text
/// and notice).
pub const MAX_REASONS: usize = 20;

/// The most attachments one action names.
pub const MAX_ATTACHMENT_IDS: usize = 20;

/// Ids of records that must exist.
pub fn ids() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(id())
        .max_items(Some(MAX_ATTACHMENT_IDS))
        .build()
}

/// Order numbers, 1–200.
pub fn order_nos() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(order_no())
        .min_items(Some(1))
        .max_items(Some(200))
        .build()
}

/// The states staff may type for a parcel tracked by hand.
pub fn tracking_states() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(
            "The state the parcel is in after it (`collected`, `in_transit`, `delivering`, \
             `delivered`, `returning`, …)",
        ))
        .enum_values(Some(
            crate::domain::TrackingState::typed().map(crate::domain::TrackingState::as_str),
        ))
        .build()
}

/// A query parameter's schema from one of the functions above, as a type for
/// `#[param(value_type = …, inline)]`: utoipa drops a parameter's description (its doc
/// comment) when its schema is given with `schema_with`, and a generated client then
/// documents `from` and `q` with nothing at all.
macro_rules! param_schema {
    ($(#[$doc:meta] $name:ident = $schema:ident;)*) => {$(
        #[$doc]
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::Schema::Object($schema()).into()
            }
        }

        impl utoipa::ToSchema for $name {}
    )*};
}

param_schema! {
    /// [`date`] as a parameter's type.
    DateParam = date;
    /// [`id`] as a parameter's type.
    IdParam = id;
    /// [`order_no`] as a parameter's type.
    OrderNoParam = order_no;
    /// [`search`] as a parameter's type.
    SearchParam = search;
    /// [`statuses`] as a parameter's type.
    StatusesParam = statuses;
}
