//! The `Complaint` aggregate (SPEC sections 3-6 and 9): tier 1 at a CRT, tier 2 at the CCRT.
//!
//! - `commands`: what case workers and the SPT ask for;
//! - `events`: what happened (the long-term record);
//! - `state`: the aggregate and `apply`;
//! - `handle`: the rules (`decide`);
//! - `types`: value types shared by all of them.

pub mod commands;
pub mod events;
mod handle;
pub mod state;
pub mod types;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;

pub use commands::{ComplaintAction, ComplaintCommand};
pub use events::ComplaintEvent;
pub use state::{Complaint, TierState};
pub use types::*;

use crate::error::DomainError;
use crate::services::DomainServices;

impl Aggregate for Complaint {
    const TYPE: &'static str = "complaint";
    type Command = ComplaintCommand;
    type Event = ComplaintEvent;
    type Error = DomainError;
    type Services = DomainServices;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        // Decide first, emit after: a refusal leaves no event and no state change.
        let events = self.decide(command, services)?;
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        self.apply_event(event);
    }
}
