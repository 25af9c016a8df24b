//! Text for the screen: messages kept as table entries (so a language switch re-renders
//! them) or as the platform worded them (shown only in that language), the one-line
//! notices every component shows, how platform errors read, and wrapping that breaks
//! Chinese between characters and English between words.

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::api::ClientError;
use crate::i18n::{Arg, Lang, Msg, T};

/// Something to say to the operator.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    /// The words: a table entry with its values.
    pub msg: Msg,
    /// Set when part of it is the platform's own wording, in this language: after a
    /// language switch it is stale and no longer shown.
    pub worded_in: Option<Lang>,
    /// It says a passing trouble (the platform out of reach, its database busy or away):
    /// not to be read once the platform answers again ([`forget_offline`]).
    pub passing: bool,
}

impl Text {
    /// A table entry with values.
    pub fn with(text: T, args: impl IntoIterator<Item = impl Into<Arg>>) -> Text {
        Text {
            msg: Msg::with(text, args),
            worded_in: None,
            passing: false,
        }
    }

    /// Words that read the same in every language (a path, a list of file names).
    pub fn plain(text: impl Into<String>) -> Text {
        Text {
            msg: Msg::with(T::Verbatim, [text.into()]),
            worded_in: None,
            passing: false,
        }
    }

    /// The platform's words, asked for in `lang`.
    pub fn platform(text: impl Into<String>, lang: Lang) -> Text {
        Text {
            msg: Msg::with(T::Verbatim, [text.into()]),
            worded_in: Some(lang),
            passing: false,
        }
    }

    /// Marks this text as containing the platform's words in `lang` (when `other` does).
    pub fn worded_like(mut self, other: &Text) -> Text {
        self.worded_in = self.worded_in.or(other.worded_in);
        self
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> String {
        self.msg.render(lang)
    }

    /// True when it was worded by the platform in another language than `lang`.
    pub fn stale_in(&self, lang: Lang) -> bool {
        self.worded_in.is_some_and(|l| l != lang)
    }
}

impl From<T> for Text {
    fn from(text: T) -> Text {
        Text {
            msg: Msg::new(text),
            worded_in: None,
            passing: false,
        }
    }
}

impl From<Msg> for Text {
    fn from(msg: Msg) -> Text {
        Text {
            msg,
            worded_in: None,
            passing: false,
        }
    }
}

impl From<crate::domain::InvalidValue> for Text {
    fn from(value: crate::domain::InvalidValue) -> Text {
        Text::from(value.0)
    }
}

/// A table entry whose values are other texts, worded now in `lang` (so, like the
/// platform's words, it is not shown after a language switch).
pub fn compose(text: T, parts: &[&Text], lang: Lang) -> Text {
    let args: Vec<String> = parts.iter().map(|p| p.get(lang)).collect();
    let mut out = Text::with(text, args);
    out.worded_in = Some(lang);
    out
}

/// What kind of message a notice is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Something worked.
    Done,
    /// For information.
    Info,
    /// Worth attention.
    Warning,
    /// Something did not work.
    Error,
    /// Waiting for the platform.
    Working,
}

/// The message line of a component (or of the frame).
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// How it reads.
    pub tone: Tone,
    /// What it says.
    pub text: Text,
}

impl Notice {
    /// Something worked.
    pub fn done(text: impl Into<Text>) -> Notice {
        Notice {
            tone: Tone::Done,
            text: text.into(),
        }
    }

    /// For information.
    pub fn info(text: impl Into<Text>) -> Notice {
        Notice {
            tone: Tone::Info,
            text: text.into(),
        }
    }

    /// Worth attention.
    pub fn warning(text: impl Into<Text>) -> Notice {
        Notice {
            tone: Tone::Warning,
            text: text.into(),
        }
    }

    /// Something did not work.
    pub fn error(text: impl Into<Text>) -> Notice {
        Notice {
            tone: Tone::Error,
            text: text.into(),
        }
    }

    /// Waiting for the platform.
    pub fn working() -> Notice {
        Notice {
            tone: Tone::Working,
            text: T::Working.into(),
        }
    }
}

