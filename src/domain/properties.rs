//! Property tests of every parser in the domain: over arbitrary strings (and strings shaped
//! like the real thing, so the accepting path is exercised too), no parser panics, and what
//! one accepts it accepts again, unchanged, from its own printed form.

use proptest::prelude::*;

use super::*;
use crate::domain::text::Lines;

/// Arbitrary text, weighted towards what breaks parsers: digits, ASCII, CJK, full-width
/// forms, controls and direction characters.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => any::<char>().prop_map(String::from),
        3 => "[0-9]{1,20}",
        2 => "[A-Za-z0-9 .,¥￥\\-+@_]{1,12}",
        2 => "[\u{4E00}-\u{9FFF}]{1,6}",
        1 => "[\u{FF01}-\u{FF5E}\u{3000}]{1,6}",
        1 => prop::sample::select(vec![
            "\0", "\u{1b}[31m", "\u{7}", "\u{202E}", "\u{2066}", "\u{200B}", "\u{FEFF}", "\r\n",
            "\t", "\u{85}", "X", "x", "-", " ",
        ])
        .prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|pieces| pieces.concat())
}

/// 17 digits: the body of an ID number (its check character is computed in the test).
fn id_body() -> impl Strategy<Value = String> {
    "[1-6][0-9]{5}(19[5-9][0-9]|20[01][0-9])(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{3}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn id_numbers(input in prop_oneof![hostile(), id_body(), id_body().prop_map(|b| format!("{b}X"))]) {
        if let Ok(id) = IdNumber::parse(&input) {
            prop_assert_eq!(IdNumber::parse(&id.to_string()), Ok(id));
        }
        // Every body has exactly one check character that makes it valid.
        if input.len() == 17 && input.chars().all(|c| c.is_ascii_digit()) {
            let valid = "0123456789X"
                .chars()
                .filter(|c| IdNumber::parse(&format!("{input}{c}")).is_ok())
                .count();
            prop_assert!(valid <= 1);
        }
    }

    #[test]
    fn credit_codes(input in prop_oneof![hostile(), "[0-9A-HJ-NPQRTUWXY]{18}"]) {
        if let Ok(code) = Uscc::parse(&input) {
            prop_assert_eq!(Uscc::parse(&code.to_string()), Ok(code));
        }
    }

    #[test]
    fn phones_postcodes_and_emails(input in prop_oneof![hostile(), "1[3-9][0-9]{9}", "[0-9]{6}", "[a-z]{1,8}@[a-z]{1,8}\\.(com|cn)"]) {
        if let Ok(phone) = Phone::parse(&input) {
            prop_assert_eq!(Phone::parse(phone.as_str()), Ok(phone));
        }
        if let Ok(code) = PostalCode::parse(&input) {
            prop_assert_eq!(PostalCode::parse(code.as_str()), Ok(code));
        }
        if let Ok(email) = Email::parse(&input) {
            prop_assert_eq!(Email::parse(email.as_str()), Ok(email));
        }
    }

    #[test]
    fn order_numbers(input in prop_oneof![hostile(), "HN20[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9])[0-9]{6}"]) {
        if let Ok(no) = OrderNo::parse(&input) {
            prop_assert_eq!(OrderNo::parse(no.as_str()), Ok(no));
        }
    }

    #[test]
    fn tracking_numbers(
        input in prop_oneof![hostile(), "[A-Z]{2}[0-9]{9}CN", "(SF)?[0-9]{12,15}", "[0-9]{10,15}"],
        format in prop::sample::select(TrackingFormat::ALL.to_vec()),
    ) {
        if let Ok(no) = TrackingNo::parse(format, "carrier", &input) {
            prop_assert_eq!(TrackingNo::parse(format, "carrier", no.as_str()), Ok(no));
        }
    }

    #[test]
    fn money_and_capital_numerals(input in prop_oneof![hostile(), "[0-9]{1,12}(\\.[0-9]{1,2})?"], fen in any::<i64>()) {
        if let Ok(money) = Money::parse_yuan(&input) {
            prop_assert_eq!(Money::parse_yuan(&money.to_string()), Ok(money));
            prop_assert_eq!(Money::parse_yuan(&money.yuan_string()), Ok(money));
            let capital = money.to_chinese_capital();
            prop_assert!(capital.ends_with('整') || capital.ends_with('分') || capital.ends_with('角'), "{}", capital);
        }
        if let Some(money) = Money::from_fen(fen) {
            let _ = money.to_chinese_capital();
            let _ = money.to_string();
        }
    }

    #[test]
    fn human_text_is_safe_and_settled(input in hostile(), many in any::<bool>(), max in 1usize..60) {
        let lines = if many { Lines::Many } else { Lines::One };
        if let Ok(text) = human_text(&input, lines, max) {
            prop_assert!(!text.chars().any(|c| (c.is_control() && c != '\n') || is_bidi_control(c)));
            prop_assert!(lines == Lines::Many || !text.contains('\n'));
            prop_assert!(text.chars().count() <= max);
            prop_assert_eq!(human_text(&text, lines, max), Ok(text.clone()));
        }
        if let Ok(place) = place_name(&input) {
            prop_assert_eq!(place_name(&place), Ok(place.clone()));
        }
    }

    #[test]
    fn masks_never_panic(input in hostile()) {
        let _ = mask_id_number(&input);
        let _ = mask_phone(&input);
        let _ = mask_name(&input);
        let _ = mask_email(&input);
        let _ = mask_address(&input, &input, &input, &input);
    }

    #[test]
    fn invoice_requests(name in hostile(), tax in prop_oneof![hostile(), "[0-9A-HJ-NPQRTUWXY]{18}", "[0-9]{15}"], email in hostile()) {
        let input = InvoiceRequestInput {
            buyer_kind: Some("organisation".into()),
            invoice_kind: Some("normal".into()),
            buyer_name: name,
            tax_number: tax,
            email,
            ..InvoiceRequestInput::default()
        };
        if let Ok((request, _)) = validate_invoice_request(&input) {
            let again = InvoiceRequestInput {
                buyer_kind: Some(request.buyer_kind.as_str().into()),
                invoice_kind: Some(request.invoice_kind.as_str().into()),
                buyer_name: request.buyer_name.clone(),
                tax_number: request.tax_number.clone().unwrap_or_default(),
                email: request.email.to_string(),
                address: request.address.clone().unwrap_or_default(),
                phone: request.phone.clone().unwrap_or_default(),
                bank: request.bank.clone().unwrap_or_default(),
                account: request.account.clone().unwrap_or_default(),
            };
            prop_assert_eq!(validate_invoice_request(&again).map(|(r, _)| r), Ok(request));
        }
    }
}
