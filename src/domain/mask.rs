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
    format!("{province}{city}{district}")
}

/// The region stays (`湖南省长沙市岳麓区`), the street and number become `****`.
pub fn mask_address(province: &str, city: &str, district: &str, street: &str) -> String {
    let mut out = region(province, city, district);
    if !street.trim().is_empty() {
        out.push_str("****");
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
