//! Who acts (SPEC 1). Every command names its actor; every event records it, so the
//! event history answers "who did what, when, on which case".

use serde::{Deserialize, Serialize};

/// The roles of SPEC section 1. Serialised in snake_case because these strings appear
/// in tokens, events and the gRPC contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Complaint Resolution Manager: tier-1 complaints of their own team.
    Crm,
    /// CRT manager: a crm's powers on their own team, plus reassignment and the Systemic Log.
    CrtManager,
    /// CCRT reviewer: tier-2 reviews and official correspondence.
    CcrtReviewer,
    /// Special Payment Team: decides special payments above delegated authority.
    SpecialPaymentTeam,
    /// Reporting jobs: read projections only.
    Reporting,
    /// Operators: calendars, policy, rebuilds; no case work.
    Admin,
}

impl Role {
    /// The stable snake_case name (as serialised).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Crm => "crm",
            Role::CrtManager => "crt_manager",
            Role::CcrtReviewer => "ccrt_reviewer",
            Role::SpecialPaymentTeam => "special_payment_team",
            Role::Reporting => "reporting",
            Role::Admin => "admin",
        }
    }

    /// Roles that work tier-1 complaints (on their own team).
    pub fn is_tier1_case_worker(self) -> bool {
        matches!(self, Role::Crm | Role::CrtManager)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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
