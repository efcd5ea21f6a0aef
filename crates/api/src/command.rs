//! The one command path: every RPC that changes a case comes through here. A request is
//! validated into an [`Invocation`] (who asks, for which case, under which request id and
//! etag, and when) and a domain action; the action runs through the store, with the request
//! id as idempotency key (scoped to the case, so two cases never collide), the etag as
//! expected version and the caller as the actor recorded on every event; the answer is the
//! case as the command left it, rendered as the caller may see it.
//!
//! A case the API exposes is a [`Resource`]: an aggregate, its protobuf resource, its
//! collection name and how to render it. [`Commands::create`] and [`Commands::mutate`]
//! work for every resource; a mutation request declares its resource and action once with
//! `mutation!`.

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use redress_domain::{Actor, CommandMeta, DomainError, DomainServices};
use redress_store::{CommandContext, CommandError, Store};
use tonic::{Request, Response, Status};
use tracing::Instrument;

use crate::auth::{caller, Visibility};
use crate::convert::{resource_id, timestamp_or, valid_id};
use crate::services_in_force::ServicesInForce;
use crate::status::{self, invalid_argument};

/// A case the API exposes: an aggregate with its protobuf resource. Who may read it and see
/// its personal data is the access policy's ([`Visibility`]).
pub trait Resource:
    Aggregate<Services = DomainServices, Error = DomainError, Command: Clone> + Visibility
{
    /// The collection in resource names: `complaints` in `complaints/{id}`.
    const COLLECTION: &'static str;
    /// What a missing one is called in the NOT_FOUND message ("complaint").
    const WHAT: &'static str;
    /// The NOT_FOUND reason.
    const NOT_FOUND: &'static str;
    /// The domain action one request becomes.
    type Action: Send;
    /// The protobuf resource.
    type Pb;

    /// The command that performs `action`.
    fn command(meta: CommandMeta, action: Self::Action) -> Self::Command;

    /// The resource at `version`; `with_personal` adds the personal data it holds.
    fn to_pb(&self, version: usize, with_personal: bool) -> Self::Pb;
}

/// Who asks, for which case, under which request id and version, and when.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub actor: Actor,
    pub id: String,
    pub request_id: String,
    /// The etag's version; `None` for "latest".
    pub expected: Option<usize>,
    /// When it happened in the world (`occur_time`, or now).
    pub occurred_at: DateTime<Utc>,
    /// When it is recorded.
    pub now: DateTime<Utc>,
}

impl Invocation {
    /// A command on case `id` without an etag: a new case (named by the request body, not
    /// a resource name), or one that takes no expected version.
    pub fn new(
        actor: Actor,
        id: String,
        request_id: String,
        occurred_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Self {
        Invocation {
            actor,
            id,
            request_id,
            expected: None,
            occurred_at,
            now,
        }
    }
}

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

/// The fields every mutation request carries.
#[derive(Debug)]
pub struct Common<'a> {
    pub name: &'a str,
    pub request_id: &'a str,
    pub etag: &'a str,
    pub occur_time: Option<prost_types::Timestamp>,
}

/// A request that becomes one action on one kind of resource.
pub trait Mutation: Send + 'static {
    type Target: Resource;
    fn common(&self) -> Common<'_>;
    fn into_action(self) -> Result<<Self::Target as Resource>::Action, Status>;
}

/// Implements [`Mutation`] for a request type whose common fields have the standard names:
/// `mutation!(pb::CloseComplaintRequest => Complaint, |_r| Ok(ComplaintAction::Close));`
macro_rules! mutation {
    ($req:ty => $target:ty, |$r:ident| $body:expr) => {
        impl $crate::command::Mutation for $req {
            type Target = $target;
            fn common(&self) -> $crate::command::Common<'_> {
                $crate::command::Common {
                    name: &self.name,
                    request_id: &self.request_id,
                    etag: &self.etag,
                    occur_time: self.occur_time,
                }
            }
            fn into_action(
                self,
            ) -> Result<<$target as $crate::command::Resource>::Action, tonic::Status> {
                let $r = self;
                $body
            }
        }
    };
}
pub(crate) use mutation;

