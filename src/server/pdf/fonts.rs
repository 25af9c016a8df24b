//! The fonts documents are drawn with: the CJK font built into the program (a subset of
//! Noto Sans CJK SC, `assets/fonts/`), then system fonts for the rare characters it lacks.
//! Widths are measured with the fonts' own glyph advances, as the text is drawn.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use krilla::text::Font;
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

use super::PdfError;

/// The font built into the program: Noto Sans CJK SC Regular, subset to Latin, symbols and
/// the CJK Unified Ideographs block (OFL 1.1, see `assets/fonts/`).
static BUILTIN_FONT: &[u8] =
    include_bytes!("../../../assets/fonts/NotoSansCJKsc-Regular-subset.otf");

/// System fonts asked for a character the built-in font lacks, best first.
const FALLBACK_CANDIDATES: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",
    "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
];

/// One font face: the PDF writer's handle and the bytes to look glyphs up in.
#[derive(Clone)]
pub(super) struct Face {
    pub(super) font: Font,
    data: Arc<dyn AsRef<[u8]> + Send + Sync>,
    index: u32,
}

impl Face {
    fn new(
        data: Arc<dyn AsRef<[u8]> + Send + Sync>,
        index: u32,
        name: &str,
    ) -> Result<Face, PdfError> {
        skrifa::FontRef::from_index((*data).as_ref(), index)
            .map_err(|_| PdfError::BadFont(name.to_owned()))?;
        let font = Font::new(data.clone().into(), index)
            .ok_or_else(|| PdfError::BadFont(name.to_owned()))?;
        Ok(Face { font, data, index })
    }

    pub(super) fn face(&self) -> Option<skrifa::FontRef<'_>> {
        skrifa::FontRef::from_index((*self.data).as_ref(), self.index).ok()
    }

    /// True when the face has a glyph for `c`.
    fn has(&self, c: char) -> bool {
        self.face().is_some_and(|f| f.charmap().map(c).is_some())
    }

    /// How far `text` advances at `size` points.
    pub(super) fn advance(&self, text: &str, size: f32) -> f32 {
        let Some(face) = self.face() else { return 0.0 };
        let charmap = face.charmap();
        let metrics = face.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .filter_map(|c| charmap.map(c))
            .filter_map(|g| metrics.advance_width(g))
            .sum()
    }
}

/// The fonts documents are drawn with, shared by all of them: the built-in one, then
/// system fonts for the characters it lacks (looked for the first time one is needed).
#[derive(Clone)]
pub struct Fonts {
    pub(super) builtin: Face,
    configured: Option<PathBuf>,
    search_system: bool,
    fallbacks: Arc<OnceLock<Vec<Face>>>,
    /// Advances at 1 pt, by character: layout measures the same characters again and again.
    widths: Arc<Mutex<HashMap<char, f32>>>,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts")
            .field("configured", &self.configured)
            .finish()
    }
}

impl Fonts {
    /// The built-in font, with `configured` (`[platform] pdf_font`) and the usual system
    /// places as fallbacks for rare characters. A configured font that is missing or not a
    /// font is an error: it was asked for by name.
    pub fn load(configured: Option<&Path>) -> Result<Fonts, PdfError> {
        if let Some(path) = configured {
            if !path.is_file() {
                return Err(PdfError::NoFont(path.display().to_string()));
            }
            load_faces(path)?;
        }
        Ok(Fonts {
            configured: configured.map(Path::to_owned),
            search_system: true,
            ..Fonts::builtin_only()?
        })
    }

    /// The built-in font alone, as on a machine with no fonts installed.
    pub fn builtin_only() -> Result<Fonts, PdfError> {
        let data: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(BUILTIN_FONT);
        Ok(Fonts {
            builtin: Face::new(data, 0, "built-in")?,
            configured: None,
            search_system: false,
            fallbacks: Arc::default(),
            widths: Arc::default(),
        })
    }

    fn fallbacks(&self) -> &[Face] {
        self.fallbacks.get_or_init(|| {
            let mut paths: Vec<PathBuf> = self.configured.iter().cloned().collect();
            if self.search_system {
                paths.extend(FALLBACK_CANDIDATES.iter().map(PathBuf::from));
            }
            paths
                .iter()
                .filter(|p| p.is_file())
                .filter_map(|p| match load_faces(p) {
                    Ok(faces) => Some(faces),
                    Err(e) => {
                        tracing::warn!(error = %e, "fallback font skipped");
                        None
                    }
                })
                .flatten()
                .collect()
        })
    }

    /// The face that draws `c`: the built-in one if it can, else the first fallback that
    /// can; `None` when no font has it.
    pub(super) fn face_for(&self, c: char) -> Option<&Face> {
        if self.builtin.has(c) || c.is_whitespace() || c.is_control() {
            return Some(&self.builtin);
        }
        self.fallbacks().iter().find(|f| f.has(c))
    }

    /// The characters of `text` that no font here can draw (each once, in order): printed,
    /// they would come out as their code points (`[U+30EDE]`).
    pub fn unprintable(&self, text: &str) -> Vec<char> {
        let mut missing: Vec<char> = Vec::new();
        for c in text.chars() {
            if self.face_for(c).is_none() && !missing.contains(&c) {
                missing.push(c);
            }
        }
        missing
    }

