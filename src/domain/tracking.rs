//! Tracking numbers (运单号), checked per carrier where its format is known.
//!
//! UPU S10 item numbers are checked with their check digit; other carriers by length and
//! prefix only, and never more strictly than the carrier itself: refusing a real number
//! at the counter costs more than letting a typo through to the tracking service.

use serde::{Deserialize, Serialize};

use super::{InvalidValue, text::normalize_width};
use crate::i18n::{Arg, Msg, T};

/// How a carrier's tracking numbers look; set per carrier in the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackingFormat {
    /// EMS: an S10 item number or 13 digits.
    Ems,
    /// China Post (中国邮政): an S10 item number, a domestic item number or 11–13 digits.
    ChinaPost,
    /// SF Express (顺丰): `SF` and 12–13 digits, or 12 digits.
    SfExpress,
    /// JD Logistics (京东): `JD` and 11–18 letters or digits, or 10–13 digits.
    Jd,
    /// ZTO (中通): 12–15 digits.
    Zto,
    /// YTO (圆通): `YT` and 8–16 digits, or 10–18 digits.
    Yto,
    /// Yunda (韵达): 12–15 digits.
    Yunda,
    /// STO (申通): 12–17 digits.
    Sto,
    /// A carrier whose format is not known: 6–32 letters and digits.
    Any,
}

impl TrackingFormat {
    /// Every format.
    pub const ALL: [TrackingFormat; 9] = [
        TrackingFormat::Ems,
        TrackingFormat::ChinaPost,
        TrackingFormat::SfExpress,
        TrackingFormat::Jd,
        TrackingFormat::Zto,
        TrackingFormat::Yto,
        TrackingFormat::Yunda,
        TrackingFormat::Sto,
        TrackingFormat::Any,
    ];
}

/// A tracking number that fits its carrier's format: ASCII capitals and digits, without
/// the spaces and dashes people type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TrackingNo(String);

impl TrackingNo {
    /// Checks a number as typed or scanned for a carrier called `carrier_name` (named in
    /// the error): full-width forms folded, spaces and dashes dropped, letters upper-cased.
    pub fn parse(
        format: TrackingFormat,
        carrier_name: &str,
        input: &str,
    ) -> Result<TrackingNo, InvalidValue> {
        check(format, Arg::from(carrier_name), input)
    }

    /// The number.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Stored numbers are read back with the loosest rule, as the carrier is not known here.
impl TryFrom<String> for TrackingNo {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        check(
            TrackingFormat::Any,
            Arg::Text(T::TrackingAnyCarrier),
            &value,
        )
    }
}

impl From<TrackingNo> for String {
    fn from(value: TrackingNo) -> String {
        value.0
    }
}

impl std::fmt::Display for TrackingNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

const S10_WEIGHTS: [u32; 8] = [8, 6, 4, 2, 3, 5, 9, 7];

/// The UPU S10 check digit of an 8-digit serial number, or `None` when `serial` is not 8
/// ASCII digits.
pub fn s10_check_digit(serial: &str) -> Option<u8> {
    let bytes = serial.as_bytes();
    if bytes.len() != 8 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(S10_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    Some(match 11 - sum % 11 {
        10 => 0,
        11 => 5,
        check => check as u8,
    })
}

/// True for a 13-character UPU S10 item number (`RR123456785CN`: service letters, serial,
/// check digit, country) whose check digit is right; upper case, no spaces.
pub fn is_valid_s10(number: &str) -> bool {
    has_s10_shape(number) && s10_expected(number) == Some(number.as_bytes()[10])
}

/// Two capitals, nine digits, two capitals.
fn has_s10_shape(number: &str) -> bool {
    let b = number.as_bytes();
    b.len() == 13
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..11].iter().all(u8::is_ascii_digit)
        && b[11..].iter().all(u8::is_ascii_uppercase)
}

/// The check digit an S10-shaped number should carry, as an ASCII byte.
fn s10_expected(number: &str) -> Option<u8> {
    number
        .get(2..10)
        .and_then(s10_check_digit)
        .map(|digit| b'0' + digit)
}

