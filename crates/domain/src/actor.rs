//! Who acts (SPEC 1). Every command names its actor; every event records it, so the
//! event history answers "who did what, when, on which case".

use serde::{Deserialize, Serialize};

crate::named_enum! {
    /// The roles of SPEC section 1. Named in snake_case because these strings appear in
    /// tokens, events and the gRPC contract.
    #[derive(Hash)]
    pub enum Role as "role" {
        /// Complaint Resolution Manager: tier-1 complaints of their own team.
        Crm = "crm",
        /// CRT manager: a crm's powers on their own team, plus reassignment and the Systemic Log.
        CrtManager = "crt_manager",
        /// CCRT reviewer: tier-2 reviews and official correspondence.
        CcrtReviewer = "ccrt_reviewer",
        /// Special Payment Team: decides special payments above delegated authority.
        SpecialPaymentTeam = "special_payment_team",
        /// Reporting jobs: read projections only.
        Reporting = "reporting",
        /// Operators: calendars, policy, rebuilds; no case work.
        Admin = "admin",
    }
}

impl Role {
    /// Roles that work tier-1 complaints (on their own team).
    pub fn is_tier1_case_worker(self) -> bool {
        matches!(self, Role::Crm | Role::CrtManager)
    }
}

/// The person (or job) issuing a command, as authenticated by the API layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// Staff user id (never a complainant's personal data).
    pub user_id: String,
    pub role: Role,
    /// The team/site the actor belongs to; a crm may only work their own team's cases.
    pub team: String,
}

impl Actor {
    pub fn new(user_id: impl Into<String>, role: Role, team: impl Into<String>) -> Self {
        Actor {
            user_id: user_id.into(),
            role,
            team: team.into(),
        }
    }
}
