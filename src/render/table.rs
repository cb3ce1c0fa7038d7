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

/// A table: a header and rows of cells, some columns aligned right, with no borders and
/// no wrapping (long paths stay whole, and output piped to a file is reproducible).
///
/// Two writers give the same text (a test compares them on coloured, CJK, empty and short
/// rows): [`Table::write_comfy`] lays it out with `comfy-table` (its `custom_styling`
/// measures coloured cells by what they show), [`Table::write`] with a plain aligned
/// writer. comfy-table is costly on coloured cells, so `show` and `list` use the aligned
/// writer and `crashscope rules` uses comfy-table (the CHANGELOG has the figures).
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

    /// [`Table::write`], laid out by comfy-table.
    pub fn write_comfy(&self, w: &mut impl std::io::Write) -> std::io::Result<()> {
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

    /// Write the table: one space of padding around every cell, no trailing space (the
    /// layout of [`Table::write_comfy`], column widths from [`visible_width`]).
    pub fn write(&self, w: &mut impl std::io::Write) -> std::io::Result<()> {
        let columns = self.header.len();
        let rows: Vec<&Vec<String>> = std::iter::once(&self.header).chain(&self.rows).collect();
        let cell_widths: Vec<Vec<usize>> = rows
            .iter()
            .map(|row| row.iter().take(columns).map(|c| visible_width(c)).collect())
            .collect();
        let mut widths = vec![0; columns];
        for row in &cell_widths {
            for (c, &width) in row.iter().enumerate() {
                widths[c] = widths[c].max(width);
            }
        }
        let mut line = String::new();
        for (row, row_widths) in rows.iter().zip(&cell_widths) {
            line.clear();
            for (c, (&width, &right)) in widths.iter().zip(&self.right).enumerate() {
                let cell = row.get(c).map_or("", String::as_str);
                let pad = width - row_widths.get(c).copied().unwrap_or(0);
                line.push(' ');
                if right {
                    line.extend(std::iter::repeat_n(' ', pad));
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    line.extend(std::iter::repeat_n(' ', pad));
                }
                line.push(' ');
            }
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
    fn both_layouts_give_the_same_text() {
        // Colour, CJK, empty cells, short rows, right-aligned columns.
        let cells = [
            "a",
            "",
            "\x1b[1;31m⟦alice⟧\x1b[0m",
            "山田",
            "0x7f00000000",
            "12.5 KiB",
            "/home/⟦bob⟧/x",
        ];
        for n in 0..40 {
            let mut t = Table::new(vec!["one".into(), "two".into(), "3".into()], &[1]);
            for i in 0..n {
                let row: Vec<String> = (0..(i % 4))
                    .map(|c| cells[(i * 3 + c * 5) % cells.len()].to_string())
                    .collect();
                t.add_row(row);
            }
            let (mut comfy, mut aligned) = (Vec::new(), Vec::new());
            t.write_comfy(&mut comfy).unwrap();
            t.write(&mut aligned).unwrap();
            assert_eq!(
                String::from_utf8(comfy).unwrap(),
                String::from_utf8(aligned).unwrap(),
                "{n} rows"
            );
        }
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