/// A platform or network error in words for the operator (`lang`: the language the
/// request was made in, which is the language of the platform's words).
pub fn describe(error: &ClientError, lang: Lang) -> Text {
    match error {
        // The platform's own words name a header; the operator is told what it means.
        ClientError::Problem(problem) if problem.status == 401 => T::ErrTokenRefused.into(),
        ClientError::Problem(problem) => {
            // Each field by the name the forms give it (省, not `mailing.province`).
            let fields: Vec<String> = problem
                .errors
                .iter()
                .map(|e| {
                    let name = field_label(&e.field).map_or(e.field.as_str(), |t| t.get(lang));
                    match lang {
                        Lang::ZhCn => format!("{name}：{}", e.message),
                        Lang::En => format!("{name}: {}", e.message),
                    }
                })
                .collect();
            // One field refused: its name and why say it all ("有 1 处输入需要修改" before
            // them only repeated the count).
            let one = fields.len() == 1 && problem.code == "validation_failed";
            let text = match (fields.is_empty(), lang) {
                _ if one => fields.concat(),
                (true, _) => problem.detail.clone(),
                (false, Lang::ZhCn) => format!("{}（{}）", problem.detail, fields.join("；")),
                (false, Lang::En) => format!("{} ({})", problem.detail, fields.join("; ")),
            };
            let mut text = Text::platform(text, lang);
            // The database busy or away: over once the platform answers again. (Not a
            // provider's failure — the invoice not issued — which a list read says
            // nothing of.)
            text.passing = problem.status == 503
                && matches!(
                    problem.code.as_str(),
                    "unavailable" | "too_many_connections"
                );
            text
        }
        // Not connected (or never built): nothing went. Connected and no answer (it timed out, the link
        // dropped on the way back): it may have gone through, and the operator is not told
        // it did not — a submitted order was once reported as never sent. The answer is
        // found by looking (a retried submit or action is never done twice).
        ClientError::Network(e) if e.is_connect() || e.is_builder() => T::ErrOfflineKept.into(),
        ClientError::Network(_) => T::ErrNoAnswerKept.into(),
        ClientError::Unexpected { status, .. } => {
            Text::with(T::ErrUnexpected, [status.to_string()])
        }
    }
}

/// [`describe`] for something only being read (an order opened): out of reach is said
/// plainly — "what you typed is kept" is for forms, and nothing was typed — and is a
/// passing trouble, as the database busy or away is.
pub fn describe_reading(error: &ClientError, lang: Lang) -> Text {
    match error {
        ClientError::Network(_) => {
            let mut text = Text::from(T::ErrOffline);
            text.passing = true;
            text
        }
        other => describe(other, lang),
    }
}

/// The label the forms give the field the platform names by its path: an order's own
/// fields as [`crate::tui::format::order_field`] names them, and the others a refusal
/// may name.
pub fn field_label(path: &str) -> Option<T> {
    crate::tui::format::order_field(path).or(match path {
        "applicant.name" => Some(T::FormName),
        "applicant.id_number" => Some(T::FormIdNumber),
        "applicant.phone" => Some(T::FormPhone),
        "applicant.email" => Some(T::FieldEmail),
        "file" => Some(T::FormFile),
        "tracking_no" => Some(T::FieldTrackingNo),
        "carrier" => Some(T::FieldCarrier),
        "reason" | "reasons" => Some(T::FieldReason),
        _ => None,
    })
}

/// Drops `text` when the platform worded it in another language than `lang`: called on a
/// language switch, so a message under a field goes as the message line's does (it cannot
/// be worded again; sending again asks the platform in the new language).
pub fn drop_stale(text: &mut Option<Text>, lang: Lang) {
    if text.as_ref().is_some_and(|t| t.stale_in(lang)) {
        *text = None;
    }
}

/// Drops `notice` when it says the platform cannot be reached or its database is busy or
/// away: called when the link comes back or a list is read again, so the message line does
/// not say "cannot reach the platform" beside ● 在线, nor "the database is unavailable"
/// minutes after it is back (what was typed is still in its form, to send again).
pub fn forget_offline(notice: &mut Option<Notice>) {
    if notice
        .as_ref()
        .is_some_and(|n| n.text.msg.text == T::ErrOfflineKept || n.text.passing)
    {
        *notice = None;
    }
}

