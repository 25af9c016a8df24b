//! Themes: the built-ins are embedded from `themes/*.toml`; a user's file of the same name
//! (or one that `extends` a built-in) in the config directory overrides it key by key.
//! `NO_COLOR` strips every colour and leaves bold, reverse and underline, so focus and
//! selection stay visible.

use std::collections::BTreeMap;
use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use crate::domain::OrderStatus;

/// The themes shipped with the program.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("mono", include_str!("../../themes/mono.toml")),
];

/// Every style the TUI draws with.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    /// The theme's name.
    pub name: String,
    pub base: Style,
    pub dim: Style,
    pub accent: Style,
    pub border: Style,
    pub border_focus: Style,
    pub title: Style,
    pub tab: Style,
    pub tab_active: Style,
    pub tab_disabled: Style,
    pub status_bar: Style,
    pub online: Style,
    pub reconnecting: Style,
    pub offline: Style,
    pub footer_key: Style,
    pub footer_label: Style,
    pub header: Style,
    pub selection: Style,
    pub input: Style,
    pub input_focus: Style,
    pub label: Style,
    pub error: Style,
    pub warning: Style,
    pub success: Style,
    pub info: Style,
    pub popup: Style,
    statuses: [Style; 8],
}

impl Theme {
    /// A form field's label: the one being typed into in reverse video as well as the
    /// accent, so a clerk typing without looking up sees where the keys go (a colour alone
    /// was missed, and an e-mail went into the city) — in every form alike.
    pub fn field_label(&self, focused: bool) -> Style {
        if focused {
            self.accent.add_modifier(ratatui::style::Modifier::REVERSED)
        } else {
            self.label
        }
    }

    /// The style of a status label.
    pub fn status(&self, status: OrderStatus) -> Style {
        let index = OrderStatus::ALL
            .iter()
            .position(|s| *s == status)
            .unwrap_or(0);
        self.statuses[index]
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    extends: Option<String>,
    #[serde(default)]
    styles: BTreeMap<String, StyleSpec>,
    #[serde(default)]
    status: BTreeMap<String, StyleSpec>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    reverse: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    dim: bool,
}

/// A theme that could not be loaded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("theme {name}: {message}")]
pub struct ThemeError {
    /// The theme.
    pub name: String,
    /// What is wrong (file, key, value).
    pub message: String,
}

const STYLE_KEYS: &[&str] = &[
    "base",
    "dim",
    "accent",
    "border",
    "border_focus",
    "title",
    "tab",
    "tab_active",
    "tab_disabled",
    "status_bar",
    "online",
    "reconnecting",
    "offline",
    "footer_key",
    "footer_label",
    "header",
    "selection",
    "input",
    "input_focus",
    "label",
    "error",
    "warning",
    "success",
    "info",
    "popup",
];

fn parse_color(text: &str) -> Option<Color> {
    let lower = text.trim().to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix('#') {
        if hex.len() == 6 {
            let n = u32::from_str_radix(hex, 16).ok()?;
            return Some(Color::Rgb((n >> 16) as u8, (n >> 8) as u8, n as u8));
        }
        return None;
    }
    Some(match lower.replace(['-', '_', ' '], "").as_str() {
        "reset" | "default" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" => Color::Gray,
        "darkgray" | "darkgrey" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        _ => return None,
    })
}

impl StyleSpec {
    fn to_style(&self, name: &str, key: &str) -> Result<Style, ThemeError> {
        let color = |value: &Option<String>| -> Result<Option<Color>, ThemeError> {
            match value {
                None => Ok(None),
                Some(text) => parse_color(text).map(Some).ok_or_else(|| ThemeError {
                    name: name.to_owned(),
                    message: format!("{key}: unknown colour {text:?} (use an ANSI name such as \"cyan\" or \"#rrggbb\")"),
                }),
            }
        };
        let mut style = Style::default();
        if let Some(fg) = color(&self.fg)? {
            style = style.fg(fg);
        }
        if let Some(bg) = color(&self.bg)? {
            style = style.bg(bg);
        }
        for (on, modifier) in [
            (self.bold, Modifier::BOLD),
            (self.reverse, Modifier::REVERSED),
            (self.underline, Modifier::UNDERLINED),
            (self.italic, Modifier::ITALIC),
            (self.dim, Modifier::DIM),
        ] {
            if on {
                style = style.add_modifier(modifier);
            }
        }
        Ok(style)
    }
}

fn parse_file(name: &str, text: &str, origin: &str) -> Result<ThemeFile, ThemeError> {
    let file: ThemeFile = toml::from_str(text).map_err(|e| ThemeError {
        name: name.to_owned(),
        message: format!("{origin}: {}", e.message().trim()),
    })?;
    for key in file.styles.keys() {
        if !STYLE_KEYS.contains(&key.as_str()) {
            return Err(ThemeError {
                name: name.to_owned(),
                message: format!("{origin}: unknown style key {key:?}"),
            });
        }
    }
    for key in file.status.keys() {
        if OrderStatus::parse(key).is_none() {
            return Err(ThemeError {
                name: name.to_owned(),
                message: format!("{origin}: unknown status {key:?}"),
            });
        }
    }
    Ok(file)
}

/// The names of the built-in themes.
pub fn built_in_names() -> Vec<&'static str> {
    BUILT_IN.iter().map(|(n, _)| *n).collect()
}

