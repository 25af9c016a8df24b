//! QR codes drawn with half-block characters: two modules per cell vertically, so modules
//! come out square on a terminal's 1:2 cells. Dark modules on a light background whatever
//! the theme (explicit black and white), with a quiet zone, so any phone camera reads it.

use qrcode::{Color as Module, EcLevel, QrCode};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};

/// The dark and light colours of every QR code.
pub const DARK: Color = Color::Black;
/// See [`DARK`].
pub const LIGHT: Color = Color::White;

/// A QR code ready to draw.
#[derive(Debug, Clone)]
pub struct Qr {
    /// Side in modules, without quiet zone.
    width: usize,
    /// Row-major, `true` = dark.
    dark: Vec<bool>,
}

impl Qr {
    /// Encodes `text` (a URL) at the lowest error-correction level, which keeps it small
    /// enough to sit beside its instructions at 80×24.
    pub fn new(text: &str) -> Option<Qr> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L).ok()?;
        let width = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|m| m == Module::Dark)
            .collect();
        Some(Qr { width, dark })
    }

    /// Side in modules, without quiet zone.
    pub fn modules(&self) -> usize {
        self.width
    }

    fn is_dark(&self, x: isize, y: isize) -> bool {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.width {
            return false;
        }
        self.dark[y as usize * self.width + x as usize]
    }

    /// Cells needed at `scale` (1 = half blocks; 2 = two columns and one row per module)
    /// with a quiet zone of `quiet` modules: (columns, rows).
    pub fn size(&self, quiet: usize, scale: u16) -> (u16, u16) {
        let side = (self.width + 2 * quiet) as u16;
        match scale {
            1 => (side, side.div_ceil(2)),
            s => (side * s, side * s / 2),
        }
    }

    /// The largest quiet zone (4 ideally, at least 1) and scale that fit in `area`; `None`
    /// if even the smallest does not fit.
    pub fn fit(&self, area: Rect, max_scale: u16) -> Option<(usize, u16)> {
        for scale in (1..=max_scale.max(1)).rev() {
            for quiet in (1..=4).rev() {
                let (w, h) = self.size(quiet, scale);
                if w <= area.width && h <= area.height {
                    return Some((quiet, scale));
                }
            }
        }
        None
    }

    /// Draws the code at the top-left of `area`.
    pub fn render(&self, area: Rect, buf: &mut Buffer, quiet: usize, scale: u16) {
        let (w, h) = self.size(quiet, scale);
        let q = quiet as isize;
        for row in 0..h.min(area.height) {
            for col in 0..w.min(area.width) {
                let cell = &mut buf[(area.x + col, area.y + row)];
                if scale == 1 {
                    let x = col as isize - q;
                    let top = self.is_dark(x, 2 * row as isize - q);
                    let bottom = self.is_dark(x, 2 * row as isize + 1 - q);
                    // Upper half block: the foreground paints the top module, the
                    // background the bottom one.
                    let colour = |dark: bool| if dark { DARK } else { LIGHT };
                    cell.set_symbol("▀")
                        .set_style(Style::default().fg(colour(top)).bg(colour(bottom)));
                } else {
                    let x = col as isize / scale as isize - q;
                    let y = row as isize * 2 / scale as isize - q;
                    let colour = if self.is_dark(x, y) { DARK } else { LIGHT };
                    cell.set_symbol(" ").set_style(Style::default().bg(colour));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typical_phone_url_fits_beside_its_instructions_at_80_by_24() {
        let url = "http://192.168.100.200:8080/m/realname/AbCdEfGhIjKlMnOpQrStUv";
        let qr = Qr::new(url).unwrap_or_else(|| panic!("encodes"));
        let fit = qr.fit(Rect::new(0, 0, 44, 20), 1);
        assert!(fit.is_some(), "{} modules", qr.modules());
        let (quiet, _) = fit.unwrap_or((0, 1));
        assert!(quiet >= 2, "a real quiet zone: {quiet}");
    }
}
