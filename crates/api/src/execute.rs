//! Running one domain command through the store on behalf of an authenticated caller: the
//! request id becomes the idempotency key (scoped to the case, so two cases never collide),
//! the etag the expected version, and the caller the actor recorded on every event.

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use redress_domain::{Actor, DomainError, DomainServices};
use redress_store::{CommandContext, Store};
use tonic::Status;
use tracing::Instrument;

use crate::convert::valid_id;
use crate::services_in_force::ServicesInForce;
use crate::status::{self, invalid_argument};

/// An etag from the wire: empty for "latest", else the version it was read at.
pub fn etag(value: &str) -> Result<Option<usize>, Status> {
    if value.is_empty() {
        return Ok(None);
    }
    value.trim_matches('"').parse().map(Some).map_err(|_| {
        invalid_argument(
            "etag",
            "etag must be the value from the last read of the case",
        )
    })
}

/// Who asks, for which case, under which request id and version.
#[derive(Debug, Clone)]
pub struct Invocation<'a> {
    pub actor: &'a Actor,
    pub collection: &'a str,
    pub id: &'a str,
    pub request_id: &'a str,
    pub expected: Option<usize>,
    pub now: DateTime<Utc>,
}

/// Executes `command` and returns the aggregate as the command left it, with its version (for
/// a retried request id, as the first execution left it), without reading it again.
/// Runs in a `command` span (exported as a trace span when OTLP is on) that names the
/// aggregate, the case and the client's request id, which are opaque identifiers, never
/// personal data, so a trace can be found from the request id a client logged.
pub async fn execute<A>(
    store: &Store,
    services: &ServicesInForce,
    call: Invocation<'_>,
    command: A::Command,
) -> Result<(A, usize), Status>
where
    A: Aggregate<Services = DomainServices, Error = DomainError>,
    A::Command: Clone,
{
    let span = tracing::info_span!(
        "command",
        aggregate = A::TYPE,
        id = %call.id,
        request_id = %call.request_id,
        outcome = tracing::field::Empty,
    );
    run::<A>(store, services, call, command)
        .instrument(span)
        .await
}

async fn run<A>(
    store: &Store,
    services: &ServicesInForce,
    call: Invocation<'_>,
    command: A::Command,
) -> Result<(A, usize), Status>
where
    A: Aggregate<Services = DomainServices, Error = DomainError>,
    A::Command: Clone,
{
    valid_id(call.request_id, "request_id")?;
    let mut ctx = CommandContext::new(
        format!("{}/{}/{}", call.collection, call.id, call.request_id),
        call.actor.clone(),
    );
    ctx.recorded_at = call.now;
    ctx.expected_version = call.expected;
    let services = services.current();
    let result = store.execute::<A>(call.id, command, &ctx, &services).await;
    let outcome = match &result {
        Ok(o) if o.replayed => "replayed",
        Ok(_) => "applied",
        Err(redress_store::CommandError::Domain(_)) => "refused",
        Err(redress_store::CommandError::VersionMismatch { .. })
        | Err(redress_store::CommandError::Conflict { .. }) => "conflict",
        Err(_) => "error",
    };
    tracing::Span::current().record("outcome", outcome);
    metrics::counter!("redress_commands_total", "aggregate" => A::TYPE, "outcome" => outcome)
        .increment(1);
    let outcome = result.map_err(status::from_command)?;
    tracing::info!(
        aggregate = A::TYPE,
        id = %call.id,
        version = outcome.version,
        replayed = outcome.replayed,
        "command applied"
    );
    Ok((outcome.aggregate, outcome.version))
}

/// Loads an aggregate with its version (0: it does not exist).
pub async fn load<A: Aggregate>(store: &Store, id: &str) -> Result<(A, usize), Status> {
    store
        .load::<A>(id)
        .await
        .map_err(|e| status::from_store(&e))
}
