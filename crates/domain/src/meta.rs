//! The envelope every command and event carries: who, when it happened, when recorded.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::error::DomainError;

/// Supplied by the caller with every command. The domain never reads the clock: `now` is
/// the recording instant, used to refuse future `occurred_at` times and stamped on events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandMeta {
    pub actor: Actor,
    /// When it happened in the world (may be earlier than `now`, never later).
    pub occurred_at: DateTime<Utc>,
    /// When it is being recorded.
    pub now: DateTime<Utc>,
}

impl CommandMeta {
    pub fn new(actor: Actor, occurred_at: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        CommandMeta {
            actor,
            occurred_at,
            now,
        }
    }

    /// Refuses a time later than the recording instant (SPEC 1, C1).
    pub(crate) fn check_not_future(&self) -> Result<(), DomainError> {
        self.check_past("occurred_at", self.occurred_at)
    }

    /// Refuses an instant the command gives (a receipt time) that is later than the
    /// recording instant.
    pub(crate) fn check_past(
        &self,
        field: &'static str,
        at: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        if at > self.now {
            return Err(DomainError::OccurredInFuture { field });
        }
        Ok(())
    }

    pub(crate) fn event(&self) -> EventMeta {
        EventMeta {
            actor: self.actor.clone(),
            occurred_at: self.occurred_at,
            recorded_at: self.now,
        }
    }
}

/// The audit part of every event (flattened into the event's JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMeta {
    pub actor: Actor,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
}
