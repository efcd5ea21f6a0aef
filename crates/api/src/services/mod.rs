//! The gRPC services, one module each: `complaint` (every complaint command, get, list and
//! the audit trail), `correspondence` (official correspondence, SPEC 8), `systemic` (the
//! Systemic Log, S2), `reporting` (the read models, by concern), `calendar` (working days
//! and operators' adjustments, D7) and `admin` (projection status and rebuilds). A service
//! validates its requests, runs commands through [`crate::command`], asks
//! [`crate::auth`] what the caller may see, and maps errors through [`crate::status`].

mod admin;
mod calendar;
mod complaint;
mod correspondence;
mod reporting;
mod systemic;

pub use admin::AdminApi;
pub use calendar::CalendarApi;
pub use complaint::ComplaintApi;
pub use correspondence::CorrespondenceApi;
pub use reporting::ReportingApi;
pub use systemic::SystemicLogApi;

/// Writes a tonic service impl for an API that holds `commands`: the hand-written methods
/// first, then one method per mutation RPC, each handing its request to
/// [`crate::command::Commands::mutate`]. Each RPC's span carries its name as `rpc`: the
/// literal given, else the method's name.
macro_rules! case_service {
    (
        impl $service:ident for $api:ty => $resource:ty {
            $($fixed:tt)*
        }
        mutations {
            $($method:ident: $req:ty $(= $rpc:literal)?,)*
        }
    ) => {
        #[tonic::async_trait]
        impl $service for $api {
            $($fixed)*
            $(
                #[tracing::instrument(
                    skip_all,
                    fields(rpc = $crate::services::rpc_name!($method $($rpc)?))
                )]
                async fn $method(
                    &self,
                    request: tonic::Request<$req>,
                ) -> Result<tonic::Response<$resource>, tonic::Status> {
                    self.commands.mutate(request).await
                }
            )*
        }
    };
}
pub(crate) use case_service;

/// The `rpc` span field of a mutation: the literal given, else the method's name.
macro_rules! rpc_name {
    ($method:ident) => {
        stringify!($method)
    };
    ($method:ident $rpc:literal) => {
        $rpc
    };
}
pub(crate) use rpc_name;
