//! Printed documents: the application form (申请表) the customer signs and the acceptance
//! receipt (受理回执), A4 PDFs with Chinese text. They need a CJK font that also has Latin
//! digits (Debian's `fonts-wqy-microhei`); without one, printing says what to install.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};

/// Where Debian and friends put CJK fonts with Latin glyphs, best first.
const FONT_CANDIDATES: &[&str] = &[
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
];

/// Why a document could not be made.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PdfError {
    /// No usable font.
    #[error(
        "no CJK font found (looked in {looked}); install fonts-wqy-microhei or set [platform] pdf_font"
    )]
    NoFont {
        /// Where we looked.
        looked: String,
    },
    /// The font file is not a font.
    #[error("{0} is not a usable font")]
    BadFont(String),
    /// The PDF writer failed.
    #[error("PDF: {0}")]
    Write(String),
}

/// A loaded font, shared by all documents.
#[derive(Clone)]
pub struct Fonts {
    font: Font,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fonts")
    }
}

impl Fonts {
    /// Loads `configured`, or the first CJK font found in the usual places.
    pub fn load(configured: Option<&Path>) -> Result<Fonts, PdfError> {
        let candidates: Vec<PathBuf> = match configured {
            Some(path) => vec![path.to_owned()],
            None => FONT_CANDIDATES.iter().map(PathBuf::from).collect(),
        };
        let Some(path) = candidates.iter().find(|p| p.is_file()) else {
            return Err(PdfError::NoFont {
                looked: candidates
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        let bytes =
            std::fs::read(path).map_err(|_| PdfError::BadFont(path.display().to_string()))?;
        let font = Font::new(Arc::new(bytes).into(), 0)
            .ok_or_else(|| PdfError::BadFont(path.display().to_string()))?;
        Ok(Fonts { font })
    }
}

/// A4 in points.
const WIDTH: f32 = 595.28;
const HEIGHT: f32 = 841.89;
const MARGIN: f32 = 56.0;

/// Draws one A4 page of text, lines and boxes.
struct Sheet {
    font: Font,
    texts: Vec<(f32, f32, f32, String)>,
    lines: Vec<(f32, f32, f32, f32, f32)>,
}

impl Sheet {
    fn new(fonts: &Fonts) -> Sheet {
        Sheet {
            font: fonts.font.clone(),
            texts: Vec::new(),
            lines: Vec::new(),
        }
    }

    /// Text with its baseline at `y` (from the top).
    fn text(&mut self, x: f32, y: f32, size: f32, text: impl Into<String>) {
        self.texts.push((x, y, size, text.into()));
    }

    /// Text centred on the page.
    fn centred(&mut self, y: f32, size: f32, text: &str) {
        let x = (WIDTH - text_width(text, size)) / 2.0;
        self.text(x, y, size, text);
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        self.lines.push((x1, y1, x2, y2, width));
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        self.line(x, y, x + w, y, width);
        self.line(x + w, y, x + w, y + h, width);
        self.line(x + w, y + h, x, y + h, width);
        self.line(x, y + h, x, y, width);
    }

    /// Wraps `text` into lines no wider than `width`.
    fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for c in text.chars() {
            let mut candidate = line.clone();
            candidate.push(c);
            if text_width(&candidate, size) > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }

    fn finish(self, title: &str) -> Result<Vec<u8>, PdfError> {
        let mut document = Document::new();
        let settings = PageSettings::from_wh(WIDTH, HEIGHT)
            .ok_or_else(|| PdfError::Write("page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        surface.set_fill(Some(Fill {
            paint: rgb::Color::black().into(),
            ..Fill::default()
        }));
        for (x, y, size, text) in &self.texts {
            surface.draw_text(
                Point::from_xy(*x, *y),
                self.font.clone(),
                *size,
                text,
                false,
                TextDirection::Auto,
            );
        }
        surface.set_fill(None);
        for (x1, y1, x2, y2, width) in &self.lines {
            let mut builder = PathBuilder::new();
            builder.move_to(*x1, *y1);
            builder.line_to(*x2, *y2);
            if let Some(path) = builder.finish() {
                surface.set_stroke(Some(Stroke {
                    width: *width,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
            }
        }
        surface.finish();
        page.finish();
        document.set_metadata(krilla::metadata::Metadata::new().title(title.to_owned()));
        document
            .finish()
            .map_err(|e| PdfError::Write(format!("{e:?}")))
    }
}

/// Width of `text` at `size`, near enough for layout: CJK characters are square, the rest
/// about half as wide.
fn text_width(text: &str, size: f32) -> f32 {
    text.chars()
        .map(
            |c| match unicode_width::UnicodeWidthChar::width(c).unwrap_or(1) {
                2 => size,
                _ => size * 0.55,
            },
        )
        .sum()
}

/// One labelled row of a form table.
pub struct Row {
    /// Label, e.g. 申请人姓名.
    pub label: String,
    /// Value.
    pub value: String,
}

/// What the application form shows.
pub struct ApplicationForm {
    /// The CA, e.g. 湖南CA.
    pub ca_name: String,
    /// 数字证书申请表（个人）
    pub title: String,
    /// Reference line, e.g. `申请编号 SQ7F3K9QAB`.
    pub reference: String,
    /// Date line, e.g. `打印日期 2026-11-28`.
    pub date: String,
    /// The data, one row each.
    pub rows: Vec<Row>,
    /// The declaration above the signature box.
    pub declaration: String,
    /// Label of the signature box.
    pub signature: String,
    /// `日期：      年    月    日`
    pub date_blank: String,
    /// Footer, e.g. the clerk and hotline.
    pub footer: String,
}

/// Renders the application form.
pub fn application_form(fonts: &Fonts, form: &ApplicationForm) -> Result<Vec<u8>, PdfError> {
    let mut sheet = Sheet::new(fonts);
    sheet.centred(MARGIN + 20.0, 20.0, &form.title);
    sheet.text(
        MARGIN,
        MARGIN + 52.0,
        10.5,
        format!("{} · {}", form.ca_name, form.reference),
    );
    sheet.text(
        WIDTH - MARGIN - text_width(&form.date, 10.5),
        MARGIN + 52.0,
        10.5,
        form.date.clone(),
    );
    let top = MARGIN + 64.0;
    let label_width = 118.0;
    let table_width = WIDTH - 2.0 * MARGIN;
    let mut y = top;
    for row in &form.rows {
        let lines = Sheet::wrap(&row.value, 11.0, table_width - label_width - 16.0);
        let height = 10.0 + 16.0 * lines.len().max(1) as f32;
        sheet.text(MARGIN + 8.0, y + 19.0, 11.0, row.label.clone());
        for (i, line) in lines.into_iter().enumerate() {
            sheet.text(
                MARGIN + label_width + 8.0,
                y + 19.0 + 16.0 * i as f32,
                11.0,
                line,
            );
        }
        y += height;
        sheet.line(MARGIN, y, MARGIN + table_width, y, 0.5);
    }
    sheet.rect(MARGIN, top, table_width, y - top, 1.0);
    sheet.line(MARGIN + label_width, top, MARGIN + label_width, y, 0.5);
    y += 28.0;
    for line in Sheet::wrap(&form.declaration, 10.5, table_width) {
        sheet.text(MARGIN, y, 10.5, line);
        y += 16.0;
    }
    y += 12.0;
    let box_height = 120.0;
    sheet.rect(MARGIN, y, table_width, box_height, 1.0);
    sheet.text(MARGIN + 10.0, y + 24.0, 12.0, form.signature.clone());
    sheet.text(
        MARGIN + table_width - 220.0,
        y + box_height - 18.0,
        12.0,
        form.date_blank.clone(),
    );
    sheet.text(MARGIN, HEIGHT - MARGIN, 9.0, form.footer.clone());
    sheet.finish(&form.title)
}

/// What the acceptance receipt shows.
pub struct Receipt {
    /// The CA.
    pub ca_name: String,
    /// 数字证书申请受理回执
    pub title: String,
    /// The order number, printed large.
    pub order_no: String,
    /// Label of the order number.
    pub order_label: String,
    /// The data, one row each.
    pub rows: Vec<Row>,
    /// What the customer should do next.
    pub notes: Vec<String>,
}

/// Renders the acceptance receipt (half a page, to tear off or fold).
pub fn receipt(fonts: &Fonts, receipt: &Receipt) -> Result<Vec<u8>, PdfError> {
    let mut sheet = Sheet::new(fonts);
    sheet.centred(MARGIN + 20.0, 18.0, &receipt.title);
    sheet.centred(MARGIN + 40.0, 10.5, &receipt.ca_name);
    sheet.text(MARGIN, MARGIN + 78.0, 12.0, receipt.order_label.clone());
    sheet.text(MARGIN + 90.0, MARGIN + 80.0, 20.0, receipt.order_no.clone());
    let mut y = MARGIN + 110.0;
    for row in &receipt.rows {
        sheet.text(MARGIN, y, 11.0, row.label.clone());
        sheet.text(MARGIN + 110.0, y, 11.0, row.value.clone());
        y += 20.0;
    }
    y += 8.0;
    sheet.line(MARGIN, y, WIDTH - MARGIN, y, 0.5);
    y += 22.0;
    for note in &receipt.notes {
        for line in Sheet::wrap(note, 10.5, WIDTH - 2.0 * MARGIN) {
            sheet.text(MARGIN, y, 10.5, line);
            y += 16.0;
        }
    }
    sheet.finish(&receipt.title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_wrap_inside_their_box() {
        let lines = Sheet::wrap(
            "湖南省长沙市岳麓区麓山南路932号湖南大学某某学院办公楼三楼",
            11.0,
            200.0,
        );
        assert!(lines.len() >= 2);
        assert!(lines.iter().all(|l| text_width(l, 11.0) <= 200.0 + 11.0));
        assert_eq!(
            lines.concat(),
            "湖南省长沙市岳麓区麓山南路932号湖南大学某某学院办公楼三楼"
        );
    }

    #[test]
    fn a_missing_font_says_what_to_install() {
        let error = Fonts::load(Some(Path::new("/nowhere/font.ttc")))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            error.contains("fonts-wqy-microhei") && error.contains("/nowhere/font.ttc"),
            "{error}"
        );
    }
}
