//! Page layout in millimetres from the top-left corner: text flows down the body area and
//! onto continuation pages; blocks that must stay whole (a signature block) move to the
//! next page when they do not fit. The result is a list of placed items per page, turned
//! into PDF operations afterwards (so the page count is known for 共 N 页 第 M 页).

use crate::font::Font;
use crate::linebreak::break_lines;

pub const PAGE_W: f32 = 210.0;
pub const PAGE_H: f32 = 297.0;
pub const LEFT: f32 = 28.0;
pub const RIGHT: f32 = PAGE_W - 26.0;
pub const TOP: f32 = 25.0;
/// The body ends here; the footer (page numbers, code) sits below.
pub const BOTTOM: f32 = PAGE_H - 21.0;

pub const PT: f32 = 25.4 / 72.0;
/// 小四 (12 pt), the body size of the 执法文书.
pub const BODY: f32 = 12.0;
/// Line pitch as a multiple of the type size.
pub const LEADING: f32 = 1.5;
pub const LINE: f32 = BODY * PT * LEADING;

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text { x: f32, y: f32, size: f32, text: String, bold: bool, grey: bool },
    Rule { x1: f32, x2: f32, y: f32 },
    Image { x: f32, y: f32, w: f32, h: f32, image: usize },
    Qr { x: f32, y: f32, size: f32, payload: String },
}

#[derive(Debug)]
pub struct Flow<'f> {
    pub font: &'f Font,
    pub pages: Vec<Vec<Item>>,
    /// Top of the next line on the current page.
    pub y: f32,
    /// Characters the face cannot print.
    pub missing: Vec<char>,
    /// What heads every continuation page (the document's title and number), in the top
    /// margin: a page taken out of a set still says what it belongs to.
    pub running_head: Vec<Item>,
    /// Where the lines of the current page begin (index of the first item, its top), so a
    /// block that must not stand alone can take the last of them along to the next page.
    lines: Vec<(usize, f32)>,
}

impl<'f> Flow<'f> {
    pub fn new(font: &'f Font) -> Self {
        Flow { font, pages: vec![Vec::new()], y: TOP, missing: Vec::new(), running_head: Vec::new(), lines: Vec::new() }
    }

    pub fn width_mm(&self, text: &str, size: f32) -> f32 {
        self.font.width(text) * size * PT
    }

    pub fn place(&mut self, item: Item) {
        if let Item::Text { text, .. } = &item {
            for c in text.chars() {
                if !self.font.has_glyph(c) && !self.missing.contains(&c) {
                    self.missing.push(c);
                }
            }
        }
        if let Some(page) = self.pages.last_mut() {
            page.push(item);
        }
    }

    pub fn new_page(&mut self) {
        self.pages.push(self.running_head.clone());
        self.y = TOP;
        self.lines.clear();
    }

    /// Makes room for `height` mm, starting a new page when the body has less left.
    pub fn need(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    /// As `need`, for a block that must not begin a page alone (a signature block): when
    /// it moves to the next page, the last `keep` lines of text go with it.
    pub fn need_with_lines(&mut self, height: f32, keep: usize) {
        let keep = keep.max(1);
        if self.y + height <= BOTTOM || self.y <= TOP {
            return;
        }
        // Only lines that leave something behind on this page can move.
        let Some(&(first_item, top)) =
            self.lines.len().checked_sub(keep).filter(|at| *at > 0).map(|at| &self.lines[at])
        else {
            self.new_page();
            return;
        };
        let moved: Vec<Item> = self.pages.last_mut().map(|p| p.split_off(first_item)).unwrap_or_default();
        let shift = self.y - top;
        self.new_page();
        let dy = self.y - top;
        for mut item in moved {
            match &mut item {
                Item::Text { y, .. } | Item::Rule { y, .. } | Item::Image { y, .. } | Item::Qr { y, .. } => *y += dy,
            }
            if let Some(page) = self.pages.last_mut() {
                page.push(item);
            }
        }
        self.y += shift;
    }

    pub fn gap(&mut self, mm: f32) {
        self.y += mm;
    }

    /// A line of text at `x`, at the current line; moves down one line.
    pub fn line(&mut self, x: f32, text: &str, size: f32) {
        let height = size * PT * LEADING;
        self.need(height);
        if let Some(page) = self.pages.last() {
            self.lines.push((page.len(), self.y));
        }
        let y = self.y + (height - size * PT) / 2.0;
        self.place(Item::Text { x, y, size, text: text.to_owned(), bold: false, grey: false });
        self.y += height;
    }

    /// Centred lines; a text wider than the body (a long bureau name) wraps.
    pub fn centred(&mut self, text: &str, size: f32, bold: bool) {
        self.centred_within(text, size, bold, RIGHT - LEFT);
    }

    /// Centred lines no wider than `width` mm.
    pub fn centred_within(&mut self, text: &str, size: f32, bold: bool, width: f32) {
        let height = size * PT * 1.5;
        let max = width / (size * PT);
        for line in break_lines(text, max, |c| self.font.advance(c)) {
            self.need(height);
            let x = (PAGE_W - self.width_mm(&line, size)) / 2.0;
            let y = self.y + (height - size * PT) / 2.0;
            self.place(Item::Text { x, y, size, text: line, bold, grey: false });
            self.y += height;
        }
    }

    /// A paragraph: `first` mm indent on the first line, `rest` on the others (a hanging
    /// indent for numbered items and labelled fields), broken by the 禁则 rules.
    pub fn paragraph(&mut self, text: &str, size: f32, first: f32, rest: f32) {
        let em = size * PT;
        let full = (RIGHT - LEFT) / em;
        // The first line is narrower by its indent: break it alone, then the remainder.
        let first_width = full - first / em;
        let rest_width = full - rest / em;
        let mut lines = Vec::new();
        for (i, para) in text.split('\n').map(|p| p.trim_end_matches('\r')).enumerate() {
            let width = if i == 0 || first > rest { first_width } else { rest_width };
            let head = break_lines(para, width, |c| self.font.advance(c));
            let Some(first_line) = head.first() else { continue };
            let remainder: String = para.chars().skip(first_line.chars().count()).collect();
            let remainder = remainder.trim_start_matches(' ');
            // Further paragraphs: indented again in prose, under the text in a hanging item.
            let x_first = if i == 0 || first > rest { first } else { rest };
            lines.push((x_first, first_line.clone()));
            if !remainder.is_empty() {
                for l in break_lines(remainder, rest_width, |c| self.font.advance(c)) {
                    lines.push((rest, l));
                }
            }
        }
        for (x, l) in lines {
            self.line(LEFT + x, &l, size);
        }
    }

    /// `label` then `value` wrapping under the value (a form field).
    pub fn field(&mut self, label: &str, value: &str) {
        let indent = self.width_mm(label, BODY);
        let text = format!("{label}{value}");
        // Keep the indent sane when a label is long.
        self.paragraph(&text, BODY, 0.0, indent.min((RIGHT - LEFT) / 3.0));
    }
}
