//! The province of a mailing address: one of mainland China's 31 provincial-level
//! divisions (provinces, autonomous regions, municipalities), named in full as a courier's
//! label names it. A customer may type it short (湖南) or in pinyin (Hunan); it is kept in
//! full (湖南省). Hong Kong, Macau and Taiwan have no six-digit postal code, which every
//! address here carries, so they are not among them.

use super::{InvalidValue, normalize_width};
use crate::i18n::T;

/// Each division: its full name, its short name, its name in pinyin (as a form in
/// English would have it typed).
pub const PROVINCES: [(&str, &str, &str); 31] = [
    ("北京市", "北京", "Beijing"),
    ("天津市", "天津", "Tianjin"),
    ("河北省", "河北", "Hebei"),
    ("山西省", "山西", "Shanxi"),
    ("内蒙古自治区", "内蒙古", "Inner Mongolia"),
    ("辽宁省", "辽宁", "Liaoning"),
    ("吉林省", "吉林", "Jilin"),
    ("黑龙江省", "黑龙江", "Heilongjiang"),
    ("上海市", "上海", "Shanghai"),
    ("江苏省", "江苏", "Jiangsu"),
    ("浙江省", "浙江", "Zhejiang"),
    ("安徽省", "安徽", "Anhui"),
    ("福建省", "福建", "Fujian"),
    ("江西省", "江西", "Jiangxi"),
    ("山东省", "山东", "Shandong"),
    ("河南省", "河南", "Henan"),
    ("湖北省", "湖北", "Hubei"),
    ("湖南省", "湖南", "Hunan"),
    ("广东省", "广东", "Guangdong"),
    ("广西壮族自治区", "广西", "Guangxi"),
    ("海南省", "海南", "Hainan"),
    ("重庆市", "重庆", "Chongqing"),
    ("四川省", "四川", "Sichuan"),
    ("贵州省", "贵州", "Guizhou"),
    ("云南省", "云南", "Yunnan"),
    ("西藏自治区", "西藏", "Tibet"),
    ("陕西省", "陕西", "Shaanxi"),
    ("甘肃省", "甘肃", "Gansu"),
    ("青海省", "青海", "Qinghai"),
    ("宁夏回族自治区", "宁夏", "Ningxia"),
    ("新疆维吾尔自治区", "新疆", "Xinjiang"),
];

/// The first two digits of each division's postal codes (China Post's allocation; a
/// division may have several).
const POSTAL: [(&str, &[u8]); 31] = [
    ("北京市", &[10]),
    ("天津市", &[30]),
    ("河北省", &[5, 6, 7]),
    ("山西省", &[3, 4]),
    ("内蒙古自治区", &[1, 2]),
    ("辽宁省", &[11, 12]),
    ("吉林省", &[13]),
    ("黑龙江省", &[15, 16]),
    ("上海市", &[20]),
    ("江苏省", &[21, 22]),
    ("浙江省", &[31, 32]),
    ("安徽省", &[23, 24]),
    ("福建省", &[35, 36]),
    ("江西省", &[33, 34]),
    ("山东省", &[25, 26, 27]),
    ("河南省", &[45, 46, 47]),
    ("湖北省", &[43, 44]),
    ("湖南省", &[41, 42]),
    ("广东省", &[51, 52]),
    ("广西壮族自治区", &[53, 54]),
    ("海南省", &[57]),
    ("重庆市", &[40]),
    ("四川省", &[61, 62, 63, 64]),
    ("贵州省", &[55, 56]),
    ("云南省", &[65, 66, 67]),
    ("西藏自治区", &[85, 86]),
    ("陕西省", &[71, 72]),
    ("甘肃省", &[73, 74]),
    ("青海省", &[81]),
    ("宁夏回族自治区", &[75]),
    ("新疆维吾尔自治区", &[83, 84]),
];

