//! The one face every document uses, parsed once per process (≈50 ms for a full CJK face).

use std::sync::OnceLock;

use printpdf::ParsedFont;

/// Noto Serif CJK SC Regular (SIL OFL 1.1, assets/fonts/OFL.txt).
static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/NotoSerifCJKsc-Regular.otf");

#[derive(Debug)]
pub(crate) struct Font {
    pub parsed: ParsedFont,
    face: ttf_parser::Face<'static>,
    units_per_em: f32,
}

static FONT: OnceLock<Option<Font>> = OnceLock::new();

pub(crate) fn font() -> Option<&'static Font> {
    FONT.get_or_init(|| {
        let face = ttf_parser::Face::parse(FONT_BYTES, 0).ok()?;
        let parsed = ParsedFont::from_bytes(FONT_BYTES, 0, &mut Vec::new())?;
        Some(Font { units_per_em: f32::from(face.units_per_em()), parsed, face })
    })
    .as_ref()
}

impl Font {
    /// Advance of `c` in ems (a missing glyph counts as a full-width box, as it prints).
    pub fn advance(&self, c: char) -> f32 {
        self.face
            .glyph_index(c)
            .and_then(|g| self.face.glyph_hor_advance(g))
            .map_or(1.0, |a| f32::from(a) / self.units_per_em)
    }

    pub fn has_glyph(&self, c: char) -> bool {
        // Only the plain space is set without a glyph; any other space must be in the face.
        c == ' ' || self.face.glyph_index(c).is_some()
    }

    /// Width of `text` in ems.
    pub fn width(&self, text: &str) -> f32 {
        text.chars().map(|c| self.advance(c)).sum()
    }
}
