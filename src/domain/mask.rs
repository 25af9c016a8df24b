//! How personal data appears in lists, logs and to roles that may not see it in full.

/// `4301**********1234`: first four and last four characters.
pub fn mask_id_number(id: &str) -> String {
    keep_ends(id, 4, 4)
}

/// `138****5678`: first three and last four digits.
pub fn mask_phone(phone: &str) -> String {
    keep_ends(phone, 3, 4)
}

/// `张*三`, `*三` for two characters: enough to confirm with the person, not to read off.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("*{}", chars[1]),
        n => {
            let mut out = String::new();
            out.push(chars[0]);
            out.extend(std::iter::repeat_n('*', n - 2));
            out.push(chars[n - 1]);
            out
        }
    }
}

/// `z***@example.com`: the first character of the name and the whole domain.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => keep_ends(email, 1, 0),
    }
}

/// The region of an address as it is written on a label: province, city and district in
/// a row (`湖南省长沙市岳麓区`), the city left out where it is the province itself (a
/// municipality: `北京市海淀区`, not `北京市北京市海淀区`).
pub fn region(province: &str, city: &str, district: &str) -> String {
    let city = if city.trim() == province.trim() {
        ""
    } else {
        city
    };
    join_address(&[province, city, district])
}

/// A whole address as it is written on a parcel: the region, then the street
/// (`湖南省长沙市岳麓区麓山南路 932 号`).
pub fn address(province: &str, city: &str, district: &str, street: &str) -> String {
    join_address(&[&region(province, city, district), street])
}

/// Address parts one after another, as Chinese addresses are written, with a space where
/// a part in Latin letters or digits meets another (`湖南省 Xiangtan Yuetang No. 88 …`, not
/// `湖南省XiangtanYuetangNo. 88 …`).
fn join_address(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let meets_latin = out
            .chars()
            .next_back()
            .zip(part.chars().next())
            .is_some_and(|(end, start)| {
                end.is_ascii_alphanumeric() || start.is_ascii_alphanumeric()
            });
        if meets_latin {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

/// The region stays (`湖南省长沙市岳麓区`), the street and number become `****`.
pub fn mask_address(province: &str, city: &str, district: &str, street: &str) -> String {
    let mut out = region(province, city, district);
    if !street.trim().is_empty() {
        out.push_str("****");
    }
    out
}

/// Free text a user named (a scan's file name, `张三 13812345678 身份证 4301….png`) with
/// what reads as a mobile number (11 digits from 1) or an ID number (18 characters, the
/// last a digit or X, or 15 digits) masked like those fields; other numbers stay.
pub fn mask_numbers_in(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        // An ID number's check character may be an X.
        if i - start == 17 && i < chars.len() && matches!(chars[i], 'X' | 'x') {
            i += 1;
        }
        // A number is one only where it stands alone (not the middle of a longer code).
        let alone = (start == 0 || !chars[start - 1].is_ascii_alphanumeric())
            && (i == chars.len() || !chars[i].is_ascii_alphanumeric());
        let run: String = chars[start..i].iter().collect();
        let masked = match run.len() {
            11 if alone && run.starts_with('1') => mask_phone(&run),
            15 | 18 if alone => mask_id_number(&run),
            _ => run,
        };
        out.push_str(&masked);
    }
    out
}

fn keep_ends(value: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..head].iter().collect();
    out.extend(std::iter::repeat_n('*', chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_written_whole_and_latin_parts_keep_their_spaces() {
        assert_eq!(
            address("湖南省", "长沙市", "岳麓区", "麓山南路 932 号"),
            "湖南省长沙市岳麓区麓山南路 932 号"
        );
        assert_eq!(
            address("北京市", "北京市", "海淀区", "中关村大街 1 号"),
            "北京市海淀区中关村大街 1 号"
        );
        assert_eq!(
            address("湖南省", "Xiangtan", "Yuetang", "No. 88 Jianshe North Road"),
            "湖南省 Xiangtan Yuetang No. 88 Jianshe North Road"
        );
        assert_eq!(address("湖南省", " ", "岳麓区", ""), "湖南省岳麓区");
    }

    #[test]
    fn numbers_in_a_file_name_are_masked_like_their_fields() {
        assert_eq!(
            mask_numbers_in("张三 13812345678 身份证 430102199001010016.png"),
            "张三 138****5678 身份证 4301**********0016.png"
        );
        assert_eq!(
            mask_numbers_in("id-11010519491231002X.jpg"),
            "id-1101**********002X.jpg"
        );
        // Dates, counts and other numbers stay.
        assert_eq!(
            mask_numbers_in("scan 20261205 p2.pdf"),
            "scan 20261205 p2.pdf"
        );
        assert_eq!(mask_numbers_in("IMG_0042.jpg"), "IMG_0042.jpg");
        assert_eq!(mask_numbers_in("23812345678.png"), "23812345678.png");
        // A courier's number with its letters is no ID number.
        assert_eq!(
            mask_numbers_in("YT123456789012345.jpg"),
            "YT123456789012345.jpg"
        );
    }

    #[test]
    fn a_municipality_is_named_once() {
        assert_eq!(region("北京市", "北京市", "海淀区"), "北京市海淀区");
        assert_eq!(region("湖南省", "长沙市", "岳麓区"), "湖南省长沙市岳麓区");
    }

    #[test]
    fn masks_match_the_design() {
        assert_eq!(mask_id_number("430102199003071234"), "4301**********1234");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_name("张三"), "*三");
        assert_eq!(mask_name("欧阳娜娜"), "欧**娜");
        assert_eq!(
            mask_address("湖南省", "长沙市", "岳麓区", "麓山南路2号"),
            "湖南省长沙市岳麓区****"
        );
    }

    #[test]
    fn short_values_are_fully_masked_not_revealed() {
        assert_eq!(mask_phone("1234"), "****");
        assert_eq!(mask_id_number(""), "");
    }
}