/// Places served from a neighbouring division's postal codes: the first four digits, and
/// the division they are in. 阿拉善盟 (Inner Mongolia) is served from Ningxia's and
/// Gansu's: 阿拉善左旗 7503xx, 额济纳旗 7354xx, 阿拉善右旗 7373xx.
const POSTAL_ELSEWHERE: [(&str, &str); 3] = [
    ("7503", "内蒙古自治区"),
    ("7354", "内蒙古自治区"),
    ("7373", "内蒙古自治区"),
];

/// The division a six-digit postal code belongs to (its full name), by its first two
/// digits; `None` for a code no division has.
pub fn province_of_postal_code(code: &str) -> Option<&'static str> {
    let head: u8 = code.get(..2)?.parse().ok()?;
    POSTAL
        .iter()
        .find(|(_, heads)| heads.contains(&head))
        .map(|(full, _)| *full)
}

/// Whether an address in `province` (its full name) may have postal code `code`: the
/// code's division is the province, or the code serves a place of that province from a
/// neighbour's range. Refused with the division the code belongs to; a code no division
/// has (`999999`, `000000`) is refused for an address in one of them (Hong Kong's and
/// Macao's `999077`/`999078` are for addresses there).
pub fn postal_code_in(province: &str, code: &str) -> Result<(), InvalidValue> {
    let Some(belongs) = province_of_postal_code(code) else {
        if POSTAL.iter().any(|(full, _)| *full == province) && code.len() == 6 {
            return Err(crate::i18n::Msg::with(T::ErrPostalNowhere, [code.to_owned()]).into());
        }
        return Ok(());
    };
    let served_across = POSTAL_ELSEWHERE
        .iter()
        .any(|(head, full)| code.starts_with(head) && *full == province);
    if province.is_empty() || belongs == province || served_across {
        return Ok(());
    }
    Err(crate::i18n::Msg::with(
        T::ErrPostalProvince,
        [code.to_owned(), belongs.to_owned(), province.to_owned()],
    )
    .into())
}

/// Other names in Latin letters a division goes by (its pinyin where the list above has
/// the English name), and the division's full name.
const ALSO: [(&str, &str); 3] = [
    ("Xizang", "西藏自治区"),
    ("Neimenggu", "内蒙古自治区"),
    ("Nei Mongol", "内蒙古自治区"),
];

/// `name` without the full name of a province-level division it begins with (`湖南省政府
/// 采购网` → `政府采购网`): on one province's platform every project begins so, and a
/// narrow column shows only what tells them apart. A name that is nothing else is kept.
pub fn without_province(name: &str) -> &str {
    PROVINCES
        .iter()
        .find_map(|(full, _, _)| name.strip_prefix(full))
        .map(str::trim_start)
        .filter(|rest| !rest.is_empty())
        .unwrap_or(name)
}

/// A street typed with its region before it (a whole address pasted into the street:
/// `湖南省湘潭市岳塘区 建设北路 18 号`) without the parts the address's own fields say —
/// the paper prints them before the street, so they came out twice. `None` when it
/// begins with none of them (or would be left empty).
pub fn street_alone(street: &str, province: &str, city: &str, district: &str) -> Option<String> {
    let full = self::province(province).unwrap_or_else(|_| province.trim().to_owned());
    let mut rest = normalize_width(street).trim_start().to_owned();
    let mut cut = false;
    // Only a division's whole name (湘潭市, 岳塘区; 长沙 typed, 长沙市 pasted): a city or
    // district typed without its suffix may begin the street's own name (岳麓 of 岳麓大道).
    const SUFFIXES: [char; 7] = ['省', '市', '区', '县', '州', '盟', '旗'];
    for part in [full.as_str(), city.trim(), district.trim()] {
        // Typed without its suffix, a name is cut with one only after a division before it
        // was (a region pasted whole): `雨花` of 雨花市场路 is the street's.
        let named = rest
            .strip_prefix(part)
            .filter(|_| !part.is_empty())
            .and_then(|after| {
                if part.ends_with(SUFFIXES) {
                    Some(after)
                } else if cut {
                    after.strip_prefix(SUFFIXES)
                } else {
                    None
                }
            });
        if let Some(after) = named {
            rest = after.trim_start().to_owned();
            cut = true;
        }
    }
    (cut && !rest.trim().is_empty()).then_some(rest)
}

