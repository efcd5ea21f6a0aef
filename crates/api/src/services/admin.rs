//! `AdminService`: projection status and rebuilds for operators.

use redress_projections::PROJECTION_NAMES;
use redress_store::{ProjectionStatus, Store};
use tonic::{Request, Response, Status};

use crate::auth::principal;
use crate::pb::admin_service_server::AdminService;
use crate::pb::{self};
use crate::status::{self, invalid_argument};

#[derive(Debug, Clone)]
pub struct AdminApi {
    store: Store,
    /// The read replica reports are served from, when it is not the primary.
    read_replica: Option<Store>,
}

impl AdminApi {
    pub fn new(store: Store, read_replica: Option<Store>) -> Self {
        AdminApi {
            store,
            read_replica,
        }
    }

    /// Every projection's status, with its read-replica lag when reports come from one.
    async fn statuses(&self) -> Result<Vec<pb::Projection>, Status> {
        let all = self
            .store
            .projection_status()
            .await
            .map_err(|e| status::from_store(&e))?;
        let replica = match &self.read_replica {
            Some(replica) => self
                .store
                .replica_lag(replica)
                .await
                .map_err(|e| status::from_store(&e))?,
            None => Vec::new(),
        };
        Ok(all
            .iter()
            .map(|s| {
                let mut p = projection_to_pb(s);
                p.read_replica = replica.iter().find(|(name, _)| *name == s.name).map(
                    |(_, (events, seconds))| pb::ReadReplicaLag {
                        lag_events: count(*events),
                        lag: Some(duration(*seconds)),
                    },
                );
                p
            })
            .collect())
    }
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn duration(seconds: f64) -> prost_types::Duration {
    let millis = (seconds * 1000.0).round() as i64;
    prost_types::Duration {
        seconds: millis / 1000,
        nanos: ((millis % 1000) * 1_000_000) as i32,
    }
}

fn projection_to_pb(s: &ProjectionStatus) -> pb::Projection {
    pb::Projection {
        name: s.name.clone(),
        events_applied: count(s.events_applied),
        lag_events: count(s.lag),
        rebuild_requested: s.rebuild_requested,
        lag: Some(duration(s.lag_seconds)),
        read_replica: None,
    }
}

#[tonic::async_trait]
impl AdminService for AdminApi {
    #[tracing::instrument(skip_all, fields(rpc = "ListProjections"))]
    async fn list_projections(
        &self,
        request: Request<pb::ListProjectionsRequest>,
    ) -> Result<Response<pb::ListProjectionsResponse>, Status> {
        principal(&request)?;
        Ok(Response::new(pb::ListProjectionsResponse {
            projections: self.statuses().await?,
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "RebuildProjection"))]
    async fn rebuild_projection(
        &self,
        request: Request<pb::RebuildProjectionRequest>,
    ) -> Result<Response<pb::RebuildProjectionResponse>, Status> {
        principal(&request)?;
        let name = request.into_inner().name;
        if !PROJECTION_NAMES.contains(&name.as_str()) {
            return Err(invalid_argument(
                "name",
                format!(
                    "unknown projection {name:?}; known: {}",
                    PROJECTION_NAMES.join(", ")
                ),
            ));
        }
        self.store
            .request_rebuild(&name)
            .await
            .map_err(|e| status::from_store(&e))?;
        let state = self
            .store
            .projection_status_of(&name)
            .await
            .map_err(|e| status::from_store(&e))?;
        Ok(Response::new(pb::RebuildProjectionResponse {
            projection: state.as_ref().map(projection_to_pb),
        }))
    }
}
