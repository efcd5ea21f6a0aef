//! Command execution: optimistic concurrency, idempotency by command id, event metadata.
//!
//! ## Idempotency is atomic with the events
//! The command id travels in every event's metadata. The repository (`repo.rs`)
//! inserts a `commands` row (command id → aggregate and sequence range) **in the same
//! transaction** as the events, and `commands.command_id` is the primary key. So there is
//! no window in which events exist without their idempotency record, or the reverse: a
//! crash before commit leaves neither, and the retry runs the command afresh; a crash after
//! commit leaves both, and the retry replays the stored events. Two concurrent requests
//! with the same id cannot both commit: the second hits the unique key (or the aggregate's
//! sequence key), rolls back, finds the first one's record and returns its result.
//!
//! A command that produces no events writes nothing, so a retry re-runs it; that is
//! harmless because it changed nothing.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, AggregateError, EventEnvelope, EventStore};
use redress_domain::Actor;
use serde::{Deserialize, Serialize};

use crate::error::{aggregate_error_to_store, CommandError, StoreError};
use crate::repo::COMMAND_ID_KEY;
use crate::store::Store;

/// Everything about a command except the command itself.
#[derive(Debug, Clone)]
pub struct CommandContext {
    /// Client-supplied id (AIP-155 `request_id`); a retry with the same id returns the
    /// first result and writes nothing.
    pub command_id: String,
    /// If set, the command fails with [`CommandError::VersionMismatch`] unless the aggregate
    /// is at exactly this version (its number of events), and is never retried on conflict.
    pub expected_version: Option<usize>,
    /// Who issued the command (SPEC section 1), recorded on every event it produces.
    pub actor: Actor,
    /// Correlates the events with a request or a process spanning several commands.
    pub correlation_id: Option<String>,
    /// When the change was recorded.
    pub recorded_at: DateTime<Utc>,
}

impl CommandContext {
    /// A context recorded now, without an expected version or correlation id.
    pub fn new(command_id: impl Into<String>, actor: Actor) -> Self {
        Self {
            command_id: command_id.into(),
            expected_version: None,
            actor,
            correlation_id: None,
            recorded_at: Utc::now(),
        }
    }

    /// Sets the expected version.
    pub fn expecting(mut self, version: usize) -> Self {
        self.expected_version = Some(version);
        self
    }

    /// Sets the correlation id.
    pub fn correlated(mut self, correlation_id: impl Into<String>) -> Self {
        self.correlation_id = Some(correlation_id.into());
        self
    }

    /// The metadata map stored on every event.
    pub fn metadata(&self) -> HashMap<String, String> {
        let mut m = HashMap::new();
        m.insert(COMMAND_ID_KEY.to_string(), self.command_id.clone());
        m.insert("actor_user_id".into(), self.actor.user_id.clone());
        m.insert("actor_role".into(), self.actor.role.as_str().into());
        m.insert("actor_team".into(), self.actor.team.clone());
        if let Some(c) = &self.correlation_id {
            m.insert("correlation_id".into(), c.clone());
        }
        m.insert(
            "recorded_at".into(),
            self.recorded_at
                .to_rfc3339_opts(SecondsFormat::Micros, true),
        );
        m
    }
}

/// Typed view of the metadata stored on an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMetadata {
    /// Command that produced the event.
    pub command_id: String,
    /// User id of the actor.
    pub actor_user_id: String,
    /// Role of the actor (its snake_case name, e.g. `crt_manager`).
    pub actor_role: String,
    /// Team of the actor (every command recorded through [`CommandContext`] has one).
    #[serde(default)]
    pub actor_team: Option<String>,
    /// Correlation id.
    #[serde(default)]
    pub correlation_id: Option<String>,
    /// When it was recorded (RFC 3339).
    pub recorded_at: String,
}

/// The result of a command.
#[derive(Debug)]
pub struct CommandOutcome<A: Aggregate> {
    /// The events the command committed (empty if it produced none).
    pub events: Vec<EventEnvelope<A>>,
    /// The aggregate's version after the command (the last event's sequence).
    pub version: usize,
    /// The aggregate right after the command: the state it was loaded in with the committed
    /// events applied (for a replay, its state right after the first execution).
    pub aggregate: A,
    /// True if this command id had already been executed and these are the stored events
    /// of that first execution; nothing was written this time.
    pub replayed: bool,
}

/// Where a command id was first used: the aggregate and the sequences it wrote.
const COMMAND_RECORD: &str = "SELECT aggregate_type, aggregate_id, first_sequence, \
    last_sequence FROM commands WHERE command_id = $1";