/// Every way [`province`] takes a division's name as it is written (full, short, pinyin),
/// each once: the contract lists them.
pub fn province_names() -> impl Iterator<Item = &'static str> {
    PROVINCES
        .iter()
        .flat_map(|(full, short, pinyin)| [*full, *short, *pinyin])
        .chain(ALSO.iter().map(|(name, _)| *name))
}

/// What a name in Latin letters may end with and still name the division alone.
const LATIN_SUFFIXES: [&str; 7] = [
    "province",
    "sheng",
    "municipality",
    "shi",
    "autonomousregion",
    "zizhiqu",
    "city",
];

/// The province of an address as typed, in full: `湖南`, `湖南省`, `湖南 省`, `Hunan`,
/// `hunan province` → `湖南省` (full-width letters are folded and spaces dropped first).
/// Anything else — a city, a misspelling, Hong Kong, another country — is refused, the
/// message naming what was typed.
pub fn province(input: &str) -> Result<String, InvalidValue> {
    let folded = normalize_width(input);
    let shown = folded.trim();
    if shown.is_empty() {
        return Err(T::ErrRequired.into());
    }
    // Spaces and the invisible characters a paste carries (a zero-width space) go.
    let typed: String = shown
        .chars()
        .filter(|c| !c.is_whitespace() && !super::is_invisible(*c))
        .collect();
    let lower = typed.to_lowercase();
    let latin = LATIN_SUFFIXES
        .iter()
        .find_map(|suffix| lower.strip_suffix(suffix).filter(|rest| !rest.is_empty()))
        .unwrap_or(&lower);
    let spelled = |name: &str| latin == name.replace(' ', "").to_lowercase();
    PROVINCES
        .iter()
        .find(|(full, short, pinyin)| typed == *full || typed == *short || spelled(pinyin))
        .map(|(full, _, _)| *full)
        .or_else(|| {
            ALSO.iter()
                .find(|(name, _)| spelled(name))
                .map(|(_, full)| *full)
        })
        .map(str::to_owned)
        .ok_or_else(|| {
            let shown: String = shown.chars().take(30).collect();
            crate::i18n::Msg::with(T::ErrProvince, [shown]).into()
        })
}

#[cfg(test)]
mod tests {
    use super::street_alone;

    #[test]
    fn a_street_pasted_with_its_region_keeps_only_the_street() {
        let alone = |street| street_alone(street, "湖南", "湘潭市", "岳塘区");
        assert_eq!(
            alone("湖南省湘潭市岳塘区 建设北路 18 号").as_deref(),
            Some("建设北路 18 号")
        );
        assert_eq!(
            alone("岳塘区建设北路 18 号").as_deref(),
            Some("建设北路 18 号")
        );
        assert_eq!(alone("建设北路 18 号"), None);
        // Nothing but the region: kept as typed (the field says what is missing).
        assert_eq!(alone("湖南省湘潭市岳塘区"), None);
        // A district typed without its suffix is the start of the street's own name…
        assert_eq!(
            street_alone("岳麓大道 18 号", "湖南省", "长沙市", "岳麓"),
            None
        );
        // …or of a market's (雨花市场路: no region pasted before it)…
        assert_eq!(
            street_alone("雨花市场路 3 号", "湖南省", "长沙市", "雨花"),
            None
        );
        // …unless the street names it whole.
        assert_eq!(
            street_alone("湖南省长沙市岳麓区岳麓大道18号", "湖南", "长沙", "岳麓").as_deref(),
            Some("岳麓大道18号")
        );
        // Another city's name is the street's own.
        assert_eq!(
            street_alone("长沙市路 1 号", "湖南省", "湘潭市", "岳塘区"),
            None
        );
    }

    #[test]
    fn a_projects_province_is_dropped_where_room_is_short() {
        assert_eq!(super::without_province("湖南省政府采购网"), "政府采购网");
        assert_eq!(
            super::without_province("湘潭市公共资源交易系统"),
            "湘潭市公共资源交易系统"
        );
        assert_eq!(super::without_province("北京市 数字证书"), "数字证书");
        assert_eq!(super::without_province("湖南省"), "湖南省");
    }

