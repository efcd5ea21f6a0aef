//! Working days and bank holidays for England & Wales, Scotland and Northern Ireland: the
//! arithmetic every Redress deadline is computed with (SPEC section 5).
//!
//! Pure: no I/O, no clock. Holidays are computed from the statutory rules for 1970–2200
//! ([`rules`]), then the one-off proclamations since 1995 ([`one_off`]), then any operator
//! adjustments ([`adjustments`]). A [`Calendar`] precomputes its region's holidays once and
//! answers every query by binary search ([`calendar`] explains the method); [`london`] turns
//! dates into Europe/London instants for due times.

pub mod adjustments;
pub mod calendar;
mod easter;
mod holiday;
pub mod london;
pub mod one_off;
mod region;
pub mod rules;

pub use adjustments::{parse_overrides, Adjustment, Change, OverridesError};
pub use calendar::{Calendar, Calendars, FIRST_YEAR, LAST_YEAR};
pub use easter::easter_sunday;
pub use holiday::Holiday;
pub use london::{end_of_day, local_date, london_to_utc};
pub use region::{Region, UnknownRegion};
