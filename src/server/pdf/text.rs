//! Text measured, wrapped and fitted with the fonts' real glyph advances: a line never runs
//! past its cell, a number never breaks in the middle, and text is shrunk before it is cut.

use super::fonts::Fonts;

/// The smallest type printed in a table cell, in points.
pub(super) const SMALLEST: f32 = 6.0;

/// Wraps `text` into lines no wider than `width`, breaking between Chinese characters or
/// at spaces but not inside a run of Latin letters and digits (a tax number, an account, a
/// phone number, a house number) unless the run is wider than a line. `\n` starts a line.
pub(super) fn wrap(fonts: &Fonts, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut used = 0.0;
        // Where each token put on the line begins.
        let mut starts: Vec<usize> = Vec::new();
        for token in tokens(paragraph) {
            let w = fonts.width(token, size);
            if used + w <= width {
                starts.push(line.len());
                line.push_str(token);
                used += w;
                continue;
            }
            // A closing mark never starts a line (避头): what it closes — the character
            // or the number before it, with any marks between — goes down with it, when
            // the line keeps something and the carried part fits.
            let carried = if closes(token) {
                starts
                    .iter()
                    .rev()
                    .find(|&&at| !line[at..].starts_with(|c: char| closes_char(c)))
                    .copied()
                    .filter(|&at| {
                        let tail = &line[at..];
                        at > 0 && !tail.trim().is_empty() && fonts.width(tail, size) + w <= width
                    })
            } else {
                // An opening mark never ends a line (避尾): it goes down with what it opens.
                starts.last().copied().filter(|&at| {
                    let mut chars = line[at..].chars();
                    at > 0
                        && matches!((chars.next(), chars.next()), (Some(c), None) if opens_char(c))
                })
            };
            let carried = carried.map(|at| {
                let tail = line[at..].to_owned();
                line.truncate(at);
                tail
            });
            if !line.trim().is_empty() {
                lines.push(line.trim_end().to_owned());
            }
            line.clear();
            used = 0.0;
            starts.clear();
            if let Some(tail) = carried {
                used += fonts.width(&tail, size);
                starts.push(0);
                line.push_str(&tail);
            }
            // A run wider than a line (a landline with its extension, an e-mail address)
            // breaks after its last `-` `.` `@` `/` `_` that fits, where a reader sees
            // the break; only a run without one is split anywhere.
            let mut start = line.len();
            let mut soft: Option<usize> = None;
            for c in token.trim_start().chars() {
                let w = fonts.width(c.encode_utf8(&mut [0; 4]), size);
                if used + w > width && !line.is_empty() {
                    let rest = soft
                        .filter(|&at| at > start && at < line.len())
                        .map(|at| line.split_off(at))
                        .unwrap_or_default();
                    lines.push(std::mem::take(&mut line));
                    used = fonts.width(&rest, size);
                    line = rest;
                    start = 0;
                    soft = None;
                    starts.clear();
                }
                line.push(c);
                used += w;
                if matches!(c, '-' | '.' | '@' | '/' | '_') {
                    soft = Some(line.len());
                }
            }
            starts.push(start);
        }
        lines.push(line);
    }
    lines
}

/// A token that may not begin a line: one closing mark.
fn closes(token: &str) -> bool {
    let mut chars = token.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if closes_char(c))
}

/// Opening brackets and quotation marks.
fn opens_char(c: char) -> bool {
    matches!(c, '（' | '【' | '《' | '「' | '『' | '“' | '‘' | '(')
}

/// Closing punctuation and brackets.
fn closes_char(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '）'
            | '】'
            | '》'
            | '」'
            | '』'
            | '”'
            | '’'
            | '…'
            | '·'
            | ')'
            | ','
            | '.'
            | ';'
            | ':'
            | '?'
            | '!'
    )
}

/// `text` cut into what a line may not break inside: runs of printable ASCII, and every
/// other character on its own.
fn tokens(text: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_ascii_graphic() {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            tokens.push(&text[s..i]);
        }
        tokens.push(&text[i..i + c.len_utf8()]);
    }
    if let Some(s) = start {
        tokens.push(&text[s..]);
    }
    tokens
}

