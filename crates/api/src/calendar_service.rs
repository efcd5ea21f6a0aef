//! `CalendarService`: the working-day calendar over gRPC, with the operator adjustments in
//! force.

use std::sync::{Arc, RwLock};

use redress_calendar::{Calendars, FIRST_YEAR, LAST_YEAR};
use tonic::{Request, Response, Status};

use crate::convert::{date, date_to_pb, region};
use crate::pb::calendar_service_server::CalendarService;
use crate::pb::{
    AddWorkingDaysRequest, AddWorkingDaysResponse, CountWorkingDaysRequest,
    CountWorkingDaysResponse, Holiday, ListHolidaysRequest, ListHolidaysResponse,
};
use crate::status::invalid_argument;

/// The calendars currently in force, swapped whole when an operator adjusts one (SPEC D7),
/// so a request always sees one consistent version.
#[derive(Debug, Clone)]
pub struct CalendarsInForce(Arc<RwLock<Arc<Calendars>>>);

impl CalendarsInForce {
    pub fn new(calendars: Calendars) -> Self {
        CalendarsInForce(Arc::new(RwLock::new(Arc::new(calendars))))
    }

    pub fn current(&self) -> Arc<Calendars> {
        match self.0.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn replace(&self, calendars: Calendars) {
        match self.0.write() {
            Ok(mut guard) => *guard = Arc::new(calendars),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(calendars),
        }
    }
}

#[derive(Debug, Clone)]
pub struct CalendarApi {
    calendars: CalendarsInForce,
}

impl CalendarApi {
    pub fn new(calendars: CalendarsInForce) -> Self {
        CalendarApi { calendars }
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
            .calendars
            .current()
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
            .calendars
            .current()
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
            .calendars
            .current()
            .get(region)
            .working_days_between(start, end);
        Ok(Response::new(CountWorkingDaysResponse { working_days }))
    }
}