/// The message of a refusal that names one field (e.g. a search too broad), alone.
pub fn field_message(error: &ClientError, lang: Lang) -> Option<Text> {
    match error {
        ClientError::Problem(problem) if problem.errors.len() == 1 => problem
            .errors
            .first()
            .map(|e| Text::platform(e.message.clone(), lang)),
        _ => None,
    }
}

/// The characters never sent to the terminal: C0 and C1 controls (ESC, BEL…), and the
/// bidirectional overrides, embeddings, isolates and marks that reorder what follows.
pub fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` without the characters [`unsafe_char`] names.
pub fn screen_safe(text: &str) -> Cow<'_, str> {
    if text.chars().any(unsafe_char) {
        Cow::Owned(text.chars().filter(|c| !unsafe_char(*c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// Columns `text` takes.
pub fn width(text: &str) -> usize {
    text.width()
}

/// `text` cut to `width` columns with `ellipsis` when it does not fit (a deliberate cut:
/// the whole value is one key away, e.g. in the order it belongs to).
pub fn fit(text: &str, width: usize, ellipsis: &str) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let room = width.saturating_sub(ellipsis.width());
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    if width >= ellipsis.width() {
        out.push_str(ellipsis);
    }
    out
}

/// `text` cut to `width` columns in its middle, its start and its end kept around
/// `ellipsis`: for values that share their start (every project of a province begins
/// 湖南省, every address too), where the end tells them apart.
pub fn fit_middle(text: &str, width: usize, ellipsis: &str) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let room = width.saturating_sub(ellipsis.width());
    if room < 4 {
        return fit(text, width, ellipsis);
    }
    // A third for the start, the rest for the end.
    let head_room = room / 3;
    let mut head = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > head_room {
            break;
        }
        used += w;
        head.push(c);
    }
    let tail_room = room - used;
    let mut tail: Vec<char> = Vec::new();
    let mut tail_used = 0;
    for c in text.chars().rev() {
        let w = c.width().unwrap_or(0);
        if tail_used + w > tail_room {
            break;
        }
        tail_used += w;
        tail.push(c);
    }
    tail.reverse();
    format!("{head}{ellipsis}{}", tail.into_iter().collect::<String>())
}

/// True for characters a line may break before or after without a space (Chinese,
/// Japanese, Korean and their punctuation).
fn breaks_anywhere(c: char) -> bool {
    c.width() == Some(2)
}

/// Characters that must not start a line (closing punctuation).
fn no_line_start(c: char) -> bool {
    "，。、；：！？）》」』】”’〉,.;:!?)".contains(c)
}

/// Characters that must not end a line (opening punctuation): they go with what follows.
fn no_line_end(c: char) -> bool {
    "（《「『【“‘〈(".contains(c)
}

/// Breaks `text` into lines of at most `width` columns: English between words (a word
/// longer than a line is broken), Chinese between characters, keeping the text's own
/// line breaks. Spaces at a break are dropped.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut used = 0usize;
        let began = out.len();
        // Tokens: a run of spaces, a word, or one wide character.
        let chars: Vec<char> = paragraph.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let mut j = i + 1;
            if c == ' ' {
                while j < chars.len() && chars[j] == ' ' {
                    j += 1;
                }
            } else {
                // Opening punctuation goes with the character or word after it.
                let mut k = i;
                while k + 1 < chars.len() && no_line_end(chars[k]) && chars[k + 1] != ' ' {
                    k += 1;
                }
                j = k + 1;
                if !breaks_anywhere(chars[k]) {
                    while j < chars.len() && chars[j] != ' ' && !breaks_anywhere(chars[j]) {
                        j += 1;
                    }
                }
            }
            // Closing punctuation stays with what it closes.
            while c != ' ' && j < chars.len() && no_line_start(chars[j]) {
                j += 1;
            }
            let token: String = chars[i..j].iter().collect();
            let w = token.width();
            if token.starts_with(' ') {
                // Spaces at the start of the text are kept (an indent); spaces where a line
                // is broken go.
                let first = i == 0;
                if used + w <= width && (used > 0 || first) {
                    line.push_str(&token);
                    used += w;
                } else if used > 0 {
                    out.push(std::mem::take(&mut line).trim_end().to_owned());
                    used = 0;
                }
            } else if used + w <= width {
                line.push_str(&token);
                used += w;
            } else if w <= width {
                out.push(std::mem::take(&mut line).trim_end().to_owned());
                line.push_str(&token);
                used = w;
            } else {
                // Longer than a line: broken wherever it must be.
                for ch in token.chars() {
                    let cw = ch.width().unwrap_or(0);
                    if used + cw > width && used > 0 {
                        // Opening punctuation goes down with what it opens.
                        let carried = line
                            .chars()
                            .last()
                            .filter(|c| no_line_end(*c) && line.chars().count() > 1);
                        if carried.is_some() {
                            line.pop();
                        }
                        out.push(std::mem::take(&mut line).trim_end().to_owned());
                        used = 0;
                        if let Some(c) = carried {
                            line.push(c);
                            used = c.width().unwrap_or(0);
                        }
                    }
                    line.push(ch);
                    used += cw;
                }
            }
            i = j;
        }
        // Spaces that ran past a full line leave nothing to show: no empty row after it
        // (an empty paragraph is a row of its own).
        if !line.trim_end().is_empty() || out.len() == began {
            out.push(line.trim_end().to_owned());
        }
        no_widow(&mut out[began..], width);
    }
    out
}

/// One Chinese character alone on a paragraph's last row ("…12 位以" / "上"): the character
/// before it goes down with it, when that one may start a row.
fn no_widow(rows: &mut [String], width: usize) {
    let [.., before, last] = rows else {
        return;
    };
    let mut chars = last.chars();
    let alone = chars.next().is_some_and(breaks_anywhere) && chars.all(no_line_start);
    let Some(moved) = before.chars().last() else {
        return;
    };
    // Nor when what would end the row above may not end one (`…（` / `见下）`).
    let ends_open = before.chars().rev().nth(1).is_some_and(no_line_end);
    if alone
        && !ends_open
        && before.chars().count() > 1
        && breaks_anywhere(moved)
        && !no_line_start(moved)
        && last.width() + moved.width().unwrap_or(0) <= width
    {
        before.pop();
        last.insert(0, moved);
    }
}

/// Rows `text` takes wrapped at `width`.
pub fn rows(text: &str, width: usize) -> u16 {
    wrap(text, width).len().min(u16::MAX as usize) as u16
}

/// Two sentences one after the other: a space after a Western full stop, none after a
/// Chinese one (。！？), which carries its own.
pub fn sentences(lang: Lang, first: &str, second: &str) -> String {
    let first = first.trim_end();
    let chinese = lang == Lang::ZhCn;
    let sep = if first.ends_with(['。', '！', '？', '）', '；']) {
        ""
    } else if first.ends_with(['.', '!', '?', ';']) {
        " "
    } else if chinese {
        // A message without its full stop (a field's, said as a clause): given one.
        "。"
    } else {
        ". "
    };
    // An English sentence after a full stop starts with a capital.
    let mut second = second.chars();
    let head: String = match second.next() {
        Some(c) if sep.ends_with(' ') => c.to_uppercase().collect(),
        Some(c) => c.to_string(),
        None => String::new(),
    };
    format!("{first}{sep}{head}{}", second.as_str())
}

/// A real-name check's reason in `lang`: the words of its `code` when this build knows it
/// (the platform's `said` were in the language the counter asked in, which `Ctrl-L` may
/// since have changed), else the platform's own words.
pub fn realname_reason(code: Option<&str>, said: Option<&str>, lang: Lang) -> Option<String> {
    code.and_then(crate::domain::realname_reason)
        .map(|text| text.get(lang).to_owned())
        .or_else(|| said.map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A refusal of one field says the field and why, not "1 field needs correcting" too;
    /// of several, how many and each.
    #[test]
    fn a_refusal_says_its_fields() {
        let refusal = |fields: &[(&str, &str)]| {
            ClientError::Problem(Box::new(crate::api::Problem {
                type_uri: "about:blank".into(),
                title: "invalid".into(),
                status: 422,
                detail: format!("Some entries need correcting ({})", fields.len()),
                code: "validation_failed".into(),
                errors: fields
                    .iter()
                    .map(|(field, message)| crate::api::FieldError {
                        field: (*field).into(),
                        message: (*message).into(),
                    })
                    .collect(),
                request_id: None,
                current_status: None,
                current_version: None,
                page_count: None,
            }))
        };
        // A refusal stays said; the database away (503) is forgotten once the platform
        // answers again.
        let mut notice = Some(Notice::error(describe(
            &refusal(&[("file", "x")]),
            Lang::En,
        )));
        forget_offline(&mut notice);
        assert!(notice.is_some());
        let mut away = refusal(&[]);
        if let ClientError::Problem(p) = &mut away {
            p.status = 503;
            p.code = "unavailable".into();
        }
        let mut notice = Some(Notice::error(describe(&away, Lang::En)));
        forget_offline(&mut notice);
        assert!(notice.is_none());
        // The invoice provider's failure is no passing trouble of the platform's.
        if let ClientError::Problem(p) = &mut away {
            p.code = "invoice_provider_failed".into();
        }
        let mut notice = Some(Notice::error(describe(&away, Lang::En)));
        forget_offline(&mut notice);
        assert!(notice.is_some());
        let one = describe(&refusal(&[("file", "not a picture")]), Lang::En).get(Lang::En);
        assert_eq!(one, "File: not a picture");
        let two = describe(
            &refusal(&[("file", "not a picture"), ("reason", "too long")]),
            Lang::En,
        )
        .get(Lang::En);
        assert_eq!(
            two,
            "Some entries need correcting (2) (File: not a picture; Reason: too long)"
        );
    }

    #[test]
    fn a_chinese_full_stop_takes_no_space_after_it() {
        assert_eq!(
            sentences(Lang::ZhCn, "已审核通过。", "已打开下一单。"),
            "已审核通过。已打开下一单。"
        );
        assert_eq!(
            sentences(Lang::En, "approved.", "The next."),
            "approved. The next."
        );
        // A clause (a field's message) is ended before the next sentence.
        assert_eq!(
            sentences(Lang::ZhCn, "或 12 位数字", "已暂停：排队的 2 个单号"),
            "或 12 位数字。已暂停：排队的 2 个单号"
        );
        assert_eq!(
            sentences(Lang::En, "or 12 digits", "paused: the 2 numbers"),
            "or 12 digits. Paused: the 2 numbers"
        );
    }

    /// A line filled to its last column and followed by spaces (a label's gap before the
    /// next) takes one row, not a second empty one; an empty paragraph keeps its row.
    #[test]
    fn spaces_after_a_full_line_make_no_empty_row() {
        assert_eq!(wrap("已红冲 1234   ", 11), vec!["已红冲 1234"]);
        assert_eq!(wrap("abcd   ", 4), vec!["abcd"]);
        assert_eq!(wrap("a\n\nb", 4), vec!["a", "", "b"]);
        assert_eq!(wrap("", 4), vec![""]);
    }

    /// Refused at connecting, nothing went: "cannot reach". Connected and never answered:
    /// it may have gone through, and the operator is not told it did not.
    #[tokio::test]
    async fn a_request_never_answered_is_not_said_to_have_failed_to_reach() {
        crate::api::install_tls_provider();
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_millis(300))
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        // A port nobody listens on.
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap_or_else(|e| panic!("{e}"));
        let refused = client
            .get(format!("http://{closed}/"))
            .send()
            .await
            .expect_err("refused");
        let said = describe(&ClientError::Network(refused), Lang::ZhCn);
        assert_eq!(said.msg.text, T::ErrOfflineKept);
        // Accepts, reads, never answers.
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let address = silent.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let held = tokio::spawn(async move {
            let kept = silent.accept().await;
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            drop(kept);
        });
        let unanswered = client
            .post(format!("http://{address}/api/v1/orders"))
            .body("{}")
            .send()
            .await
            .expect_err("no answer");
        held.abort();
        let said = describe(&ClientError::Network(unanswered), Lang::ZhCn);
        assert_eq!(said.msg.text, T::ErrNoAnswerKept);
    }

    /// Projects of one province, cut to a narrow column, still differ: their ends are kept.
    #[test]
    fn a_value_cut_in_the_middle_keeps_its_end() {
        let a = fit_middle("湖南省公共资源交易系统", 12, "…");
        let b = fit_middle("湖南省政府采购网", 12, "…");
        assert!(a.width() <= 12 && b.width() <= 12, "{a} {b}");
        assert_ne!(a, b);
        assert!(a.starts_with('湖') && a.ends_with("系统"), "{a}");
        assert_eq!(fit_middle("张三", 12, "…"), "张三");
        assert_eq!(
            fit_middle("Yuelu Lushan South Rd 1", 12, "..."),
            "Yue...h Rd 1"
        );
    }

    #[test]
    fn english_wraps_between_words_and_chinese_between_characters() {
        assert_eq!(
            wrap("the quick brown fox jumps", 10),
            ["the quick", "brown fox", "jumps"]
        );
        assert_eq!(wrap("一、适用范围说明", 6), ["一、适", "用范围", "说明"]);
        assert_eq!(
            wrap("单号 EA123456785CN 已用于订单", 12),
            ["单号 EA12345", "6785CN 已用", "于订单"]
        );
        assert_eq!(wrap("a\n\nb", 5), ["a", "", "b"]);
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(wrap(" ! an error", 6), [" ! an", "error"]);
    }

    #[test]
    fn one_chinese_character_is_never_left_alone_on_the_last_row() {
        assert_eq!(
            wrap("订单号请输入后 12 位以上", 23),
            ["订单号请输入后 12 位", "以上"]
        );
        // With its closing mark, too; not when the one before may not start a row.
        assert_eq!(wrap("请核对后再试。", 12), ["请核对后", "再试。"]);
        assert_eq!(wrap("请核对后再，试", 12), ["请核对后再，", "试"]);
        // Nor when the row above would end on an opening mark.
        assert_eq!(wrap("请核对后（见下）", 12), ["请核对后（见", "下）"]);
        // Nor from a row of one character, or a paragraph of one row.
        assert_eq!(wrap("张三", 4), ["张三"]);
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        let lines = wrap("请核对是否输错，谢谢", 7);
        assert!(lines.iter().all(|l| !l.starts_with('，')), "{lines:?}");
        assert!(lines.iter().all(|l| l.width() <= 8), "{lines:?}");
        // A closing quote neither (a confirm line: 订单 X：“红冲发票”后不能撤销).
        for width in 6..30 {
            let lines = wrap(
                "订单 HN20261128000003：“红冲发票”后不能撤销，确定吗？",
                width,
            );
            assert!(
                lines.iter().all(|l| !l.starts_with('”')),
                "{width}: {lines:?}"
            );
        }
    }

    #[test]
    fn opening_punctuation_never_ends_a_line() {
        for width in 8..20 {
            let lines = wrap(
                "扫描件不是本申请（SQ7F3K9QAB）的申请表，也不是“本订单”的",
                width,
            );
            assert!(
                lines.iter().all(|l| !l.ends_with(['（', '“'])),
                "{width}: {lines:?}"
            );
            assert!(
                lines.iter().all(|l| l.width() <= width),
                "{width}: {lines:?}"
            );
            assert_eq!(
                lines.concat(),
                "扫描件不是本申请（SQ7F3K9QAB）的申请表，也不是“本订单”的"
            );
        }
    }

    #[test]
    fn control_and_bidi_characters_are_removed() {
        assert_eq!(screen_safe("张\u{1b}[31m三\u{7}"), "张[31m三");
        assert_eq!(screen_safe("abc\u{202E}def\u{2066}"), "abcdef");
        assert_eq!(screen_safe("\u{85}x"), "x");
        assert!(matches!(screen_safe("plain 文本"), Cow::Borrowed(_)));
    }

    #[test]
    fn fitting_cuts_with_an_ellipsis_by_columns() {
        assert_eq!(fit("湘潭市公共资源交易系统", 9, "…"), "湘潭市公…");
        assert_eq!(fit("short", 9, "…"), "short");
    }

    #[test]
    fn platform_words_go_stale_in_another_language() {
        let text = Text::platform("订单已变化", Lang::ZhCn);
        assert!(!text.stale_in(Lang::ZhCn));
        assert!(text.stale_in(Lang::En));
        let table = Text::from(T::Loading);
        assert_eq!(table.get(Lang::En), "loading…");
        assert!(!table.stale_in(Lang::En));
    }
}