/// Folds what scanners and input methods send into the stored form.
fn normalize(input: &str) -> String {
    normalize_width(input)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '‐'..='―'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn all_digits(s: &str, lengths: std::ops::RangeInclusive<usize>) -> bool {
    lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

fn all_alphanumeric(s: &str, lengths: std::ops::RangeInclusive<usize>) -> bool {
    lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Two letters and eleven digits: China Post's domestic registered items (e.g. XA…31,
/// the last two digits a province code).
fn is_domestic_postal(number: &str) -> bool {
    let b = number.as_bytes();
    b.len() == 13 && b[..2].iter().all(u8::is_ascii_uppercase) && all_digits(&number[2..], 11..=11)
}

fn is_sf(number: &str) -> bool {
    match number.strip_prefix("SF") {
        // Some SF numbers carry a letter after SF (SFA…); accepted too.
        Some(rest) => {
            all_digits(rest, 12..=13)
                || rest.split_at_checked(1).is_some_and(|(first, digits)| {
                    first.bytes().all(|b| b.is_ascii_uppercase()) && all_digits(digits, 12..=12)
                })
        }
        None => all_digits(number, 12..=12),
    }
}

fn check(format: TrackingFormat, carrier: Arg, input: &str) -> Result<TrackingNo, InvalidValue> {
    let number = normalize(input);
    if number.is_empty() {
        return Err(T::ErrTrackingEmpty.into());
    }
    let postal = matches!(format, TrackingFormat::Ems | TrackingFormat::ChinaPost);
    if postal && has_s10_shape(&number) {
        let expected = s10_expected(&number).unwrap_or(b'0');
        if number.as_bytes()[10] != expected {
            let digit = char::from(expected).to_string();
            return Err(Msg::with(T::ErrTrackingCheckDigit, [digit]).into());
        }
        return Ok(TrackingNo(number));
    }
    let digits_between = |min: usize, max: usize| {
        let ok = all_digits(&number, min..=max);
        let error = Msg::with(
            T::ErrTrackingDigits,
            [
                carrier.clone(),
                min.to_string().into(),
                max.to_string().into(),
            ],
        );
        (ok, error)
    };
    let (ok, error) = match format {
        TrackingFormat::Ems => (
            all_digits(&number, 13..=13) || is_domestic_postal(&number),
            Msg::with(T::ErrTrackingEms, [carrier]),
        ),
        TrackingFormat::ChinaPost => (
            all_digits(&number, 11..=13) || is_domestic_postal(&number),
            Msg::with(T::ErrTrackingChinaPost, [carrier]),
        ),
        TrackingFormat::SfExpress => (is_sf(&number), Msg::with(T::ErrTrackingSf, [carrier])),
        TrackingFormat::Jd => (
            number
                .strip_prefix("JD")
                .is_some_and(|rest| all_alphanumeric(rest, 11..=18))
                || all_digits(&number, 10..=13),
            Msg::with(T::ErrTrackingJd, [carrier]),
        ),
        TrackingFormat::Yto => (
            number
                .strip_prefix("YT")
                .is_some_and(|rest| all_digits(rest, 8..=16))
                || all_digits(&number, 10..=18),
            Msg::with(T::ErrTrackingYto, [carrier]),
        ),
        TrackingFormat::Zto | TrackingFormat::Yunda => digits_between(12, 15),
        TrackingFormat::Sto => digits_between(12, 17),
        TrackingFormat::Any => (
            all_alphanumeric(&number, 6..=32),
            Msg::with(T::ErrTrackingAny, [carrier]),
        ),
    };
    if ok {
        Ok(TrackingNo(number))
    } else {
        Err(error.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn parse(format: TrackingFormat, input: &str) -> Result<String, String> {
        let carrier = match format {
            TrackingFormat::Ems => "EMS",
            TrackingFormat::ChinaPost => "China Post",
            TrackingFormat::SfExpress => "SF Express",
            _ => "Courier",
        };
        TrackingNo::parse(format, carrier, input)
            .map(|t| t.0)
            .map_err(|e| e.render(Lang::En))
    }

    fn accepts(format: TrackingFormat, input: &str) -> bool {
        parse(format, input).is_ok()
    }

    #[test]
    fn s10_check_digits_follow_the_upu_weights() {
        // 1·8 + 2·6 + 3·4 + 4·2 + 5·3 + 6·5 + 7·9 + 8·7 = 204; 204 mod 11 = 6; 11 − 6 = 5.
        assert_eq!(s10_check_digit("12345678"), Some(5));
        assert_eq!(s10_check_digit("00071758"), Some(1));
        assert_eq!(s10_check_digit("76129403"), Some(8));
        // 166 mod 11 = 1, so 11 − 1 = 10, written 0.
        assert_eq!(s10_check_digit("96633102"), Some(0));
        // A sum divisible by 11 gives 11, written 5.
        assert_eq!(s10_check_digit("00000000"), Some(5));
        assert_eq!(s10_check_digit("10000002"), Some(5));
        for bad in ["1234567", "123456789", "1234567A", "", "１２３４５６７８"] {
            assert_eq!(s10_check_digit(bad), None, "{bad}");
        }
    }

    #[test]
    fn real_s10_numbers_are_valid() {
        for number in [
            "RR123456785CN",
            "EA123456785CN",
            "CP876543216CN",
            "LX314159268CN",
            "RB966331020CN",
            "EA100000025CN",
            "EB000717595HK",
            "EB000717618HK",
            "EE471108151FR",
        ] {
            assert!(is_valid_s10(number), "{number}");
            assert!(accepts(TrackingFormat::Ems, number), "{number}");
            assert!(accepts(TrackingFormat::ChinaPost, number), "{number}");
        }
        for bad in [
            "RR123456784CN",
            "EB000717594HK",
            "rr123456785cn",
            "RR12345678CN",
            "R1123456785CN",
            "RR123456785C1",
            "",
        ] {
            assert!(!is_valid_s10(bad), "{bad}");
        }
    }

    #[test]
    fn a_wrong_check_digit_names_the_right_one() {
        assert_eq!(
            parse(TrackingFormat::Ems, "RR123456784CN"),
            Err(
                "the item number's check digit is wrong (the 11th character should be 5); \
                 please check for a typo"
                    .into()
            )
        );
        let message = TrackingNo::parse(TrackingFormat::ChinaPost, "中国邮政", "EB000717535HK")
            .err()
            .map(|e| e.render(Lang::ZhCn))
            .unwrap_or_default();
        // 0·8 + 0·6 + 0·4 + 7·2 + 1·3 + 7·5 + 5·9 + 3·7 = 118; 118 mod 11 = 8; 11 − 8 = 3.
        assert!(message.contains("应为 3"), "{message}");
    }

    #[test]
    fn scanned_and_typed_numbers_are_normalised() {
        assert_eq!(
            parse(TrackingFormat::Ems, " rr 1234 5678 5 cn "),
            Ok("RR123456785CN".into())
        );
        assert_eq!(
            parse(TrackingFormat::ChinaPost, "ＲＲ１２３４５６７８５ＣＮ"),
            Ok("RR123456785CN".into())
        );
        assert_eq!(
            parse(TrackingFormat::SfExpress, "sf-1234-5678-9012-3"),
            Ok("SF1234567890123".into())
        );
        assert_eq!(
            parse(TrackingFormat::Zto, "７５１２　３４５６　７８９０１２"),
            Ok("75123456789012".into())
        );
        assert_eq!(
            parse(TrackingFormat::Jd, "jdva00123456789"),
            Ok("JDVA00123456789".into())
        );
        assert_eq!(
            parse(TrackingFormat::Yunda, "4312－3456－7890－123"),
            Ok("431234567890123".into())
        );
    }

    #[test]
    fn an_empty_scan_asks_for_the_number() {
        for empty in ["", "   ", "　", "--"] {
            assert_eq!(
                parse(TrackingFormat::SfExpress, empty),
                Err("please enter or scan the tracking number".into()),
                "{empty:?}"
            );
        }
    }

    #[test]
    fn ems_takes_s10_13_digits_or_domestic_item_numbers() {
        for good in [
            "1012345678901",
            "9876543210123",
            "XA12345678931",
            "PA12345678901",
        ] {
            assert!(accepts(TrackingFormat::Ems, good), "{good}");
        }
        for bad in [
            "101234567890",
            "10123456789012",
            "EA12345678CN",
            "SF1234567890123",
        ] {
            assert_eq!(
                parse(TrackingFormat::Ems, bad),
                Err(
                    "EMS tracking numbers are 13 digits, or 13 characters starting with two \
                     letters (like EA123456785CN)"
                        .into()
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn china_post_takes_s10_11_to_13_digits_or_domestic_item_numbers() {
        for good in [
            "12345678901",
            "123456789012",
            "9912345678901",
            "KA12345678931",
        ] {
            assert!(accepts(TrackingFormat::ChinaPost, good), "{good}");
        }
        for bad in [
            "1234567890",
            "12345678901234",
            "ABC1234567890",
            "RR1234567855CN",
        ] {
            assert!(!accepts(TrackingFormat::ChinaPost, bad), "{bad}");
        }
    }

    #[test]
    fn sf_numbers_are_sf_and_digits_or_twelve_digits() {
        for good in [
            "SF1234567890123",
            "SF123456789012",
            "SFA123456789012",
            "123456789012",
        ] {
            assert!(accepts(TrackingFormat::SfExpress, good), "{good}");
        }
        for bad in [
            "SF12345678901",
            "SF12345678901234",
            "1234567890123",
            "12345678901",
            "RR123456785CN",
        ] {
            assert!(!accepts(TrackingFormat::SfExpress, bad), "{bad}");
        }
        let message = TrackingNo::parse(TrackingFormat::SfExpress, "顺丰", "SF123")
            .err()
            .map(|e| e.render(Lang::ZhCn))
            .unwrap_or_default();
        assert_eq!(message, "顺丰单号为 SF 加 12–13 位数字，或 12 位数字");
    }

    #[test]
    fn jd_numbers_are_jd_and_letters_or_digits() {
        for good in [
            "JDVA00123456789",
            "JD0012345678901",
            "JDX123456789012",
            "JD12345678901",
            "1234567890",
            "1234567890123",
        ] {
            assert!(accepts(TrackingFormat::Jd, good), "{good}");
        }
        for bad in [
            "JD1234567890",
            "JD1234567890123456789",
            "123456789",
            "12345678901234",
        ] {
            assert!(!accepts(TrackingFormat::Jd, bad), "{bad}");
        }
    }

    #[test]
    fn yto_numbers_are_yt_and_digits_or_digits() {
        for good in [
            "YT1234567890123",
            "YT12345678",
            "1234567890",
            "123456789012345678",
        ] {
            assert!(accepts(TrackingFormat::Yto, good), "{good}");
        }
        for bad in [
            "YT1234567",
            "YTA234567890123",
            "123456789",
            "SF1234567890123",
        ] {
            assert!(!accepts(TrackingFormat::Yto, bad), "{bad}");
        }
    }

    #[test]
    fn zto_yunda_and_sto_numbers_are_digits_only() {
        for format in [
            TrackingFormat::Zto,
            TrackingFormat::Yunda,
            TrackingFormat::Sto,
        ] {
            for good in ["123456789012", "75123456789012", "431234567890123"] {
                assert!(accepts(format, good), "{format:?} {good}");
            }
            for bad in ["12345678901", "ZT1234567890123", "RR123456785CN"] {
                assert!(!accepts(format, bad), "{format:?} {bad}");
            }
        }
        assert!(!accepts(TrackingFormat::Zto, "1234567890123456"));
        assert!(accepts(TrackingFormat::Sto, "7731234567890123"));
        let message = TrackingNo::parse(TrackingFormat::Zto, "中通", "123")
            .err()
            .map(|e| e.render(Lang::ZhCn))
            .unwrap_or_default();
        assert_eq!(message, "中通单号为 12–15 位数字");
    }

    #[test]
    fn an_unknown_carrier_takes_any_letters_and_digits() {
        for good in [
            "DPK364112047425",
            "JT0006968326954",
            "ABC123",
            "RR123456784CN",
        ] {
            assert!(accepts(TrackingFormat::Any, good), "{good}");
        }
        for bad in ["ABC12", "中通123456", "AB12/34", &"1".repeat(33)] {
            assert!(!accepts(TrackingFormat::Any, bad), "{bad}");
        }
        let message = TrackingNo::parse(TrackingFormat::Any, "德邦", "12")
            .err()
            .map(|e| e.render(Lang::ZhCn))
            .unwrap_or_default();
        assert_eq!(message, "德邦单号应为 6–32 位字母或数字");
    }

    #[test]
    fn serialised_as_the_plain_number() {
        let number = TrackingNo::parse(TrackingFormat::Ems, "", "rr123456785cn");
        let json = number
            .as_ref()
            .ok()
            .and_then(|n| serde_json::to_string(n).ok());
        assert_eq!(json.as_deref(), Some("\"RR123456785CN\""));
        let back: Option<TrackingNo> = json.and_then(|j| serde_json::from_str(&j).ok());
        assert_eq!(back, number.ok());
        assert!(serde_json::from_str::<TrackingNo>("\"12\"").is_err());
        assert_eq!(
            TrackingNo::parse(TrackingFormat::Yto, "", "yt1234567890123")
                .map(|n| n.to_string())
                .ok(),
            Some("YT1234567890123".into())
        );
    }

    #[test]
    fn format_names_on_the_wire_are_snake_case() {
        let names: Vec<String> = TrackingFormat::ALL
            .iter()
            .filter_map(|f| serde_json::to_value(f).ok())
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        assert_eq!(
            names,
            [
                "ems",
                "china_post",
                "sf_express",
                "jd",
                "zto",
                "yto",
                "yunda",
                "sto",
                "any"
            ]
        );
        assert_eq!(
            serde_json::from_str::<TrackingFormat>("\"sf_express\"").ok(),
            Some(TrackingFormat::SfExpress)
        );
    }
}