    /// How wide `text` is drawn at `size` points: the glyph advances of the faces that
    /// draw it (a character no font has counts as its printed code point).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.unit_width(c)).sum::<f32>() * size
    }

    fn unit_width(&self, c: char) -> f32 {
        if let Ok(widths) = self.widths.lock()
            && let Some(w) = widths.get(&c)
        {
            return *w;
        }
        let piece = c.to_string();
        let w = match self.face_for(c) {
            Some(face) => face.advance(&piece, 1.0),
            None => self.builtin.advance(&format!("[U+{:04X}]", c as u32), 1.0),
        };
        if let Ok(mut widths) = self.widths.lock() {
            widths.insert(c, w);
        }
        w
    }
}

/// Every face in a font file (one, or all of a collection's).
fn load_faces(path: &Path) -> Result<Vec<Face>, PdfError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|_| PdfError::BadFont(name.clone()))?;
    let count = match skrifa::raw::FileRef::new(&bytes) {
        Ok(skrifa::raw::FileRef::Collection(c)) => c.len(),
        Ok(skrifa::raw::FileRef::Font(_)) => 1,
        Err(_) => return Err(PdfError::BadFont(name)),
    };
    let data: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(bytes);
    (0..count)
        .map(|i| Face::new(data.clone(), i, &name))
        .collect()
}

/// `text` cut into runs that one face each can draw; a character no face has becomes its
/// code point in the built-in font, and is added to `unprintable`.
pub(super) fn runs<'f>(
    fonts: &'f Fonts,
    text: &str,
    unprintable: &mut BTreeSet<char>,
) -> Vec<(&'f Face, String)> {
    let mut runs: Vec<(&Face, String)> = Vec::new();
    for c in text.chars() {
        let (face, piece) = match fonts.face_for(c) {
            Some(face) => (face, c.to_string()),
            None => {
                unprintable.insert(c);
                (&fonts.builtin, format!("[U+{:04X}]", c as u32))
            }
        };
        match runs.last_mut() {
            Some((last, run)) if std::ptr::eq(*last, face) => run.push_str(&piece),
            _ => runs.push((face, piece)),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configured_font_that_is_not_there_is_named() {
        let error = Fonts::load(Some(Path::new("/nowhere/font.ttc")))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("/nowhere/font.ttc"), "{error}");
    }

    #[test]
    fn the_builtin_font_draws_names_addresses_and_amounts() {
        let fonts = Fonts::builtin_only().expect("built-in font");
        for c in "张三丁丽兰喆堃珺玥赟犇淼湖南省长沙市岳麓区麓山南路932号 ¥1,234.50 叁佰元整 ①（）【】：；，。·—…".chars() {
            assert!(fonts.face_for(c).is_some_and(|f| std::ptr::eq(f, &fonts.builtin)), "{c}");
        }
    }

    #[test]
    fn every_ideograph_of_the_basic_block_has_its_own_glyph() {
        let fonts = Fonts::builtin_only().expect("built-in font");
        let face = fonts.builtin.face().expect("parses");
        let charmap = face.charmap();
        let missing: Vec<char> = ('\u{4E00}'..='\u{9FFF}')
            .filter(|c| charmap.map(*c).is_none_or(|g| g.to_u32() == 0))
            .collect();
        assert!(
            missing.len() < 40,
            "{} without a glyph: {missing:?}",
            missing.len()
        );
    }

    /// Rare characters of names (生僻字): all of Extension A, and the characters of
    /// Extension B and beyond that the font has, are drawn by the built-in font.
    #[test]
    fn rare_characters_of_names_are_in_the_builtin_font() {
        let fonts = Fonts::builtin_only().expect("built-in font");
        for c in "䶮㛃䲜𠮷𡈼𥻗".chars() {
            assert!(
                fonts
                    .face_for(c)
                    .is_some_and(|f| std::ptr::eq(f, &fonts.builtin)),
                "{c}"
            );
        }
        let face = fonts.builtin.face().expect("parses");
        let charmap = face.charmap();
        let missing = ('\u{3400}'..='\u{4DB5}')
            .filter(|c| charmap.map(*c).is_none_or(|g| g.to_u32() == 0))
            .count();
        assert_eq!(missing, 0, "Extension A is whole");
    }

    #[test]
    fn a_character_no_font_has_is_printed_as_its_code_point_and_reported() {
        let fonts = Fonts::builtin_only().expect("built-in font");
        let mut missing = BTreeSet::new();
        let runs = runs(&fonts, "张𪚥三", &mut missing);
        let text: String = runs.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(text, "张[U+2A6A5]三");
        assert_eq!(missing.into_iter().collect::<Vec<_>>(), vec!['𪚥']);
    }

    #[test]
    fn widths_are_the_glyph_advances() {
        let fonts = Fonts::builtin_only().expect("built-in font");
        // Ideographs are one em wide; digits narrower.
        assert!((fonts.width("中文", 10.0) - 20.0).abs() < 0.01);
        let digits = fonts.width("0123456789", 10.0);
        assert!(digits > 40.0 && digits < 70.0, "{digits}");
    }
}
