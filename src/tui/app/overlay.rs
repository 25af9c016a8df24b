//! What the frame draws over the tabs and that takes the keyboard: the `?` help (type to
//! find a command — a key, a word, or a `:` command — Enter runs it), the `:` command
//! line, and the halt after a form was pulled from under the operator's fingers.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::App;
use crate::domain::OrderNo;
use crate::i18n::{Lang, T};
use crate::tui::component::{AnyCmd, Signal};
use crate::tui::keys::{self, Frame};
use crate::tui::text::{Notice, Text};
use crate::tui::theme;
use crate::tui::widgets::input::Input;

/// Something drawn over the main area that takes the keyboard.
#[derive(Debug, Clone)]
pub enum Overlay {
    /// `?` help.
    Help {
        /// What is typed to find a command.
        filter: Input,
        /// Selected row of the matches.
        selected: usize,
    },
    /// The `:` command line.
    Command {
        /// What is typed.
        input: Input,
    },
    /// A form was closed or refilled by someone else's change: why, and every key but
    /// Esc (which goes on) ignored until then.
    Halt {
        /// Why.
        notice: Notice,
    },
}

impl Overlay {
    /// The help, nothing typed.
    pub fn help() -> Overlay {
        Overlay::Help {
            filter: Input::new(""),
            selected: 0,
        }
    }

    /// The command line with `typed` in it.
    pub fn command(typed: &str) -> Overlay {
        Overlay::Command {
            input: Input::new(typed.trim_start_matches(':')),
        }
    }

    /// Pasted text goes into its field.
    pub fn paste(&mut self, text: &str) {
        match self {
            Overlay::Help { filter: input, .. } | Overlay::Command { input } => input.paste(text),
            // Pasted text was meant for the form that went.
            Overlay::Halt { .. } => {}
        }
    }
}

/// What a help entry runs.
#[derive(Debug, Clone)]
pub enum Target {
    /// A command of the shown tab.
    Tab(AnyCmd),
    /// A command of the frame.
    Frame(Frame),
}

/// One line of the help.
#[derive(Debug, Clone)]
pub struct HelpEntry {
    /// Its keys, as shown.
    pub keys: String,
    /// What it does.
    pub label: String,
    /// What Enter runs.
    pub target: Target,
}

/// What a barcode scanner types: one run of 8 to 30 letters and digits (a parcel number),
/// not words a person typed to find a command.
fn looks_scanned(text: &str) -> bool {
    (8..=30).contains(&text.len()) && text.chars().all(|c| c.is_ascii_alphanumeric())
}

impl App {
    /// The commands the help offers for `filter`: matched by key, by word, or by `:`
    /// command.
    pub fn help_entries(&self, filter: &str) -> Vec<HelpEntry> {
        let needle = filter.trim().to_lowercase();
        let mut all: Vec<(Vec<keys::Key>, String, String, Target)> = Vec::new();
        let i = self.shown;
        if self.allowed(i) {
            for b in self.tabs[i].bindings(&self.env(i)) {
                all.push((b.keys, b.label, b.short, Target::Tab(b.cmd)));
            }
        }
        let frame = keys::frame_bindings(self.focus(), &self.titles(), self.lang);
        for b in frame
            .into_iter()
            .chain(keys::command_line_entries(self.lang))
        {
            if b.cmd != Frame::Help {
                all.push((b.keys, b.label, b.short, Target::Frame(b.cmd)));
            }
        }
        // A `:` command named by what is typed comes first: Enter runs what was asked for.
        all.sort_by_key(|(_, _, _, target)| match target {
            Target::Frame(Frame::CommandLine(typed)) => {
                !(typed.len() > 1 && !needle.is_empty() && typed.contains(needle.as_str()))
            }
            _ => true,
        });
        all.into_iter()
            .filter(|(keys, label, short, target)| {
                let typed = match target {
                    Target::Frame(Frame::CommandLine(typed)) => typed.to_string(),
                    _ => String::new(),
                };
                let words = format!("{label} {short} {typed}").to_lowercase();
                needle.is_empty()
                    || keys.iter().any(|k| k.display().to_lowercase() == needle)
                    || words.contains(&needle)
            })
            .map(|(keys, label, _, target)| {
                let shown = match &target {
                    Target::Frame(Frame::CommandLine(typed)) if !typed.is_empty() => {
                        typed.trim().to_owned()
                    }
                    _ => keys
                        .iter()
                        .map(|k| k.display())
                        .collect::<Vec<_>>()
                        .join(" "),
                };
                HelpEntry {
                    keys: shown,
                    label,
                    target,
                }
            })
            .collect()
    }

