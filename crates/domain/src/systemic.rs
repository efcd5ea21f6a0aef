//! The `SystemicIssue` aggregate: one entry on a CRT's Systemic Log (SPEC S2), raised by a
//! CRT manager from a trend alert or by hand, with an action log in the shape of a
//! complex-needs issues log (problem, action, lead, date added, progress, target date),
//! and resolved with a summary. Trend detection itself (S1) counts across complaints and so
//! lives in a projection, which names the alert this aggregate may be raised from.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use redress_calendar::local_date;
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Role};
use crate::check;
use crate::error::DomainError;
use crate::meta::{CommandMeta, EventMeta};
use crate::policy::Policy;
use crate::services::DomainServices;

/// Local to one team/site, or national (SPEC S1/S2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "scope")]
pub enum Scope {
    Local { team: String },
    National,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemicCommand {
    pub meta: CommandMeta,
    pub action: SystemicAction,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum SystemicAction {
    Raise {
        issue_id: String,
        scope: Scope,
        category: String,
        linked_complaints: Vec<String>,
        description: String,
        /// The trend alert this was raised from, if any.
        from_alert: Option<String>,
    },
    LinkComplaint {
        complaint_id: String,
    },
    AddAction {
        action_id: String,
        problem: String,
        action: String,
        lead: String,
        target_date: NaiveDate,
    },
    RecordProgress {
        action_id: String,
        update: String,
    },
    Resolve {
        summary: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum SystemicEvent {
    #[serde(rename = "SystemicIssueRaised")]
    Raised {
        #[serde(flatten)]
        meta: EventMeta,
        issue_id: String,
        /// The CRT whose Systemic Log holds the issue.
        team: String,
        scope: Scope,
        category: String,
        linked_complaints: Vec<String>,
        description: String,
        from_alert: Option<String>,
        policy_version: String,
    },
    #[serde(rename = "SystemicComplaintLinked")]
    ComplaintLinked {
        #[serde(flatten)]
        meta: EventMeta,
        complaint_id: String,
    },
    #[serde(rename = "SystemicActionAdded")]
    ActionAdded {
        #[serde(flatten)]
        meta: EventMeta,
        action_id: String,
        problem: String,
        action: String,
        lead: String,
        date_added: NaiveDate,
        target_date: NaiveDate,
    },
    #[serde(rename = "SystemicActionProgressed")]
    ActionProgressed {
        #[serde(flatten)]
        meta: EventMeta,
        action_id: String,
        update: String,
    },
    #[serde(rename = "SystemicIssueResolved")]
    Resolved {
        #[serde(flatten)]
        meta: EventMeta,
        summary: String,
    },
}

impl SystemicEvent {
    pub const TYPES: [&'static str; 5] = [
        "SystemicIssueRaised",
        "SystemicComplaintLinked",
        "SystemicActionAdded",
        "SystemicActionProgressed",
        "SystemicIssueResolved",
    ];

    /// The stable name, equal to the serde tag.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Raised { .. } => "SystemicIssueRaised",
            Self::ComplaintLinked { .. } => "SystemicComplaintLinked",
            Self::ActionAdded { .. } => "SystemicActionAdded",
            Self::ActionProgressed { .. } => "SystemicActionProgressed",
            Self::Resolved { .. } => "SystemicIssueResolved",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemicActionState {
    pub target_date: NaiveDate,
    pub updates: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SystemicIssue {
    pub id: String,
    pub team: String,
    pub raised: bool,
    pub resolved: bool,
    pub policy_version: String,
    pub linked_complaints: Vec<String>,
    pub actions: BTreeMap<String, SystemicActionState>,
}

impl SystemicIssue {
    fn authorise(actor: &Actor, team: Option<&str>) -> Result<(), DomainError> {
        // SPEC 1: the Systemic Log is kept by CRT managers, each for their own team.
        if actor.role != Role::CrtManager {
            return Err(DomainError::RoleNotPermitted {
                role: actor.role,
                action: "keep the Systemic Log",
            });
        }
        if let Some(team) = team {
            if actor.team != team {
                return Err(DomainError::NotYourTeam {
                    case_team: team.to_string(),
                });
            }
        }
        Ok(())
    }

    /// SPEC S2: raised by a CRT manager on their own team's log, from an alert or by hand.
    fn raise(
        &self,
        meta: &CommandMeta,
        action: SystemicAction,
        services: &DomainServices,
    ) -> Result<Vec<SystemicEvent>, DomainError> {
        let SystemicAction::Raise {
            issue_id,
            scope,
            category,
            linked_complaints,
            description,
            from_alert,
        } = action
        else {
            return Err(DomainError::CaseNotFound);
        };
        Self::authorise(&meta.actor, None)?;
        if self.raised {
            return Err(DomainError::CaseAlreadyExists);
        }
        let policy = services.policies.current();
        let lim = &policy.limits;
        check::required("issue_id", &issue_id, lim.id)?;
        if let Scope::Local { team } = &scope {
            check::required("scope.team", team, lim.short_text)?;
        }
        validate_category(policy, &category)?;
        check::items("linked_complaints", &linked_complaints, lim.list_items)?;
        for (i, c) in linked_complaints.iter().enumerate() {
            check::required("linked_complaints", c, lim.id)?;
            if linked_complaints[..i].contains(c) {
                return Err(DomainError::DuplicateId {
                    field: "linked_complaints",
                    id: c.clone(),
                });
            }
        }
        check::required("description", &description, lim.long_text)?;
        check::optional_opt("from_alert", from_alert.as_ref(), lim.id)?;
        Ok(vec![SystemicEvent::Raised {
            meta: meta.event(),
            issue_id,
            team: meta.actor.team.clone(),
            scope,
            category,
            linked_complaints,
            description,
            from_alert,
            policy_version: policy.version.clone(),
        }])
    }

    /// Pure decision: events or a refusal; never mutates.
    pub fn decide(
        &self,
        command: SystemicCommand,
        services: &DomainServices,
    ) -> Result<Vec<SystemicEvent>, DomainError> {
        let SystemicCommand { meta, action } = command;
        meta.check_not_future()?;
        if let SystemicAction::Raise { .. } = action {
            return self.raise(&meta, action, services);
        }
        if !self.raised {
            return Err(DomainError::CaseNotFound);
        }
        Self::authorise(&meta.actor, Some(&self.team))?;
        if self.resolved {
            return Err(DomainError::SystemicIssueResolved);
        }
        let policy = services.policy(&self.policy_version)?;
        let lim = &policy.limits;
        let ev = meta.event();
        match action {
            SystemicAction::Raise { .. } => Err(DomainError::CaseAlreadyExists),
            SystemicAction::LinkComplaint { complaint_id } => {
                check::required("complaint_id", &complaint_id, lim.id)?;
                if self.linked_complaints.contains(&complaint_id) {
                    return Err(DomainError::DuplicateId {
                        field: "complaint_id",
                        id: complaint_id,
                    });
                }
                Ok(vec![SystemicEvent::ComplaintLinked {
                    meta: ev,
                    complaint_id,
                }])
            }
            SystemicAction::AddAction {
                action_id,
                problem,
                action,
                lead,
                target_date,
            } => {
                check::required("action_id", &action_id, lim.id)?;
                check::required("problem", &problem, lim.long_text)?;
                check::required("action", &action, lim.long_text)?;
                check::required("lead", &lead, lim.short_text)?;
                if self.actions.contains_key(&action_id) {
                    return Err(DomainError::DuplicateId {
                        field: "action_id",
                        id: action_id,
                    });
                }
                let date_added = local_date(meta.occurred_at);
                if target_date < date_added {
                    return Err(DomainError::DateNotInFuture {
                        field: "target_date",
                    });
                }
                Ok(vec![SystemicEvent::ActionAdded {
                    meta: ev,
                    action_id,
                    problem,
                    action,
                    lead,
                    date_added,
                    target_date,
                }])
            }
            SystemicAction::RecordProgress { action_id, update } => {
                check::required("update", &update, lim.long_text)?;
                if !self.actions.contains_key(&action_id) {
                    return Err(DomainError::UnknownId {
                        field: "action_id",
                        id: action_id,
                    });
                }
                Ok(vec![SystemicEvent::ActionProgressed {
                    meta: ev,
                    action_id,
                    update,
                }])
            }
            SystemicAction::Resolve { summary } => {
                check::required("summary", &summary, lim.long_text)?;
                Ok(vec![SystemicEvent::Resolved { meta: ev, summary }])
            }
        }
    }
}

impl SystemicIssue {
    /// The fold.
    pub(crate) fn apply_event(&mut self, event: SystemicEvent) {
        match event {
            SystemicEvent::Raised {
                issue_id,
                team,
                linked_complaints,
                policy_version,
                ..
            } => {
                self.id = issue_id;
                self.team = team;
                self.linked_complaints = linked_complaints;
                self.policy_version = policy_version;
                self.raised = true;
            }
            SystemicEvent::ComplaintLinked { complaint_id, .. } => {
                self.linked_complaints.push(complaint_id)
            }
            SystemicEvent::ActionAdded {
                action_id,
                target_date,
                ..
            } => {
                self.actions.insert(
                    action_id,
                    SystemicActionState {
                        target_date,
                        updates: 0,
                    },
                );
            }
            SystemicEvent::ActionProgressed { action_id, .. } => {
                if let Some(a) = self.actions.get_mut(&action_id) {
                    a.updates += 1;
                }
            }
            SystemicEvent::Resolved { .. } => self.resolved = true,
        }
    }
}

crate::aggregate::impl_aggregate! {
    aggregate: SystemicIssue = "systemic_issue",
    command: SystemicCommand,
    event: SystemicEvent,
}

fn validate_category(policy: &Policy, category: &str) -> Result<(), DomainError> {
    if category.trim().is_empty() {
        return Err(DomainError::NoCategories);
    }
    if !policy.has_category(category) {
        return Err(DomainError::UnknownCategory {
            category: category.to_string(),
        });
    }
    Ok(())
}