/// Whether there is a theme `name`: a built-in one or the user's `user_dir/NAME.toml`.
pub fn exists(name: &str, user_dir: Option<&Path>) -> bool {
    BUILT_IN.iter().any(|(n, _)| *n == name)
        || user_dir.is_some_and(|d| d.join(format!("{name}.toml")).is_file())
}

/// Loads theme `name`: the built-in of that name (or the one a user file `extends`), with
/// the user's `user_dir/NAME.toml` laid over it key by key. `no_color` strips colours.
pub fn load(name: &str, user_dir: Option<&Path>, no_color: bool) -> Result<Theme, ThemeError> {
    let user = match user_dir.map(|d| d.join(format!("{name}.toml"))) {
        Some(path) if path.is_file() => {
            let text = std::fs::read_to_string(&path).map_err(|e| ThemeError {
                name: name.to_owned(),
                message: format!("{}: {e}", path.display()),
            })?;
            Some(parse_file(name, &text, &path.display().to_string())?)
        }
        _ => None,
    };
    let is_built_in = |n: &str| BUILT_IN.iter().any(|(b, _)| *b == n);
    let base_name = match (&user, user.as_ref().and_then(|u| u.extends.clone())) {
        (_, Some(extends)) => extends,
        (Some(_), None) if !is_built_in(name) => "default".to_owned(),
        _ => name.to_owned(),
    };
    let Some((_, base_text)) = BUILT_IN.iter().find(|(n, _)| *n == base_name) else {
        if user.is_some() {
            return Err(ThemeError {
                name: name.to_owned(),
                message: format!(
                    "extends unknown theme {base_name:?} (built-in: {})",
                    built_in_names().join(", ")
                ),
            });
        }
        return Err(ThemeError {
            name: name.to_owned(),
            message: format!("no such theme (built-in: {})", built_in_names().join(", ")),
        });
    };
    // Layers, most general first: default, the built-in, the user's file.
    let mut layers = vec![parse_file("default", BUILT_IN[0].1, "themes/default.toml")?];
    if base_name != "default" {
        let built_in = parse_file(&base_name, base_text, &format!("themes/{base_name}.toml"))?;
        layers.push(built_in);
    }
    layers.extend(user);
    let mut styles: BTreeMap<String, StyleSpec> = BTreeMap::new();
    let mut status: BTreeMap<String, StyleSpec> = BTreeMap::new();
    for layer in layers {
        styles.extend(layer.styles);
        status.extend(layer.status);
    }
    let get = |key: &str| -> Result<Style, ThemeError> {
        let style = styles
            .get(key)
            .cloned()
            .unwrap_or_default()
            .to_style(name, key)?;
        Ok(if no_color { strip_colour(style) } else { style })
    };
    let mut statuses = [Style::default(); 8];
    for (slot, s) in statuses.iter_mut().zip(OrderStatus::ALL) {
        let style = status
            .get(s.as_str())
            .cloned()
            .unwrap_or_default()
            .to_style(name, s.as_str())?;
        *slot = if no_color { strip_colour(style) } else { style };
    }
    let mut theme = Theme {
        name: name.to_owned(),
        base: get("base")?,
        dim: get("dim")?,
        accent: get("accent")?,
        border: get("border")?,
        border_focus: get("border_focus")?,
        title: get("title")?,
        tab: get("tab")?,
        tab_active: get("tab_active")?,
        tab_disabled: get("tab_disabled")?,
        status_bar: get("status_bar")?,
        online: get("online")?,
        reconnecting: get("reconnecting")?,
        offline: get("offline")?,
        footer_key: get("footer_key")?,
        footer_label: get("footer_label")?,
        header: get("header")?,
        selection: get("selection")?,
        input: get("input")?,
        input_focus: get("input_focus")?,
        label: get("label")?,
        error: get("error")?,
        warning: get("warning")?,
        success: get("success")?,
        info: get("info")?,
        popup: get("popup")?,
        statuses,
    };
    if no_color {
        // Without colour, what is selected or active must still stand out.
        theme.selection = theme
            .selection
            .add_modifier(Modifier::REVERSED | Modifier::BOLD);
        theme.tab_active = theme
            .tab_active
            .add_modifier(Modifier::REVERSED | Modifier::BOLD);
        theme.footer_key = theme.footer_key.add_modifier(Modifier::REVERSED);
        theme.input_focus = theme.input_focus.add_modifier(Modifier::UNDERLINED);
    }
    Ok(theme)
}

