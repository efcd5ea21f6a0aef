//! `CalendarService`: the working-day calendar over gRPC, with the operator adjustments in
//! force.

use redress_calendar::{FIRST_YEAR, LAST_YEAR};
use tonic::{Request, Response, Status};

use crate::convert::{date, date_to_pb, region};
use crate::pb::calendar_service_server::CalendarService;
use crate::pb::{
    AddWorkingDaysRequest, AddWorkingDaysResponse, CountWorkingDaysRequest,
    CountWorkingDaysResponse, Holiday, ListHolidaysRequest, ListHolidaysResponse,
};
use crate::services_in_force::ServicesInForce;
use crate::status::invalid_argument;

#[derive(Debug, Clone)]
pub struct CalendarApi {
    services: ServicesInForce,
}

impl CalendarApi {
    pub fn new(services: ServicesInForce) -> Self {
        CalendarApi { services }
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
}
