//! A bank holiday as observed: the weekday on which it is a non-working day.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One observed bank holiday (or operator closure day). A holiday whose own date falls at a
/// weekend is represented by its substitute weekday, never by the weekend date.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: String,
}

impl Holiday {
    pub fn new(date: NaiveDate, name: impl Into<String>) -> Self {
        Holiday {
            date,
            name: name.into(),
        }
    }
}