/// Validates the common fields of a mutation and converts its action.
fn prepare<M: Mutation>(
    request: Request<M>,
) -> Result<(Invocation, <M::Target as Resource>::Action), Status> {
    let (actor, req) = caller(request)?;
    let now = Utc::now();
    let c = req.common();
    let call = Invocation {
        actor,
        id: resource_id(c.name, M::Target::COLLECTION, "name")?.to_owned(),
        request_id: c.request_id.to_owned(),
        expected: etag(c.etag)?,
        occurred_at: timestamp_or(c.occur_time, now, "occur_time")?,
        now,
    };
    let action = req.into_action()?;
    Ok((call, action))
}

/// Runs commands through the store: what every service that changes cases holds.
#[derive(Debug, Clone)]
pub struct Commands {
    store: Store,
    services: ServicesInForce,
}

impl Commands {
    pub fn new(store: Store, services: ServicesInForce) -> Self {
        Commands { store, services }
    }

    /// Creates case `call.id` (a receive or raise request, whose id is in its body) with
    /// `action`, answering with it as the caller may see it.
    pub async fn create<R: Resource>(
        &self,
        call: Invocation,
        action: R::Action,
    ) -> Result<Response<R::Pb>, Status> {
        self.run::<R>(call, action).await
    }

    /// Any mutation request on an existing case: its common fields, then its action,
    /// answering with the case as the caller may see it.
    pub async fn mutate<M: Mutation>(
        &self,
        request: Request<M>,
    ) -> Result<Response<<M::Target as Resource>::Pb>, Status> {
        let (call, action) = prepare(request)?;
        self.run::<M::Target>(call, action).await
    }

    /// Runs `action` on case `call.id` and renders the case as the command left it.
    async fn run<R: Resource>(
        &self,
        call: Invocation,
        action: R::Action,
    ) -> Result<Response<R::Pb>, Status> {
        let command = R::command(
            CommandMeta::new(call.actor.clone(), call.occurred_at, call.now),
            action,
        );
        let (resource, version) = self.execute::<R>(R::COLLECTION, &call, command).await?;
        Ok(Response::new(
            resource.to_pb(version, R::shows_personal_to(&call.actor)),
        ))
    }

    /// The case named `name` as `actor` may see it.
    pub async fn get<R: Resource>(
        &self,
        actor: &Actor,
        name: &str,
    ) -> Result<Response<R::Pb>, Status> {
        let id = resource_id(name, R::COLLECTION, "name")?;
        let (resource, version) = self.load_visible::<R>(actor, id).await?;
        Ok(Response::new(
            resource.to_pb(version, R::shows_personal_to(actor)),
        ))
    }

    /// Loads a case `actor` may read, with its version; NOT_FOUND when there is none.
    pub async fn load_visible<R: Resource>(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<(R, usize), Status> {
        let (resource, version) = self
            .store
            .load::<R>(id)
            .await
            .map_err(|e| status::from_store(&e))?;
        if version == 0 {
            return Err(status::not_found(
                R::NOT_FOUND,
                format!("there is no {} {}/{id}", R::WHAT, R::COLLECTION),
            ));
        }
        resource.check_read(actor)?;
        Ok((resource, version))
    }

    /// Executes `command` on `collection/{call.id}` and returns the aggregate as the command
    /// left it, with its version (for a retried request id, as the first execution left it),
    /// without reading it again. Runs in a `command` span (exported as a trace span when
    /// OTLP is on) that names the aggregate, the case and the client's request id, which are
    /// opaque identifiers, never personal data, so a trace can be found from the request id
    /// a client logged.
    pub async fn execute<A>(
        &self,
        collection: &str,
        call: &Invocation,
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
        async {
            valid_id(&call.request_id, "request_id")?;
            let mut ctx = CommandContext::new(
                format!("{collection}/{}/{}", call.id, call.request_id),
                call.actor.clone(),
            );
            ctx.recorded_at = call.now;
            ctx.expected_version = call.expected;
            let services = self.services.current();
            let result = self
                .store
                .execute::<A>(&call.id, command, &ctx, &services)
                .await;
            let outcome = match &result {
                Ok(o) if o.replayed => "replayed",
                Ok(_) => "applied",
                Err(CommandError::Domain(_)) => "refused",
                Err(CommandError::VersionMismatch { .. } | CommandError::Conflict { .. }) => {
                    "conflict"
                }
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
        .instrument(span)
        .await
    }
}
