//! Small formatting rules shared by the views.

use time::OffsetDateTime;

use crate::domain::Money;
use crate::i18n::{Lang, T};

/// China Standard Time, in which staff read times.
pub fn china(time: OffsetDateTime) -> OffsetDateTime {
    time.to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC))
}

/// Parses an RFC 3339 time from the platform.
pub fn parse_time(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

/// Work hours waited against those promised, as a queue's column shows them in 9
/// characters: `12.5/17.0`, whole hours from 100 (`240/17`), `999+` from 1,000.
pub fn waited_of(waited_minutes: i64, promised_minutes: i64) -> String {
    fn hours(minutes: i64) -> String {
        let hours = minutes.max(0) as f64 / 60.0;
        if hours < 99.95 {
            format!("{hours:.1}")
        } else if hours < 999.5 {
            format!("{hours:.0}")
        } else {
            "999+".to_owned()
        }
    }
    format!("{}/{}", hours(waited_minutes), hours(promised_minutes))
}

/// `刚刚`, `5 分钟前`, `3 小时前`, `2 天前`, or the date after a week.
pub fn relative(text: &str, now: OffsetDateTime, lang: Lang) -> String {
    let Some(then) = parse_time(text) else {
        return String::new();
    };
    let seconds = (now - then).whole_seconds().max(0);
    match seconds {
        0..60 => T::TimeJustNow.get(lang).to_owned(),
        60..3600 => T::TimeMinutesAgo.fill(lang, &[&(seconds / 60).to_string()]),
        3600..86_400 => T::TimeHoursAgo.fill(lang, &[&(seconds / 3600).to_string()]),
        86_400..604_800 => T::TimeDaysAgo.fill(lang, &[&(seconds / 86_400).to_string()]),
        _ => {
            let local = china(then);
            format!(
                "{:04}-{:02}-{:02}",
                local.year(),
                u8::from(local.month()),
                local.day()
            )
        }
    }
}

/// `2026-11-28 16:32` in China time.
pub fn datetime(text: &str) -> String {
    parse_time(text)
        .map(|t| {
            let t = china(t);
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute()
            )
        })
        .unwrap_or_else(|| text.to_owned())
}

/// `16:32:05` in China time.
pub fn clock(time: OffsetDateTime) -> String {
    let t = china(time);
    format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
}

/// The minute `at` (RFC 3339) is over by, `16:38`, as the customer's pages say when a
/// lock ends: rounded up, so that at the minute shown it is over.
pub fn over_by(at: &str) -> Option<String> {
    parse_time(at).map(|t| clock(t + time::Duration::seconds(59))[..5].to_owned())
}

/// `¥1,234.00`
pub fn money(fen: i64) -> String {
    Money::from_fen(fen)
        .map(|m| m.to_string())
        .unwrap_or_else(|| format!("{fen}"))
}

/// What a field of an order (`mailing.street`, as the platform names it) is called.
pub fn order_field(path: &str) -> Option<T> {
    Some(match path {
        "organization.name" => T::FormOrgName,
        "organization.uscc" => T::FormUscc,
        "organization.legal_representative" => T::FormLegalRep,
        "mailing.recipient" => T::FormRecipient,
        "mailing.phone" => T::FormRecipientPhone,
        "mailing.province" => T::FormProvince,
        "mailing.city" => T::FormCity,
        "mailing.district" => T::FormDistrict,
        "mailing.street" => T::FormStreet,
        "mailing.postal_code" => T::FormPostalCode,
        _ => return None,
    })
}

/// Where an invoice request came from (`phone`, `counter`) as staff read it.
pub fn requested_via(via: &str, lang: Lang) -> String {
    match via {
        "phone" => T::InvoiceViaPhone.get(lang).to_owned(),
        "counter" => T::InvoiceViaCounter.get(lang).to_owned(),
        other => other.to_owned(),
    }
}

