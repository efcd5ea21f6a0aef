//! Operator adjustments on top of the statutory rules: a newly proclaimed holiday or an
//! office closure day added, or a holiday removed, per region. They come from an overrides
//! file (TOML, this module) or, in the server, from recorded adjustment events (SPEC D7).
//!
//! ```toml
//! [[add]]
//! region = "scotland"          # or "all"
//! date = 2027-06-14            # a TOML date or a "YYYY-MM-DD" string
//! name = "Office closure: flood"
//!
//! [[remove]]
//! region = "england-and-wales"
//! date = "2027-05-03"
//! ```

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::calendar::{FIRST_YEAR, LAST_YEAR};
use crate::Region;

/// One change to one region's calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    pub region: Region,
    pub date: NaiveDate,
    pub change: Change,
}

/// What an adjustment does to its date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Change {
    /// The date becomes a non-working day with this name.
    Add { name: String },
    /// The date is a working day again (a holiday withdrawn).
    Remove,
}

/// An overrides file that cannot be used. Every variant names the line at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OverridesError {
    #[error("overrides file is not valid TOML: {0}")]
    Syntax(String),
    #[error("line {line}: unknown region {value:?}: expected england-and-wales, scotland, northern-ireland or all")]
    UnknownRegion { line: usize, value: String },
    #[error("line {line}: {value:?} is not a date: write it as YYYY-MM-DD")]
    BadDate { line: usize, value: String },
    #[error("line {line}: {date} is outside the supported years {FIRST_YEAR}-{LAST_YEAR}")]
    DateOutOfRange { line: usize, date: NaiveDate },
    #[error("line {line}: an added day needs a non-empty name")]
    MissingName { line: usize },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    add: Vec<Entry>,
    #[serde(default)]
    remove: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    region: Spanned<String>,
    date: Spanned<toml::Value>,
    #[serde(default)]
    name: Option<Spanned<String>>,
}

fn line_of(source: &str, offset: usize) -> usize {
    source[..offset.min(source.len())].matches('\n').count() + 1
}

fn regions(source: &str, value: &Spanned<String>) -> Result<Vec<Region>, OverridesError> {
    match value.get_ref().as_str() {
        "all" => Ok(Region::ALL.to_vec()),
        other => other
            .parse()
            .map(|r| vec![r])
            .map_err(|_| OverridesError::UnknownRegion {
                line: line_of(source, value.span().start),
                value: other.to_owned(),
            }),
    }
}

fn date(source: &str, value: &Spanned<toml::Value>) -> Result<NaiveDate, OverridesError> {
    let line = line_of(source, value.span().start);
    let text = match value.get_ref() {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        other => other.to_string(),
    };
    let date = NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map_err(|_| OverridesError::BadDate { line, value: text })?;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        return Err(OverridesError::DateOutOfRange { line, date });
    }
    Ok(date)
}

/// Parses an overrides file into adjustments, refusing the whole file at the first bad
/// entry so that a typo never half-applies.
pub fn parse_overrides(source: &str) -> Result<Vec<Adjustment>, OverridesError> {
    let file: File = toml::from_str(source).map_err(|e| OverridesError::Syntax(e.to_string()))?;
    let mut out = Vec::new();
    for entry in &file.add {
        let name = entry
            .name
            .as_ref()
            .map(|n| n.get_ref().trim().to_owned())
            .filter(|n| !n.is_empty())
            .ok_or(OverridesError::MissingName {
                line: line_of(source, entry.region.span().start),
            })?;
        let date = date(source, &entry.date)?;
        for region in regions(source, &entry.region)? {
            out.push(Adjustment {
                region,
                date,
                change: Change::Add { name: name.clone() },
            });
        }
    }
    for entry in &file.remove {
        let date = date(source, &entry.date)?;
        for region in regions(source, &entry.region)? {
            out.push(Adjustment {
                region,
                date,
                change: Change::Remove,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_adds_and_removes() {
        let src = "[[add]]\nregion = \"all\"\ndate = 2027-06-14\nname = \"Closure\"\n\n[[remove]]\nregion = \"scotland\"\ndate = \"2027-05-03\"\n";
        let adj = parse_overrides(src).unwrap_or_default();
        assert_eq!(adj.len(), 4);
        assert_eq!(adj[3].change, Change::Remove);
        assert_eq!(adj[3].region, Region::Scotland);
    }

    #[test]
    fn errors_name_the_line() {
        let bad_region = "[[add]]\ndate = 2027-06-14\nname = \"x\"\nregion = \"wales\"\n";
        assert_eq!(
            parse_overrides(bad_region),
            Err(OverridesError::UnknownRegion {
                line: 4,
                value: "wales".into()
            })
        );
        let bad_date = "[[remove]]\nregion = \"scotland\"\ndate = \"2027-13-01\"\n";
        let err = parse_overrides(bad_date).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("line 3: \"2027-13-01\" is not a date: write it as YYYY-MM-DD")
        );
        let syntax = "[[add]]\nregion = scotland\n";
        let msg = parse_overrides(syntax)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(msg.contains("line 2"), "{msg}");
        let unknown = "[[add]]\nregion = \"all\"\ndate = 2027-01-05\nname = \"x\"\ncolour = 1\n";
        let msg = parse_overrides(unknown)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(msg.contains("line 5") && msg.contains("colour"), "{msg}");
        let no_name = "\n[[add]]\nregion = \"all\"\ndate = 2027-01-05\n";
        assert_eq!(
            parse_overrides(no_name),
            Err(OverridesError::MissingName { line: 3 })
        );
        let old = "[[remove]]\nregion = \"all\"\ndate = 1900-01-01\n";
        assert!(matches!(
            parse_overrides(old),
            Err(OverridesError::DateOutOfRange { line: 3, .. })
        ));
    }
}
