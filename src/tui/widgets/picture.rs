//! Scans drawn with half-block characters, on any terminal: each cell shows two pixels one
//! above the other (`▀`, the top pixel as foreground, the bottom as background), so pixels
//! come out square on 1:2 cells. Colours are sent the way the terminal understands them:
//! 24-bit where it says so, the 256-colour cube, the 16 ANSI colours, or — under
//! `NO_COLOR` — shades of grey drawn with block characters alone.

use image::RgbImage;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};

/// How the terminal takes colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorMode {
    /// 24-bit (`COLORTERM=truecolor`).
    TrueColor,
    /// The xterm 256-colour palette.
    Indexed,
    /// The 16 ANSI colours.
    Ansi,
    /// No colour at all: luminance as block shades.
    Mono,
}

impl ColorMode {
    /// What the environment says: `NO_COLOR`, `COLORTERM`, `TERM`.
    pub fn detect(no_color: bool) -> ColorMode {
        if no_color {
            return ColorMode::Mono;
        }
        let colorterm = std::env::var("COLORTERM").unwrap_or_default();
        if colorterm.contains("truecolor") || colorterm.contains("24bit") {
            return ColorMode::TrueColor;
        }
        let term = std::env::var("TERM").unwrap_or_default();
        if term.contains("256color") || term.contains("kitty") || term.contains("direct") {
            ColorMode::Indexed
        } else {
            ColorMode::Ansi
        }
    }
}

/// The pixel size an image of `width`×`height` takes when fitted into `cells` (columns ×
/// rows; each cell is one pixel wide and two high), proportions kept.
pub fn fit(width: u32, height: u32, cells: (u16, u16)) -> (u32, u32) {
    let (max_w, max_h) = (u32::from(cells.0), u32::from(cells.1) * 2);
    if width == 0 || height == 0 || max_w == 0 || max_h == 0 {
        return (0, 0);
    }
    // Scale by the tighter side.
    if u64::from(width) * u64::from(max_h) > u64::from(height) * u64::from(max_w) {
        (max_w, (height * max_w / width).max(1))
    } else {
        ((width * max_h / height).max(1), max_h)
    }
}

/// Draws `image` (already sized: one pixel per column, two per row) at the top left of
/// `area`, clipped to it.
pub fn render(image: &RgbImage, area: Rect, buf: &mut Buffer, mode: ColorMode) {
    let cols = (image.width() as u16).min(area.width);
    let rows = (image.height().div_ceil(2) as u16).min(area.height);
    for row in 0..rows {
        for col in 0..cols {
            let x = u32::from(col);
            let top = image.get_pixel(x, u32::from(row) * 2).0;
            let bottom = image
                .get_pixel_checked(x, u32::from(row) * 2 + 1)
                .map(|p| p.0)
                .unwrap_or(top);
            let Some(cell) = buf.cell_mut((area.x + col, area.y + row)) else {
                continue;
            };
            match mode {
                ColorMode::Mono => {
                    cell.set_symbol(shade(luminance(top) / 2 + luminance(bottom) / 2));
                    cell.set_style(Style::reset());
                }
                _ => {
                    cell.set_symbol("▀");
                    cell.set_style(
                        Style::reset()
                            .fg(colour(top, mode))
                            .bg(colour(bottom, mode)),
                    );
                }
            }
        }
    }
}

/// 0 (black) – 255 (white).
fn luminance([r, g, b]: [u8; 3]) -> u8 {
    ((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000) as u8
}

/// Light paper shows as blank, ink as full blocks.
fn shade(luma: u8) -> &'static str {
    match luma {
        0..=51 => "█",
        52..=102 => "▓",
        103..=153 => "▒",
        154..=204 => "░",
        _ => " ",
    }
}

/// The colour of one pixel as `mode` can send it.
pub fn colour(rgb: [u8; 3], mode: ColorMode) -> Color {
    let [r, g, b] = rgb;
    match mode {
        ColorMode::TrueColor => Color::Rgb(r, g, b),
        ColorMode::Indexed => Color::Indexed(xterm_index(rgb)),
        ColorMode::Ansi | ColorMode::Mono => ansi(rgb),
    }
}