/// `style` without its colours: only bold, reverse, underline… remain.
pub fn strip_colour(style: Style) -> Style {
    Style {
        add_modifier: style.add_modifier,
        ..Style::default()
    }
}

/// True when the `NO_COLOR` convention asks for no colour (set and not empty).
pub fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_theme_loads_with_every_key() {
        for (name, text) in BUILT_IN {
            let theme = load(name, None, false);
            assert!(theme.is_ok(), "{name}: {theme:?}");
            let file = parse_file(name, text, name).unwrap_or_default();
            if *name == "default" {
                assert_eq!(
                    file.styles.len(),
                    STYLE_KEYS.len(),
                    "default defines every style"
                );
                assert_eq!(file.status.len(), 8, "default defines every status");
            }
        }
    }

    #[test]
    fn no_color_keeps_selection_visible_without_colour() {
        let theme = load("default", None, true).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(theme.selection.fg, None);
        assert_eq!(theme.selection.bg, None);
        assert!(theme.selection.add_modifier.contains(Modifier::REVERSED));
        assert!(theme.tab_active.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn a_user_theme_overrides_key_by_key() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            dir.path().join("default.toml"),
            "[styles]\nselection = { fg = \"white\", bg = \"red\" }\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let theme = load("default", Some(dir.path()), false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(theme.selection.bg, Some(Color::Red));
        assert_eq!(
            theme.tab_active.bg,
            Some(Color::Cyan),
            "the rest stays built-in"
        );

        std::fs::write(
            dir.path().join("counter3.toml"),
            "extends = \"light\"\n[status]\ncompleted = { fg = \"#00aa00\" }\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let theme = load("counter3", Some(dir.path()), false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            theme.status(OrderStatus::Completed).fg,
            Some(Color::Rgb(0, 0xaa, 0))
        );
        assert_eq!(theme.selection.bg, Some(Color::Blue), "from light");
    }

    #[test]
    fn bad_theme_files_are_explained() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            dir.path().join("x.toml"),
            "[styles]\nselection = { fg = \"purpleish\" }\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let error = load("x", Some(dir.path()), false)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            error.contains("purpleish") && error.contains("selection"),
            "{error}"
        );
        assert!(load("nope", None, false).is_err());
        std::fs::write(dir.path().join("y.toml"), "[styles]\nselektion = {}\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let error = load("y", Some(dir.path()), false)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("selektion"), "{error}");
    }
}
