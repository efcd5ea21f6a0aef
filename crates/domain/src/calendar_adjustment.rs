//! The `CalendarAdjustment` aggregate (SPEC D7): an operator's additions and removals of bank
//! holidays and closure days for one bank-holiday region, recorded durably as events so the
//! working-day calendar can be rebuilt from the history (not only from a file). The aggregate
//! id is the region name (`england-and-wales`, `scotland`, `northern-ireland`). Only the
//! `admin` role may change a calendar. Recomputing the open deadlines of the region is not
//! done here: a reactor in `redress-projections` reads the events and issues the complaints'
//! `RecalculateDeadlines` commands.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use redress_calendar::Region;
use serde::{Deserialize, Serialize};

use crate::actor::Role;
use crate::check;
use crate::error::DomainError;
use crate::meta::{CommandMeta, EventMeta};
use crate::services::DomainServices;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarAdjustmentCommand {
    pub meta: CommandMeta,
    pub action: CalendarAdjustmentAction,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum CalendarAdjustmentAction {
    /// The date becomes a non-working day (a new bank holiday or a closure day).
    AddHoliday {
        region: Region,
        date: NaiveDate,
        name: String,
        reason: String,
    },
    /// The date becomes a working day again (a holiday withdrawn or moved).
    RemoveHoliday {
        region: Region,
        date: NaiveDate,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum CalendarAdjustmentEvent {
    #[serde(rename = "HolidayAdded")]
    HolidayAdded {
        #[serde(flatten)]
        meta: EventMeta,
        region: Region,
        date: NaiveDate,
        name: String,
        reason: String,
    },
    #[serde(rename = "HolidayRemoved")]
    HolidayRemoved {
        #[serde(flatten)]
        meta: EventMeta,
        region: Region,
        date: NaiveDate,
        reason: String,
    },
}

impl CalendarAdjustmentEvent {
    /// The stable name, equal to the serde tag.
    pub fn name(&self) -> &'static str {
        match self {
            Self::HolidayAdded { .. } => "HolidayAdded",
            Self::HolidayRemoved { .. } => "HolidayRemoved",
        }
    }

    pub const TYPES: [&'static str; 2] = ["HolidayAdded", "HolidayRemoved"];

    /// The region and the calendar change this event records.
    pub fn adjustment(&self) -> redress_calendar::Adjustment {
        use redress_calendar::{Adjustment, Change};
        match self {
            Self::HolidayAdded {
                region, date, name, ..
            } => Adjustment {
                region: *region,
                date: *date,
                change: Change::Add { name: name.clone() },
            },
            Self::HolidayRemoved { region, date, .. } => Adjustment {
                region: *region,
                date: *date,
                change: Change::Remove,
            },
        }
    }
}

/// The operator's changes to one region's calendar: the latest change per date.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CalendarAdjustment {
    pub region: Option<Region>,
    /// Date → `Some(name)` when added as a holiday, `None` when removed (a working day).
    pub changes: BTreeMap<NaiveDate, Option<String>>,
}

impl CalendarAdjustment {
    /// Pure decision: events or a refusal; never mutates.
    pub fn decide(
        &self,
        command: CalendarAdjustmentCommand,
        services: &DomainServices,
    ) -> Result<Vec<CalendarAdjustmentEvent>, DomainError> {
        let CalendarAdjustmentCommand { meta, action } = command;
        meta.check_not_future()?;
        // SPEC 1: calendars are the operators' business.
        if meta.actor.role != Role::Admin {
            return Err(DomainError::RoleNotPermitted {
                role: meta.actor.role,
                action: "change calendars",
            });
        }
        let lim = &services.policies.current().limits;
        let (region, date) = match &action {
            CalendarAdjustmentAction::AddHoliday { region, date, .. }
            | CalendarAdjustmentAction::RemoveHoliday { region, date, .. } => (*region, *date),
        };
        if let Some(own) = self.region {
            if own != region {
                return Err(DomainError::UnknownId {
                    field: "region",
                    id: region.as_str().to_string(),
                });
            }
        }
        let ev = meta.event();
        match action {
            CalendarAdjustmentAction::AddHoliday { name, reason, .. } => {
                check::required("name", &name, lim.short_text)?;
                check::required("reason", &reason, lim.long_text)?;
                if matches!(self.changes.get(&date), Some(Some(_))) {
                    return Err(DomainError::DuplicateId {
                        field: "date",
                        id: date.to_string(),
                    });
                }
                Ok(vec![CalendarAdjustmentEvent::HolidayAdded {
                    meta: ev,
                    region,
                    date,
                    name,
                    reason,
                }])
            }
            CalendarAdjustmentAction::RemoveHoliday { reason, .. } => {
                check::required("reason", &reason, lim.long_text)?;
                if matches!(self.changes.get(&date), Some(None)) {
                    return Err(DomainError::DuplicateId {
                        field: "date",
                        id: date.to_string(),
                    });
                }
                Ok(vec![CalendarAdjustmentEvent::HolidayRemoved {
                    meta: ev,
                    region,
                    date,
                    reason,
                }])
            }
        }
    }
}

impl CalendarAdjustment {
    /// The fold: the latest change per date.
    pub(crate) fn apply_event(&mut self, event: CalendarAdjustmentEvent) {
        match event {
            CalendarAdjustmentEvent::HolidayAdded {
                region, date, name, ..
            } => {
                self.region = Some(region);
                self.changes.insert(date, Some(name));
            }
            CalendarAdjustmentEvent::HolidayRemoved { region, date, .. } => {
                self.region = Some(region);
                self.changes.insert(date, None);
            }
        }
    }
}

crate::aggregate::impl_aggregate! {
    aggregate: CalendarAdjustment = "calendar_adjustment",
    command: CalendarAdjustmentCommand,
    event: CalendarAdjustmentEvent,
}