/// Who did something, as the counter names them: a customer on their own platform
/// (the platform's built-in `online` operator, or `线上 138****0000` in a history) in the
/// counter's language; a payment provider by its name; an operator as they are named.
pub fn actor(id: Option<&str>, name: &str, lang: Lang) -> String {
    // The platform writes the history's customer in Chinese (`web::orders::customer_label`).
    let online = T::ChannelOnline.get(Lang::ZhCn);
    let rest = if name == "online" || name == online {
        Some("")
    } else {
        name.strip_prefix(online).filter(|r| r.starts_with(' '))
    };
    match rest {
        Some(rest) => format!("{}{rest}", T::ChannelOnline.get(lang)),
        None if id.is_none() => payment_method(name, lang),
        None => name.to_owned(),
    }
}

/// A payment method or provider code as staff read it (`bank_transfer` → 银行转账).
pub fn payment_method(code: &str, lang: Lang) -> String {
    crate::i18n::payment_method(code, lang)
}

/// Who verified an identity, when, and the provider's id of the check: `支付宝刷脸 ✓
/// 2026-12-03 10:21，certify_id …`.
pub fn identity_fact(provider: &str, transaction_id: Option<&str>, at: &str, lang: Lang) -> String {
    let who = match provider {
        "alipay" => T::ProviderAlipayFace.get(lang).to_owned(),
        "builtin" => T::ProviderBuiltinCheck.get(lang).to_owned(),
        other => other.to_owned(),
    };
    match transaction_id.filter(|_| provider == "alipay") {
        Some(id) => T::RealnameVerifiedById.fill(lang, &[&who, &datetime(at), id]),
        None => T::RealnameVerifiedBy.fill(lang, &[&who, &datetime(at)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waited_hours_fit_the_column() {
        assert_eq!(waited_of(750, 1020), "12.5/17.0");
        assert_eq!(waited_of(0, 1020), "0.0/17.0");
        assert_eq!(waited_of(5997, 1020), "100/17.0");
        assert_eq!(waited_of(14_400, 1020), "240/17.0");
        assert_eq!(waited_of(335_070, 1020), "999+/17.0");
        assert_eq!(waited_of(-5, 1020), "0.0/17.0");
        for waited in (0..400_000).step_by(997) {
            assert!(waited_of(waited, 1020).len() <= 9, "{waited}");
        }
    }
    use time::macros::datetime;

    #[test]
    fn relative_times_read_naturally() {
        let now = datetime!(2026-11-28 08:00 UTC);
        assert_eq!(relative("2026-11-28T07:59:30Z", now, Lang::ZhCn), "刚刚");
        assert_eq!(
            relative("2026-11-28T07:55:00Z", now, Lang::ZhCn),
            "5 分钟前"
        );
        assert_eq!(relative("2026-11-28T05:00:00Z", now, Lang::En), "3 h ago");
        assert_eq!(relative("2026-11-26T08:00:00Z", now, Lang::ZhCn), "2 天前");
        assert_eq!(
            relative("2026-10-01T08:00:00Z", now, Lang::ZhCn),
            "2026-10-01"
        );
        assert_eq!(datetime("2026-11-28T08:32:00Z"), "2026-11-28 16:32");
    }

    #[test]
    fn a_customer_online_is_named_in_the_counters_language() {
        let online = Some("00000000-0000-7000-8000-0000000c0de1");
        assert_eq!(actor(online, "online", Lang::ZhCn), "线上");
        assert_eq!(actor(online, "online", Lang::En), "online");
        assert_eq!(
            actor(None, "线上 139****0003", Lang::En),
            "online 139****0003"
        );
        assert_eq!(
            actor(None, "线上 139****0003", Lang::ZhCn),
            "线上 139****0003"
        );
        assert_eq!(actor(Some("op-1"), "李柜员", Lang::En), "李柜员");
        assert_eq!(actor(None, "bank_transfer", Lang::ZhCn), "银行转账");
    }
}