impl Store {
    /// Executes `command` on aggregate `aggregate_id`; see [`CommandContext`] for the
    /// concurrency and idempotency rules. The command is cloned for retries.
    pub async fn execute<A>(
        &self,
        aggregate_id: &str,
        command: A::Command,
        ctx: &CommandContext,
        services: &A::Services,
    ) -> Result<CommandOutcome<A>, CommandError<A::Error>>
    where
        A: Aggregate,
        A::Command: Clone,
    {
        let metadata = ctx.metadata();
        let max_attempts = 1 + self.inner.config.max_conflict_retries;
        let mut attempt = 0;
        loop {
            attempt += 1;
            if let Some(outcome) = self.replay::<A>(aggregate_id, &ctx.command_id).await? {
                return Ok(outcome);
            }
            let es = self.event_store::<A>();
            let agg_ctx = es
                .load_aggregate(aggregate_id)
                .await
                .map_err(|e| CommandError::Store(aggregate_error_to_store(e)))?;
            let version = agg_ctx.current_sequence;
            if let Some(expected) = ctx.expected_version {
                if expected != version {
                    return Err(CommandError::VersionMismatch {
                        expected,
                        actual: version,
                    });
                }
            }
            let sink = EventSink::<A>::default();
            let mut scratch = clone_aggregate(&agg_ctx.aggregate)?;
            scratch
                .handle(command.clone(), services, &sink)
                .await
                .map_err(CommandError::Domain)?;
            let events = sink.collect().await;
            if events.is_empty() {
                return Ok(CommandOutcome {
                    events: Vec::new(),
                    version,
                    aggregate: agg_ctx.aggregate,
                    replayed: false,
                });
            }
            // Commit consumes the loaded state (it builds the snapshot from it): the outcome's
            // aggregate is a copy of it with the committed events applied.
            let mut aggregate = clone_aggregate(&agg_ctx.aggregate)?;
            match es.commit(events, agg_ctx, metadata.clone()).await {
                Ok(events) => {
                    for e in &events {
                        aggregate.apply(e.payload.clone());
                    }
                    let version = events.last().map_or(version, |e| e.sequence);
                    return Ok(CommandOutcome {
                        events,
                        version,
                        aggregate,
                        replayed: false,
                    });
                }
                Err(AggregateError::AggregateConflict) => {
                    if let Some(outcome) = self.replay::<A>(aggregate_id, &ctx.command_id).await? {
                        return Ok(outcome);
                    }
                    if ctx.expected_version.is_some() || attempt >= max_attempts {
                        return Err(CommandError::Conflict { attempts: attempt });
                    }
                    tracing::debug!(aggregate_type = A::TYPE, attempt, "conflict, retrying");
                }
                Err(AggregateError::UserError(e)) => return Err(CommandError::Domain(e)),
                Err(e) => return Err(CommandError::Store(aggregate_error_to_store(e))),
            }
        }
    }

    /// If `command_id` was already executed, the stored outcome: its events, and the
    /// aggregate as it stood right after them (not its latest state).
    async fn replay<A: Aggregate>(
        &self,
        aggregate_id: &str,
        command_id: &str,
    ) -> Result<Option<CommandOutcome<A>>, CommandError<A::Error>> {
        let record: Option<(String, String, i64, i64)> = self
            .inner
            .db
            .acquire()
            .await
            .map_err(StoreError::from)?
            .conn()
            .fetch_optional(COMMAND_RECORD, &[command_id.into()])
            .await
            .map_err(StoreError::from)?;
        let Some((aggregate_type, first_aggregate_id, first, last)) = record else {
            return Ok(None);
        };
        if aggregate_type != A::TYPE || first_aggregate_id != aggregate_id {
            return Err(CommandError::CommandIdReused {
                command_id: command_id.to_string(),
                aggregate_type,
                aggregate_id: first_aggregate_id,
            });
        }
        let (first, last) = (first as usize, last as usize);
        let (aggregate, events) = self.state_at::<A>(aggregate_id, last, first).await?;
        Ok(Some(CommandOutcome {
            events,
            version: last,
            aggregate,
            replayed: true,
        }))
    }
}

/// cqrs-es's `handle` mutates the aggregate as it writes events; commit needs the state as
/// loaded (it applies the events itself for the snapshot), so we handle on a copy. Aggregates
/// are `Serialize + DeserializeOwned` but not necessarily `Clone`, hence the JSON round trip.
fn clone_aggregate<A: Aggregate, E: std::error::Error>(a: &A) -> Result<A, CommandError<E>> {
    let v = serde_json::to_value(a).map_err(|e| CommandError::Store(e.into()))?;
    serde_json::from_value(v).map_err(|e| CommandError::Store(e.into()))
}