    use super::*;

    #[test]
    fn a_province_is_kept_in_full_however_it_was_typed() {
        for (typed, kept) in [
            ("湖南省", "湖南省"),
            (" 湖南 ", "湖南省"),
            ("Hunan", "湖南省"),
            ("HUNAN", "湖南省"),
            ("ｈｕｎａｎ", "湖南省"),
            ("广西", "广西壮族自治区"),
            ("inner mongolia", "内蒙古自治区"),
            ("Neimenggu", "内蒙古自治区"),
            ("Xizang", "西藏自治区"),
            ("Tibet", "西藏自治区"),
            ("Shaanxi", "陕西省"),
            ("Shanxi", "山西省"),
            ("北京", "北京市"),
            ("湖南 省", "湖南省"),
            ("湖\u{200B}南", "湖南省"),
            ("Hunan Province", "湖南省"),
            ("hunansheng", "湖南省"),
            ("Beijing Shi", "北京市"),
            ("Xizang Zizhiqu", "西藏自治区"),
            ("Nei Menggu", "内蒙古自治区"),
        ] {
            assert_eq!(province(typed).as_deref().ok(), Some(kept), "{typed}");
        }
    }

    #[test]
    fn anything_else_is_not_a_province() {
        for typed in [
            "火星",
            "长沙市",
            "湖南省长沙市",
            "Changsha",
            "香港",
            "",
            "  ",
            "湖",
            "sheng",
        ] {
            assert!(province(typed).is_err(), "{typed}");
        }
        let said = province("长沙市")
            .err()
            .map(|e| e.render(crate::i18n::Lang::ZhCn));
        assert!(said.is_some_and(|s| s.contains("「长沙市」")));
    }

    #[test]
    fn a_postal_code_belongs_to_one_division() {
        for (code, full) in [
            ("410083", "湖南省"),
            ("421000", "湖南省"),
            ("100000", "北京市"),
            ("010000", "内蒙古自治区"),
            ("065000", "河北省"),
            ("518000", "广东省"),
            ("850000", "西藏自治区"),
            ("860000", "西藏自治区"),
            ("830000", "新疆维吾尔自治区"),
            ("400000", "重庆市"),
        ] {
            assert_eq!(province_of_postal_code(code), Some(full), "{code}");
        }
        assert_eq!(province_of_postal_code("990000"), None);
        // 阿拉善盟 is Inner Mongolia, served from Ningxia's and Gansu's ranges.
        for code in ["750306", "735400", "737300"] {
            assert!(postal_code_in("内蒙古自治区", code).is_ok(), "{code}");
        }
        assert!(postal_code_in("宁夏回族自治区", "750306").is_ok());
        assert!(postal_code_in("湖南省", "750306").is_err());
        assert!(postal_code_in("北京市", "410083").is_err());
        assert!(postal_code_in("湖南省", "410083").is_ok());
        // A code no mainland division has, for an address in one: refused (it printed on
        // a label); Hong Kong's is for an address there.
        for code in ["999999", "990000", "000000"] {
            assert!(postal_code_in("湖南省", code).is_err(), "{code}");
        }
        assert!(postal_code_in("香港特别行政区", "999077").is_ok());
        assert_eq!(province_of_postal_code("x"), None);
        // Every division has its codes, and no two share a head.
        let mut heads: Vec<u8> = POSTAL.iter().flat_map(|(_, h)| h.iter().copied()).collect();
        let count = heads.len();
        heads.sort_unstable();
        heads.dedup();
        assert_eq!(heads.len(), count);
        for (full, _, _) in PROVINCES {
            assert!(POSTAL.iter().any(|(f, _)| *f == full), "{full}");
        }
    }

    #[test]
    fn the_names_are_distinct() {
        let mut all: Vec<String> = province_names()
            .map(|n| n.replace(' ', "").to_lowercase())
            .collect();
        let count = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), count);
        assert_eq!(count, 96);
    }
}
