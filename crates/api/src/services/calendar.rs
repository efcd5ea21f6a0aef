//! `CalendarService`: the working-day calendar over gRPC, with the operator adjustments in
//! force (SPEC D7). An adjustment is a command on the region's calendar-adjustment
//! aggregate, run through the one command path.

use chrono::Utc;
use redress_calendar::{Change, FIRST_YEAR, LAST_YEAR};
use redress_domain::{
    CalendarAdjustment, CalendarAdjustmentAction, CalendarAdjustmentCommand, CommandMeta,
};
use redress_projections::calendar::{adjustments, StoredAdjustment};
use redress_projections::Reader;
use redress_store::Store;
use tonic::{Request, Response, Status};

use crate::auth::{caller, principal};
use crate::command::{Commands, Invocation};
use crate::convert::{date, date_to_pb, region, region_to_pb, text};
use crate::pb;
use crate::pb::calendar_service_server::CalendarService;
use crate::pb::{
    AddWorkingDaysRequest, AddWorkingDaysResponse, CountWorkingDaysRequest,
    CountWorkingDaysResponse, Holiday, ListHolidaysRequest, ListHolidaysResponse,
};
use crate::services_in_force::ServicesInForce;
use crate::status::{self, invalid_argument};

/// The collection in the idempotency keys of calendar adjustments (one case per region).
const COLLECTION: &str = "calendars";

#[derive(Debug, Clone)]
pub struct CalendarApi {
    commands: Commands,
    /// Where the adjustments read model is queried.
    store: Store,
    services: ServicesInForce,
}

impl CalendarApi {
    pub fn new(store: Store, services: ServicesInForce) -> Self {
        CalendarApi {
            commands: Commands::new(store.clone(), services.clone()),
            store,
            services,
        }
    }
}

fn adjustment_to_pb(a: &StoredAdjustment) -> pb::CalendarAdjustment {
    let (holiday_name, removed) = match &a.adjustment.change {
        Change::Add { name } => (name.clone(), false),
        Change::Remove => (String::new(), true),
    };
    pb::CalendarAdjustment {
        region: region_to_pb(a.adjustment.region) as i32,
        date: Some(date_to_pb(a.adjustment.date)),
        holiday_name,
        removed,
        deadlines_recalculated: a.recalculated,
        reason: a.reason.clone(),
    }
}

fn year(value: i32, field: &str) -> Result<i32, Status> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&value) {
        Ok(value)
    } else {
        Err(invalid_argument(
            field,
            format!("{field} {value} is outside {FIRST_YEAR}-{LAST_YEAR}"),
        ))
    }
}

#[tonic::async_trait]
impl CalendarService for CalendarApi {
    #[tracing::instrument(skip_all, fields(rpc = "ListHolidays"))]
    async fn list_holidays(
        &self,
        request: Request<ListHolidaysRequest>,
    ) -> Result<Response<ListHolidaysResponse>, Status> {
        let req = request.into_inner();
        let region = region(req.region, "region")?;
        let (start, end) = (
            year(req.start_year, "start_year")?,
            year(req.end_year, "end_year")?,
        );
        if end < start {
            return Err(invalid_argument(
                "end_year",
                "end_year is before start_year",
            ));
        }
        let holidays = self
            .services
            .calendars()
            .get(region)
            .holidays(start, end)
            .into_iter()
            .map(|h| Holiday {
                date: Some(date_to_pb(h.date)),
                display_name: h.name,
            })
            .collect();
        Ok(Response::new(ListHolidaysResponse { holidays }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "AddWorkingDays"))]
    async fn add_working_days(
        &self,
        request: Request<AddWorkingDaysRequest>,
    ) -> Result<Response<AddWorkingDaysResponse>, Status> {
        let req = request.into_inner();
        let region = region(req.region, "region")?;
        let start = date(req.date, "date")?;
        let days = u32::try_from(req.days)
            .map_err(|_| invalid_argument("days", "days must not be negative"))?;
        let result = self
            .services
            .calendars()
            .get(region)
            .add_working_days(start, days);
        Ok(Response::new(AddWorkingDaysResponse {
            date: Some(date_to_pb(result)),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "CountWorkingDays"))]
    async fn count_working_days(
        &self,
        request: Request<CountWorkingDaysRequest>,
    ) -> Result<Response<CountWorkingDaysResponse>, Status> {
        let req = request.into_inner();
        let region = region(req.region, "region")?;
        let start = date(req.start_date, "start_date")?;
        let end = date(req.end_date, "end_date")?;
        let working_days = self
            .services
            .calendars()
            .get(region)
            .working_days_between(start, end);
        Ok(Response::new(CountWorkingDaysResponse { working_days }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "AdjustCalendar"))]
    async fn adjust_calendar(
        &self,
        request: Request<pb::AdjustCalendarRequest>,
    ) -> Result<Response<pb::AdjustCalendarResponse>, Status> {
        use pb::adjust_calendar_request::Change as Wire;
        let (actor, r) = caller(request)?;
        let region = region(r.region, "region")?;
        let day = date(r.date, "date")?;
        let reason = text(r.reason, "reason")?;
        let (action, change) = match r.change {
            Some(Wire::AddHolidayName(name)) => {
                let name = text(name, "add_holiday_name")?;
                (
                    CalendarAdjustmentAction::AddHoliday {
                        region,
                        date: day,
                        name: name.clone(),
                        reason: reason.clone(),
                    },
                    Change::Add { name },
                )
            }
            Some(Wire::RemoveHoliday(true)) => (
                CalendarAdjustmentAction::RemoveHoliday {
                    region,
                    date: day,
                    reason: reason.clone(),
                },
                Change::Remove,
            ),
            _ => {
                return Err(invalid_argument(
                    "change",
                    "give add_holiday_name or remove_holiday",
                ))
            }
        };
        let now = Utc::now();
        let command = CalendarAdjustmentCommand {
            meta: CommandMeta::new(actor.clone(), now, now),
            action,
        };
        let call = Invocation::new(actor, region.as_str().to_owned(), r.request_id, now, now);
        self.commands
            .execute::<CalendarAdjustment>(COLLECTION, &call, command)
            .await?;
        let recorded = StoredAdjustment {
            adjustment: redress_calendar::Adjustment {
                region,
                date: day,
                change,
            },
            reason,
            actor_user_id: call.actor.user_id,
            event_sequence: 0,
            recalculated: false,
        };
        Ok(Response::new(pb::AdjustCalendarResponse {
            adjustment: Some(adjustment_to_pb(&recorded)),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "ListCalendarAdjustments"))]
    async fn list_calendar_adjustments(
        &self,
        request: Request<pb::ListCalendarAdjustmentsRequest>,
    ) -> Result<Response<pb::ListCalendarAdjustmentsResponse>, Status> {
        principal(&request)?;
        let all = adjustments(&Reader::new(self.store.clone()))
            .await
            .map_err(status::from_read)?;
        Ok(Response::new(pb::ListCalendarAdjustmentsResponse {
            adjustments: all.iter().map(adjustment_to_pb).collect(),
        }))
    }
}
