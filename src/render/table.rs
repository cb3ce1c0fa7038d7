//! Plain aligned columns for the human view.
//!
//! Cells may hold colour sequences; widths count only what a terminal shows, so coloured
//! and plain output line up the same. No wrapping: long paths stay whole (and output
//! piped to a file is reproducible).

/// Width of `s` as printed: characters, not counting ANSI colour sequences (`ESC [ … m`).
/// Dump text reaches a table already escaped, so every ESC here is crashscope's own.
pub fn visible_width(s: &str) -> usize {
    // Plain ASCII (most cells: addresses, sizes, paths) is as wide as it is long.
    if s.bytes().all(|b| b.is_ascii() && b != 0x1b) {
        return s.len();
    }
    let mut width = 0;
    let mut in_escape = false;
    for c in s.chars() {
        if in_escape {
            in_escape = c != 'm';
        } else if c == '\x1b' {
            in_escape = true;
        } else {
            width += 1;
        }
    }
    width
}

/// A table: a header and rows of cells, some columns aligned right.
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
        const SPACES: &str = "                                                                ";
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
            for (c, cell) in row.iter().enumerate().take(columns) {
                let mut pad = widths[c] - row_widths[c];
                line.push(' ');
                if !self.right[c] {
                    line.push_str(cell);
                }
                while pad > 0 {
                    let n = pad.min(SPACES.len());
                    line.push_str(&SPACES[..n]);
                    pad -= n;
                }
                if self.right[c] {
                    line.push_str(cell);
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
}
