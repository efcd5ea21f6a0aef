//! One-off changes to the rules, made by royal proclamation since 1995.
//!
//! Each entry cites where it was checked. The rules in [`crate::rules`] produce the normal
//! year; these entries then move or add days. Adding a future proclamation in code is a
//! release; an operator can add one the same day through an override file or an
//! adjustment event (SPEC D7) without waiting for one.
//!
//! Sources:
//! - 1995, 1999, 2002, 2011, 2012: the proclamations under the Banking and Financial
//!   Dealings Act 1971 as recorded in the London Gazette and summarised in House of
//!   Commons Library briefing SN01446 "Bank and public holidays" (table of one-off
//!   holidays and moved holidays since 1971).
//! - 2020, 2022, 2023: the GOV.UK bank-holidays list (https://www.gov.uk/bank-holidays and
//!   its bank-holidays.json), which records each with its title.
//! - 2026 Scotland: Royal Proclamation approved 5 February 2026 at the First Minister's
//!   request ("Monday, the fifteenth day of June in the year 2026, should be a bank holiday
//!   in Scotland"), Scottish Government news release of the same day; Scotland only.

use chrono::NaiveDate;

use crate::Region;

/// Which regions a change applies to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scope {
    AllRegions,
    Only(Region),
}

impl Scope {
    pub(crate) fn includes(self, region: Region) -> bool {
        match self {
            Scope::AllRegions => true,
            Scope::Only(r) => r == region,
        }
    }
}

/// A change to one year's rule-based holidays.
#[derive(Debug, Clone, Copy)]
pub(crate) enum OneOff {
    /// A rule-based holiday moved to another date (and possibly renamed).
    Moved {
        scope: Scope,
        from: (i32, u32, u32),
        to: (i32, u32, u32),
        name: &'static str,
    },
    /// An extra holiday.
    Added {
        scope: Scope,
        on: (i32, u32, u32),
        name: &'static str,
    },
}

use OneOff::{Added, Moved};
use Scope::{AllRegions, Only};

/// Every one-off since 1995, in date order.
pub(crate) const ONE_OFFS: &[OneOff] = &[
    // 50th anniversary of VE Day: early May holiday moved from 1 May.
    Moved {
        scope: AllRegions,
        from: (1995, 5, 1),
        to: (1995, 5, 8),
        name: "Early May bank holiday (VE Day)",
    },
    Added {
        scope: AllRegions,
        on: (1999, 12, 31),
        name: "Millennium Celebrations",
    },
    // Golden Jubilee: spring holiday moved from 27 May to 4 June, 3 June added.
    Moved {
        scope: AllRegions,
        from: (2002, 5, 27),
        to: (2002, 6, 4),
        name: "Spring bank holiday",
    },
    Added {
        scope: AllRegions,
        on: (2002, 6, 3),
        name: "Golden Jubilee bank holiday",
    },
    Added {
        scope: AllRegions,
        on: (2011, 4, 29),
        name: "Royal wedding",
    },
    // Diamond Jubilee: spring holiday moved from 28 May to 4 June, 5 June added.
    Moved {
        scope: AllRegions,
        from: (2012, 5, 28),
        to: (2012, 6, 4),
        name: "Spring bank holiday",
    },
    Added {
        scope: AllRegions,
        on: (2012, 6, 5),
        name: "Queen's Diamond Jubilee",
    },
    // 75th anniversary of VE Day: early May holiday moved from Monday 4 May to Friday 8 May.
    Moved {
        scope: AllRegions,
        from: (2020, 5, 4),
        to: (2020, 5, 8),
        name: "Early May bank holiday (VE day)",
    },
    // Platinum Jubilee: spring holiday moved from 30 May to 2 June, 3 June added.
    Moved {
        scope: AllRegions,
        from: (2022, 5, 30),
        to: (2022, 6, 2),
        name: "Spring bank holiday",
    },
    Added {
        scope: AllRegions,
        on: (2022, 6, 3),
        name: "Platinum Jubilee bank holiday",
    },
    Added {
        scope: AllRegions,
        on: (2022, 9, 19),
        name: "Bank Holiday for the State Funeral of Queen Elizabeth II",
    },
    Added {
        scope: AllRegions,
        on: (2023, 5, 8),
        name: "Bank holiday for the coronation of King Charles III",
    },
    Added {
        scope: Only(Region::Scotland),
        on: (2026, 6, 15),
        name: "Extra bank holiday (FIFA World Cup)",
    },
];

pub(crate) fn ymd((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

impl OneOff {
    pub(crate) fn year(&self) -> i32 {
        match self {
            Moved { to, .. } => to.0,
            Added { on, .. } => on.0,
        }
    }
}
