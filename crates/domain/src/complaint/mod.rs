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

pub use commands::{ComplaintAction, ComplaintCommand};
pub use events::ComplaintEvent;
pub use state::{Complaint, TierState};
pub use types::*;

crate::aggregate::impl_aggregate! {
    aggregate: Complaint = "complaint",
    command: ComplaintCommand,
    event: ComplaintEvent,
}