/// The nearest colour of the xterm 6×6×6 cube or its grey ramp.
fn xterm_index([r, g, b]: [u8; 3]) -> u8 {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let level = |v: u8| {
        LEVELS
            .iter()
            .enumerate()
            .min_by_key(|(_, l)| (i16::from(**l) - i16::from(v)).abs())
            .map(|(i, _)| i as u8)
            .unwrap_or(0)
    };
    let (ri, gi, bi) = (level(r), level(g), level(b));
    let cube = [
        LEVELS[ri as usize],
        LEVELS[gi as usize],
        LEVELS[bi as usize],
    ];
    let grey_level = ((u16::from(r) + u16::from(g) + u16::from(b)) / 3) as u8;
    let grey_index = if grey_level < 8 {
        0
    } else {
        ((grey_level - 8) / 10).min(23)
    };
    let grey = 8 + 10 * grey_index;
    let distance = |c: [u8; 3]| {
        [r, g, b]
            .iter()
            .zip(c)
            .map(|(a, b)| (i32::from(*a) - i32::from(b)).pow(2))
            .sum::<i32>()
    };
    if distance([grey; 3]) < distance(cube) {
        232 + grey_index
    } else {
        16 + 36 * ri + 6 * gi + bi
    }
}

/// The nearest of the 16 ANSI colours (their usual xterm values).
fn ansi(rgb: [u8; 3]) -> Color {
    const PALETTE: [([u8; 3], Color); 16] = [
        ([0, 0, 0], Color::Black),
        ([205, 0, 0], Color::Red),
        ([0, 205, 0], Color::Green),
        ([205, 205, 0], Color::Yellow),
        ([0, 0, 238], Color::Blue),
        ([205, 0, 205], Color::Magenta),
        ([0, 205, 205], Color::Cyan),
        ([229, 229, 229], Color::Gray),
        ([127, 127, 127], Color::DarkGray),
        ([255, 0, 0], Color::LightRed),
        ([0, 255, 0], Color::LightGreen),
        ([255, 255, 0], Color::LightYellow),
        ([92, 92, 255], Color::LightBlue),
        ([255, 0, 255], Color::LightMagenta),
        ([0, 255, 255], Color::LightCyan),
        ([255, 255, 255], Color::White),
    ];
    PALETTE
        .iter()
        .min_by_key(|(c, _)| {
            c.iter()
                .zip(rgb)
                .map(|(a, b)| (i32::from(*a) - i32::from(b)).pow(2))
                .sum::<i32>()
        })
        .map(|(_, colour)| *colour)
        .unwrap_or(Color::Reset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_fit_their_cells_keeping_proportions() {
        // 40×20 cells hold 40×40 pixels.
        assert_eq!(fit(1600, 800, (40, 20)), (40, 20));
        assert_eq!(fit(800, 1600, (40, 20)), (20, 40));
        assert_eq!(fit(100, 100, (40, 20)), (40, 40));
        assert_eq!(fit(0, 100, (40, 20)), (0, 0));
    }

    #[test]
    fn colours_are_sent_as_the_terminal_takes_them() {
        let red = [220, 20, 20];
        assert_eq!(colour(red, ColorMode::TrueColor), Color::Rgb(220, 20, 20));
        assert_eq!(colour(red, ColorMode::Indexed), Color::Indexed(160));
        assert_eq!(colour(red, ColorMode::Ansi), Color::Red);
        assert_eq!(colour([250, 250, 250], ColorMode::Ansi), Color::White);
        assert_eq!(
            colour([128, 128, 128], ColorMode::Indexed),
            Color::Indexed(244)
        );
    }

    #[test]
    fn without_colour_ink_is_dark_blocks_and_paper_is_blank() {
        assert_eq!(shade(luminance([0, 0, 0])), "█");
        assert_eq!(shade(luminance([255, 255, 255])), " ");
        assert_eq!(shade(luminance([128, 128, 128])), "▒");
    }
}
