//! The one row model of every report and listing: columns, and lines of typed cells. Each
//! cell is made by a constructor that fixes both how it reads in a table (`£50.00`, `-`,
//! `yes`) and what it is in JSON (`5000`, `null`, `true`), so a report is built once and
//! printed either way: [`Rows::text`] as an aligned table, [`Rows::json`] as JSON.

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::enums::{enum_json, label, PbEnum};
use super::format::{json_time, pounds, rfc3339, yes_no};
use super::table::Table;

/// A column: its key in JSON and its heading in the table. Most are in both; some only in
/// one, where the two outputs have always differed (a table cell put together from fields
/// JSON keeps apart, or a field too long for a table line).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    key: Option<&'static str>,
    heading: Option<&'static str>,
}

impl Column {
    /// `key` in JSON, `heading` in the table.
    pub const fn new(key: &'static str, heading: &'static str) -> Column {
        Column {
            key: Some(key),
            heading: Some(heading),
        }
    }

    /// Only in JSON.
    pub const fn json(key: &'static str) -> Column {
        Column {
            key: Some(key),
            heading: None,
        }
    }

    /// Only in the table.
    pub const fn text(heading: &'static str) -> Column {
        Column {
            key: None,
            heading: Some(heading),
        }
    }
}

/// One value, as it reads in a table and as it stands in JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    text: String,
    json: Value,
}

impl Cell {
    /// A string, the same in both.
    pub fn text(s: impl Into<String>) -> Cell {
        let text = s.into();
        Cell {
            json: Value::String(text.clone()),
            text,
        }
    }

    /// A whole number (a count, a sequence number).
    pub fn number<N: ToString + Into<Value>>(n: N) -> Cell {
        Cell {
            text: n.to_string(),
            json: n.into(),
        }
    }

    /// A measurement: `places` decimals in the table, every digit in JSON.
    pub fn decimal(value: f64, places: usize) -> Cell {
        Cell {
            text: format!("{value:.places$}"),
            json: value.into(),
        }
    }

    /// `true`/`false` in both.
    pub fn boolean(b: bool) -> Cell {
        Cell {
            text: b.to_string(),
            json: Value::Bool(b),
        }
    }

    /// `yes`/`no` in the table, a boolean in JSON.
    pub fn yes_no(b: bool) -> Cell {
        Cell {
            text: yes_no(b),
            json: Value::Bool(b),
        }
    }

    /// An instant in RFC 3339 (UTC); `-` in the table and `null` in JSON for none.
    pub fn time(t: Option<DateTime<Utc>>) -> Cell {
        Cell {
            text: t.map(rfc3339).unwrap_or_else(|| "-".into()),
            json: json_time(t),
        }
    }

    /// Money: pounds in the table, pence in JSON.
    pub fn money(pence: i64) -> Cell {
        Cell {
            text: pounds(pence),
            json: pence.into(),
        }
    }

    /// A share: a percentage to one decimal in the table, the fraction in JSON; `-` and
    /// `null` when there was nothing to share out.
    pub fn share(fraction: Option<f64>) -> Cell {
        Cell {
            text: fraction
                .map(|v| format!("{:.1}%", v * 100.0))
                .unwrap_or_else(|| "-".into()),
            json: fraction.into(),
        }
    }

    /// A protobuf enum value by its CLI name; `-` in the table and `null` in JSON when
    /// unspecified.
    pub fn label<E: PbEnum>(value: i32) -> Cell {
        Cell {
            text: label::<E>(value),
            json: enum_json::<E>(value),
        }
    }

    /// A list: how many in the table, every item in JSON.
    pub fn counted(items: &[String]) -> Cell {
        Cell {
            text: items.len().to_string(),
            json: items.into(),
        }
    }

    /// Any JSON value (shown as JSON text in a table).
    pub fn json(value: Value) -> Cell {
        Cell {
            text: value.to_string(),
            json: value,
        }
    }

    /// Nothing: an empty table cell, `null` in JSON.
    pub fn blank() -> Cell {
        Cell {
            text: String::new(),
            json: Value::Null,
        }
    }

    /// The same JSON, read differently in the table.
    pub fn shown_as(self, text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            ..self
        }
    }

    /// The cell as a field of the report's JSON object, beside its rows (see
    /// [`Rows::summary`]).
    pub fn named(self, key: &'static str) -> Field {
        Field {
            key: Some(key),
            cell: self,
        }
    }
}

/// A cell of a summary line: in the table in its place, in JSON under its key if it has
/// one.
#[derive(Debug, Clone)]
pub struct Field {
    key: Option<&'static str>,
    cell: Cell,
}

impl From<Cell> for Field {
    fn from(cell: Cell) -> Field {
        Field { key: None, cell }
    }
}

#[derive(Debug, Clone)]
enum Line {
    /// A row: a line of the table, an object in the JSON list.
    Item(Vec<Cell>),
    /// A total or a measure: a line of the table, named fields beside the JSON list.
    Summary(Vec<Field>),
}

/// A report or listing being built, line by line.
#[derive(Debug, Clone)]
pub struct Rows {
    /// The JSON key the rows go under; `None` prints them as a bare list.
    key: Option<&'static str>,
    columns: Vec<Column>,
    lines: Vec<Line>,
}

impl Rows {
    /// Rows with these columns, printed as a bare JSON list.
    pub fn new(columns: impl IntoIterator<Item = Column>) -> Rows {
        Rows {
            key: None,
            columns: columns.into_iter().collect(),
            lines: Vec::new(),
        }
    }