    pub(super) fn overlay_key(&mut self, overlay: Overlay, key: KeyEvent) {
        match overlay {
            Overlay::Help {
                mut filter,
                mut selected,
            } => {
                let matches = self.help_entries(&filter.text());
                match key.code {
                    KeyCode::Esc => return,
                    KeyCode::Enter => {
                        if let Some(entry) = matches.get(selected) {
                            match entry.target.clone() {
                                Target::Frame(cmd) => self.frame_command(cmd),
                                Target::Tab(cmd) => {
                                    let i = self.shown;
                                    let out = call!(self, i, command, &cmd);
                                    self.absorb(i, out);
                                }
                            }
                        } else if self.allowed(self.shown)
                            && self.tabs[self.shown].scanning()
                            && looks_scanned(&filter.text())
                        {
                            // Matching nothing while a scanner types into the tab below:
                            // the scanner's number, fired whatever was on screen. It goes
                            // where it was meant to, with its Enter, not into the air.
                            for c in filter.text().chars() {
                                self.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
                            }
                            self.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
                        }
                        return;
                    }
                    KeyCode::Up => selected = selected.saturating_sub(1),
                    KeyCode::Down => selected = (selected + 1).min(matches.len().saturating_sub(1)),
                    _ => {
                        filter.key(key);
                        selected = 0;
                    }
                }
                self.overlay = Some(Overlay::Help { filter, selected });
            }
            Overlay::Command { mut input } => match key.code {
                KeyCode::Esc => {}
                KeyCode::Enter => self.run_command_line(&input.text()),
                _ => {
                    input.key(key);
                    self.overlay = Some(Overlay::Command { input });
                }
            },
            Overlay::Halt { notice } => match key.code {
                // Read: what it said stays on the message line. Only Esc: Enter is what
                // the form was being filled with (each field ends with it), and one
                // dismissing the box let the rest of the typing run the list's keys.
                KeyCode::Esc => {}
                _ => self.overlay = Some(Overlay::Halt { notice }),
            },
        }
    }

    /// Runs a `:` command line.
    pub fn run_command_line(&mut self, line: &str) {
        let line = line.trim().trim_start_matches(':');
        let (name, arg) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let arg = arg.trim();
        match name {
            "q" | "quit" | "exit" => self.quit = true,
            "help" | "h" => self.frame_command(Frame::Help),
            "order" | "o" => match OrderNo::parse(arg) {
                Ok(no) => self.deliver(&Signal::OpenOrder(no.as_str().to_owned()), None),
                Err(e) => self.notice = Some(Notice::error(Text::from(e))),
            },
            "phone" | "p" => match phone_digits(arg) {
                Some(digits) => self.deliver(&Signal::FindPhone(digits), None),
                None => self.notice = Some(Notice::error(T::CmdPhoneUsage)),
            },
            "lang" => match Lang::parse(arg) {
                Some(lang) => self.set_lang(lang),
                None => self.notice = Some(Notice::error(T::CmdLangUsage)),
            },
            "theme" if !theme::exists(arg, self.theme_dir.as_deref()) => {
                let names = theme::built_in_names().join(", ");
                self.notice = Some(Notice::error(Text::with(T::ThemeUnknown, [arg, &names])));
            }
            "theme" => match theme::load(arg, self.theme_dir.as_deref(), self.no_color) {
                Ok(theme) => {
                    self.theme = theme;
                    self.notice = Some(Notice::done(Text::with(T::ThemeChanged, [arg])));
                }
                Err(e) => self.notice = Some(Notice::error(Text::plain(e.to_string()))),
            },
            "" => {}
            other => self.notice = Some(Notice::error(Text::with(T::CmdUnknown, [other]))),
        }
    }
}

/// A phone number or its last digits, as `/` takes them: 4–11 digits (spaces, dashes and
/// a +86 prefix ignored).
fn phone_digits(typed: &str) -> Option<String> {
    let digits: String = crate::domain::normalize_width(typed)
        .trim()
        .trim_start_matches("+86")
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    (digits.chars().all(|c| c.is_ascii_digit()) && (4..=11).contains(&digits.len()))
        .then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::phone_digits;

    #[test]
    fn the_command_line_takes_a_phones_tail_like_the_search() {
        assert_eq!(phone_digits("5678").as_deref(), Some("5678"));
        assert_eq!(
            phone_digits("138 1234 5678").as_deref(),
            Some("13812345678")
        );
        assert_eq!(
            phone_digits("+86 138-1234-5678").as_deref(),
            Some("13812345678")
        );
        assert_eq!(phone_digits("123"), None);
        assert_eq!(phone_digits("abcd"), None);
    }
}
