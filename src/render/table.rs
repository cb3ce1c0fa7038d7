//! Plain aligned columns for the human view.
//!
//! Cells may hold colour sequences; widths count only what a terminal shows, so coloured
//! and plain output line up the same. No wrapping: long paths stay whole (and output
//! piped to a file is reproducible).

/// Width of `s` as printed: terminal columns (a CJK character takes two, a combining
/// mark none; `unicode-width`), not counting ANSI colour sequences (`ESC [ … m`). Dump
/// text reaches a table already escaped, so every ESC here is crashscope's own.
pub fn visible_width(s: &str) -> usize {
    use unicode_width::UnicodeWidthStr;
    // Plain ASCII (most cells: addresses, sizes, paths) is as wide as it is long.
    if s.bytes().all(|b| b.is_ascii() && b != 0x1b) {
        return s.len();
    }
    let mut width = 0;
    let mut rest = s;
    while let Some(at) = rest.find('\x1b') {
        width += rest[..at].width();
        rest = &rest[at..];
        rest = rest.find('m').map_or("", |end| &rest[end + 1..]);
    }
    width + rest.width()
}

/// A table: a header and rows of cells, some columns aligned right. Written with
/// `comfy-table` (its `custom_styling` measures coloured cells by what they show), with
/// no borders and no wrapping: long paths stay whole, and output piped to a file is
/// reproducible.
#[derive(Debug, Default)]
pub struct Table {
    header: Vec<String>,
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with `header` (already styled); columns listed in `right` align right.
    pub fn new(header: Vec<String>, right: &[usize]) -> Table {
        let right = (0..header.len()).map(|c| right.contains(&c)).collect();
        Table {
            header,
            right,
            rows: Vec::new(),
        }
    }

    pub fn add_row(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// Write the table: one space of padding around every cell, no trailing space.
    pub fn write(&self, w: &mut impl std::io::Write) -> std::io::Result<()> {
        use comfy_table::{CellAlignment, ContentArrangement};
        let columns = self.header.len();
        let mut table = comfy_table::Table::new();
        table
            .load_preset(comfy_table::presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(self.header.iter());
        for row in &self.rows {
            table.add_row(row.iter().take(columns));
        }
        for (column, &right) in table.column_iter_mut().zip(&self.right) {
            column.set_cell_alignment(if right {
                CellAlignment::Right
            } else {
                CellAlignment::Left
            });
        }
        for line in table.lines() {
            writeln!(w, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_does_not_move_columns() {
        let mut t = Table::new(vec!["a".into(), "size".into()], &[1]);
        t.add_row(vec!["\x1b[1mxyz\x1b[0m".into(), "1 B".into()]);
        t.add_row(vec!["q".into(), "10 KiB".into()]);
        let mut out = Vec::new();
        t.write(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], " a      size");
        assert_eq!(lines[1], " \x1b[1mxyz\x1b[0m     1 B");
        assert_eq!(lines[2], " q    10 KiB");
    }

    #[test]
    fn widths_skip_colour_sequences() {
        assert_eq!(visible_width("\x1b[31;1m⟦alice⟧\x1b[0m"), 7);
    }

    #[test]
    fn wide_characters_keep_columns_aligned() {
        // Two CJK characters take four columns: the next column starts where it does
        // after four ASCII characters.
        assert_eq!(visible_width("山田"), 4);
        assert_eq!(visible_width("\x1b[1m山田\x1b[0m"), 4);
        let mut t = Table::new(vec!["user".into(), "size".into()], &[1]);
        t.add_row(vec!["山田".into(), "1 B".into()]);
        t.add_row(vec!["abcd".into(), "2 B".into()]);
        let mut out = Vec::new();
        t.write(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let ends: Vec<usize> = text.lines().map(visible_width).collect();
        assert_eq!(ends, [11, 11, 11], "{text}");
    }
}
