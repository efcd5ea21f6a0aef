//! `AdminService`: projection status and rebuilds for operators.

use redress_projections::PROJECTION_NAMES;
use redress_store::{ProjectionStatus, Store};
use tonic::{Request, Response, Status};

use crate::gate::principal;
use crate::pb::admin_service_server::AdminService;
use crate::pb::{self};
use crate::status::{self, invalid_argument};

#[derive(Debug, Clone)]
pub struct AdminApi {
    store: Store,
}

impl AdminApi {
    pub fn new(store: Store) -> Self {
        AdminApi { store }
    }
}

fn projection_to_pb(s: &ProjectionStatus) -> pb::Projection {
    pb::Projection {
        name: s.name.clone(),
        events_applied: i64::try_from(s.events_applied).unwrap_or(i64::MAX),
        lag_events: i64::try_from(s.lag).unwrap_or(i64::MAX),
        rebuild_requested: s.rebuild_requested,
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
        let all = self
            .store
            .projection_status()
            .await
            .map_err(|e| status::from_store(&e))?;
        Ok(Response::new(pb::ListProjectionsResponse {
            projections: all.iter().map(projection_to_pb).collect(),
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
