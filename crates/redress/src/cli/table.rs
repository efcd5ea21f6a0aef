//! Plain-text tables for the client subcommands: left-aligned columns padded to the widest
//! cell, a header row, no colours (output is often piped or pasted into a case note).

use std::fmt::Write as _;

/// A table being built, row by row.
#[derive(Debug, Clone, Default)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headings.
    pub fn new<I, S>(headers: I) -> Table
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Table {
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; missing cells are blank, extra cells are kept.
    pub fn row<I, S>(&mut self, cells: I) -> &mut Table
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rows.push(cells.into_iter().map(Into::into).collect());
        self
    }

    /// The table as text, one line per row, each ending in a newline.
    pub fn render(&self) -> String {
        let columns = self
            .rows
            .iter()
            .map(Vec::len)
            .chain(std::iter::once(self.headers.len()))
            .max()
            .unwrap_or(0);
        let mut widths = vec![0usize; columns];
        for line in std::iter::once(&self.headers).chain(&self.rows) {
            for (i, cell) in line.iter().enumerate() {
                widths[i] = widths[i].max(width(cell));
            }
        }
        let mut out = String::new();
        let mut write_line = |cells: &[String]| {
            let mut line = String::new();
            for (i, w) in widths.iter().enumerate() {
                let cell = cells.get(i).map(String::as_str).unwrap_or("");
                if i > 0 {
                    line.push_str("  ");
                }
                line.push_str(cell);
                if i + 1 < columns {
                    line.push_str(&" ".repeat(w.saturating_sub(width(cell))));
                }
            }
            let _ = writeln!(out, "{}", line.trim_end());
        };
        if !self.headers.is_empty() {
            write_line(&self.headers);
        }
        for row in &self.rows {
            write_line(row);
        }
        out
    }
}

/// Key/value lines (`key  value`), keys padded to the widest; multi-line values are
/// indented under their value column.
pub fn fields(pairs: &[(&str, String)]) -> String {
    let key_width = pairs.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    let mut out = String::new();
    for (key, value) in pairs {
        let mut lines = value.lines();
        let first = lines.next().unwrap_or("");
        let pad = key_width.saturating_sub(width(key));
        let _ = writeln!(out, "{key}{}  {first}", " ".repeat(pad));
        for more in lines {
            let _ = writeln!(out, "{}  {more}", " ".repeat(key_width));
        }
    }
    out
}

/// Display width, counted in characters (good enough for the text we print).
fn width(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_to_the_widest_cell() {
        let mut t = Table::new(["A", "LONGER"]);
        t.row(["wide cell", "x"]).row(["é", "y"]);
        assert_eq!(
            t.render(),
            "A          LONGER\nwide cell  x\né          y\n"
        );
    }

    #[test]
    fn short_rows_are_padded_and_empty_tables_print_headers() {
        let mut t = Table::new(["A", "B", "C"]);
        assert_eq!(t.render(), "A  B  C\n");
        t.row(["1"]);
        assert_eq!(t.render(), "A  B  C\n1\n");
    }

    #[test]
    fn fields_pad_keys_and_indent_continuations() {
        let text = fields(&[("id", "C-1".into()), ("issues", "a\nb".into())]);
        assert_eq!(text, "id      C-1\nissues  a\n        b\n");
    }
}