/// A field on one line, shrunk down to `min` if that is all it takes; otherwise wrapped at
/// `size`.
pub(super) fn field_lines(
    fonts: &Fonts,
    text: &str,
    size: f32,
    min: f32,
    width: f32,
) -> Vec<(f32, String)> {
    let mut s = size;
    while s >= min {
        if fonts.width(text, s) <= width {
            return vec![(s, text.to_owned())];
        }
        s -= 0.5;
    }
    wrap(fonts, text, size, width)
        .into_iter()
        .map(|line| (size, line))
        .collect()
}

/// `text` on one line no wider than `width`: the largest size from `size` down to `min`
/// that fits, and if none does, cut short with an ellipsis at `min`. For text whose end
/// matters (an address), use [`fit_block`] instead.
pub(super) fn fit_line(
    fonts: &Fonts,
    text: &str,
    size: f32,
    min: f32,
    width: f32,
) -> (f32, String) {
    let full = fonts.width(text, 1.0);
    if full <= 0.0 {
        return (size, text.to_owned());
    }
    let mut s = size;
    loop {
        if full * s <= width {
            return (s, text.to_owned());
        }
        if s - 0.5 < min {
            break;
        }
        s -= 0.5;
    }
    let ellipsis = fonts.width("…", s);
    let mut cut = String::new();
    let mut used = 0.0;
    for c in text.chars() {
        let w = fonts.width(c.encode_utf8(&mut [0; 4]), s);
        if used + w + ellipsis > width {
            break;
        }
        cut.push(c);
        used += w;
    }
    cut.push('…');
    (s, cut)
}