    /// Prints the JSON as an object with the rows under `key` (and the summary fields).
    pub fn under(self, key: &'static str) -> Rows {
        Rows {
            key: Some(key),
            ..self
        }
    }

    /// Adds a row, one cell per column.
    pub fn push(&mut self, cells: impl IntoIterator<Item = Cell>) -> &mut Rows {
        self.lines.push(Line::Item(cells.into_iter().collect()));
        self
    }

    /// Adds a line of the table that is not a row: its cells stand in the table's
    /// columns in order, and those [named](Cell::named) become fields of the JSON object.
    pub fn summary(&mut self, fields: impl IntoIterator<Item = Field>) -> &mut Rows {
        self.lines.push(Line::Summary(fields.into_iter().collect()));
        self
    }

    /// Whether there are no rows (summary lines aside).
    pub fn is_empty(&self) -> bool {
        !self.lines.iter().any(|l| matches!(l, Line::Item(_)))
    }

    /// The aligned table: the headings, then every line.
    pub fn text(&self) -> String {
        let shown: Vec<usize> = (0..self.columns.len())
            .filter(|&i| self.columns[i].heading.is_some())
            .collect();
        let mut table = Table::new(shown.iter().filter_map(|&i| self.columns[i].heading));
        for line in &self.lines {
            match line {
                Line::Item(cells) => {
                    table.row(
                        shown
                            .iter()
                            .map(|&i| cells.get(i).map_or("", |c| c.text.as_str())),
                    );
                }
                Line::Summary(fields) => {
                    table.row(fields.iter().map(|f| f.cell.text.as_str()));
                }
            }
        }
        table.render()
    }

    /// The rows as a JSON list of objects, one key per JSON column.
    pub fn items_json(&self) -> Value {
        let objects = self.lines.iter().filter_map(|line| match line {
            Line::Item(cells) => Some(Value::Object(
                self.columns
                    .iter()
                    .zip(cells)
                    .filter_map(|(column, cell)| Some((column.key?.to_owned(), cell.json.clone())))
                    .collect(),
            )),
            Line::Summary(_) => None,
        });
        Value::Array(objects.collect())
    }

    /// The JSON: the bare list, or an object holding it under the key beside the named
    /// summary fields.
    pub fn json(&self) -> Value {
        let Some(key) = self.key else {
            return self.items_json();
        };
        let mut object = Map::new();
        for line in &self.lines {
            if let Line::Summary(fields) = line {
                for field in fields {
                    if let Some(name) = field.key {
                        object.insert(name.to_owned(), field.cell.json.clone());
                    }
                }
            }
        }
        object.insert(key.to_owned(), self.items_json());
        Value::Object(object)
    }

    /// Prints the table, or the JSON (pretty) with `--json`.
    pub fn print(&self, json: bool) -> Result<()> {
        if json {
            print_json(&self.json())
        } else {
            print!("{}", self.text());
            Ok(())
        }
    }
}

/// Prints JSON for scripts: pretty, with a final newline.
pub fn print_json(value: &Value) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn payments() -> Rows {
        let mut rows = Rows::new([
            Column::new("kind", "KIND"),
            Column::new("amount_pence", "AMOUNT"),
            Column::json("reason"),
            Column::text("PAID"),
        ])
        .under("totals");
        rows.push([
            Cell::text("consolatory"),
            Cell::money(5000),
            Cell::text("distress"),
            Cell::yes_no(true),
        ]);
        rows.summary([
            Cell::text("pending").into(),
            Cell::money(150).named("pending_pence"),
        ]);
        rows
    }

    #[test]
    fn one_build_reads_as_a_table() {
        assert_eq!(
            payments().text(),
            "KIND         AMOUNT  PAID\nconsolatory  £50.00  yes\npending      £1.50\n"
        );
    }

    #[test]
    fn and_as_json_with_summary_fields_beside_the_rows() {
        assert_eq!(
            payments().json(),
            json!({
                "totals": [{"kind": "consolatory", "amount_pence": 5000, "reason": "distress"}],
                "pending_pence": 150,
            })
        );
        assert!(!payments().is_empty());
    }

    #[test]
    fn a_bare_list_when_no_key_is_given() {
        let mut rows = Rows::new([Column::new("n", "N"), Column::new("due", "DUE")]);
        assert!(rows.is_empty());
        assert_eq!(rows.json(), json!([]));
        rows.push([Cell::number(7u32), Cell::time(None)]);
        assert_eq!(rows.json(), json!([{"n": 7, "due": null}]));
        assert_eq!(rows.text(), "N  DUE\n7  -\n");
    }

    #[test]
    fn cells_read_one_way_and_stand_another() {
        let c = Cell::share(Some(0.5));
        assert_eq!((c.text.as_str(), c.json), ("50.0%", json!(0.5)));
        let c = Cell::share(None);
        assert_eq!((c.text.as_str(), c.json), ("-", Value::Null));
        let c = Cell::decimal(1.23456, 2);
        assert_eq!((c.text.as_str(), c.json), ("1.23", json!(1.23456)));
        let c = Cell::counted(&["a".into(), "b".into()]);
        assert_eq!((c.text.as_str(), c.json), ("2", json!(["a", "b"])));
        let c = Cell::text("upheld").shown_as("outcome upheld");
        assert_eq!(
            (c.text.as_str(), c.json),
            ("outcome upheld", json!("upheld"))
        );
        let c = Cell::label::<redress_api::pb::Outcome>(0);
        assert_eq!((c.text.as_str(), c.json), ("-", Value::Null));
    }
}