/// `text` wrapped into a box `width` × `height` at `leading` times the size: the largest
/// size from `size` down to `min` whose lines all fit. Nothing is cut: when even `min` is
/// too big, the size goes on shrinking (to half of `min` at most) so that the end of the
/// text — the house number of an address — is always printed.
pub(super) fn fit_block(
    fonts: &Fonts,
    text: &str,
    size: f32,
    min: f32,
    width: f32,
    height: f32,
    leading: f32,
) -> (f32, Vec<String>) {
    let floor = min / 2.0;
    let mut s = size;
    loop {
        let lines = wrap(fonts, text, s, width);
        let room = ((height - s) / (s * leading)).floor().max(0.0) as usize + 1;
        if lines.len() <= room || s - 0.25 < floor {
            return (s, lines);
        }
        s -= if s > min { 0.5 } else { 0.25 };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Fonts {
        Fonts::builtin_only().expect("built-in font")
    }

    /// A comma or a closing bracket never begins a line (at widths of 8 characters and up):
    /// the character
    /// before it goes down with it, and nothing is lost.
    #[test]
    fn a_closing_mark_never_begins_a_line() {
        let fonts = fonts();
        let text =
            "身份证复印件不清晰，请重新提供正反面清晰复印件。邮寄地址缺少门牌号（邮编 410083）。";
        for width in (80..300).step_by(7) {
            let lines = wrap(&fonts, text, 10.0, width as f32);
            for line in &lines {
                assert!(
                    !line.starts_with(['，', '。', '）', '、']),
                    "{width}: {lines:?}"
                );
                assert!(
                    fonts.width(line, 10.0) <= width as f32 + 10.5,
                    "{width}: {line}"
                );
            }
            assert_eq!(
                lines.concat().replace(' ', ""),
                text.replace(' ', ""),
                "{width}"
            );
        }
    }

    /// An opening bracket never ends a line: it goes down with what it opens, nothing
    /// lost (a 授权委托书 once read "联合运营中心（" / "有限合伙）").
    #[test]
    fn an_opening_mark_never_ends_a_line() {
        let fonts = fonts();
        let text = "湖南湘江新区智慧城市联合运营中心（有限合伙）委托经办人“王经办”办理《数字证书申请》事宜";
        for width in (60..300).step_by(5) {
            let lines = wrap(&fonts, text, 10.0, width as f32);
            for line in &lines[..lines.len() - 1] {
                assert!(!line.ends_with(['（', '“', '《']), "{width}: {lines:?}");
            }
            assert_eq!(lines.concat(), text, "{width}");
        }
    }

    #[test]
    fn long_values_wrap_inside_their_box() {
        let fonts = fonts();
        let text = "湖南省长沙市岳麓区麓山南路932号湖南大学某某学院办公楼三楼";
        let lines = wrap(&fonts, text, 11.0, 200.0);
        assert!(lines.len() >= 2);
        assert!(lines.iter().all(|l| fonts.width(l, 11.0) <= 200.0));
        assert_eq!(lines.concat(), text);
    }

    #[test]
    fn an_account_number_moves_to_the_next_line_whole() {
        let fonts = fonts();
        let lines = wrap(
            &fonts,
            "开户行及账号：中国建设银行长沙麓谷支行 43050178360800000123",
            9.0,
            200.0,
        );
        assert!(
            lines.iter().any(|l| l.contains("43050178360800000123")),
            "{lines:?}"
        );
        assert!(
            lines.iter().all(|l| fonts.width(l, 9.0) <= 200.0),
            "{lines:?}"
        );
    }

    #[test]
    fn a_long_phone_or_address_breaks_where_a_reader_sees_the_break() {
        let fonts = fonts();
        let phone = "0731-85172903-1234";
        let width = fonts.width("0731-85172903-12", 10.0);
        let lines = wrap(&fonts, phone, 10.0, width);
        assert_eq!(lines, ["0731-85172903-", "1234"]);
        let email = "purposes.only@some-very-long-subdomain.example-company.com.cn";
        let width = fonts.width("purposes.only@some-very-long-su", 10.0);
        let lines = wrap(&fonts, email, 10.0, width);
        assert!(lines.len() > 1, "{lines:?}");
        assert_eq!(lines.concat(), email);
        for line in &lines[..lines.len() - 1] {
            assert!(line.ends_with(['-', '.', '@']), "{lines:?}");
        }
        assert!(
            lines.iter().all(|l| fonts.width(l, 10.0) <= width),
            "{lines:?}"
        );
    }

    #[test]
    fn a_run_wider_than_the_line_is_still_split() {
        let fonts = fonts();
        let lines = wrap(&fonts, &"1234567890".repeat(4), 10.0, 60.0);
        assert!(lines.len() > 1);
        assert!(
            lines.iter().all(|l| fonts.width(l, 10.0) <= 60.0),
            "{lines:?}"
        );
    }

    #[test]
    fn an_address_too_long_for_its_label_shrinks_but_keeps_its_house_number() {
        let fonts = fonts();
        let address = format!(
            "{}麓山南路932号",
            "湖南省长沙市岳麓区湖南大学某某学院办公楼三楼".repeat(8)
        );
        let (size, lines) = fit_block(&fonts, &address, 10.5, 7.0, 200.0, 60.0, 1.35);
        assert!(size < 7.0, "{size}");
        assert!(
            lines.iter().all(|l| fonts.width(l, size) <= 200.0),
            "{lines:?}"
        );
        assert_eq!(lines.concat(), address);
        assert!(lines.iter().all(|l| !l.contains('…')));
    }

    #[test]
    fn a_long_name_shrinks_to_fit_its_cell() {
        let fonts = fonts();
        let (size, line) = fit_line(
            &fonts,
            "长沙市芙蓉区星辰网络科技有限责任公司",
            16.0,
            8.0,
            200.0,
        );
        assert!(size < 16.0 && fonts.width(&line, size) <= 200.0);
        assert!(!line.ends_with('…'));
        let (_, cut) = fit_line(&fonts, &"很长".repeat(40), 16.0, 8.0, 200.0);
        assert!(cut.ends_with('…') && fonts.width(&cut, 8.0) <= 200.0);
    }
}
