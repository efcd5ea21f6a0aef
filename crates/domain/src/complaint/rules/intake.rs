//! Intake: receipt (SPEC C1), initial contact (C2, C14), recategorisation (C16) and who
//! manages the case (SPEC 1).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::{Ctx, Decision};
use crate::check;
use crate::complaint::commands::ComplaintAction;
use crate::complaint::events::ComplaintEvent as E;
use crate::complaint::state::{Complaint, TierState};
use crate::complaint::types::{Issue, Tier};
use crate::deadline;
use crate::error::DomainError;
use crate::meta::CommandMeta;
use crate::policy::Policy;
use crate::services::DomainServices;
use crate::{CaseStatus, Role};

impl Complaint {
    /// SPEC C1. The case manager is the receiving actor; the case takes the current policy.
    /// Receipt and initial contact take their action whole (eight and six fields) and unpack
    /// it; `decide` sends them nothing else.
    pub(super) fn receive(
        &self,
        meta: &CommandMeta,
        action: ComplaintAction,
        services: &DomainServices,
    ) -> Decision {
        let ComplaintAction::Receive {
            complaint_id,
            received_at,
            channel,
            categories,
            team,
            region,
            flags,
            personal,
        } = action
        else {
            return Err(DomainError::CaseNotFound);
        };
        if !meta.actor.role.is_tier1_case_worker() {
            return Err(DomainError::RoleNotPermitted {
                role: meta.actor.role,
                action: "receive complaints",
            });
        }
        if self.status != CaseStatus::New {
            return Err(DomainError::CaseAlreadyExists);
        }
        if meta.actor.team != team {
            return Err(DomainError::NotYourTeam { case_team: team });
        }
        let policy = services.policies.current();
        let lim = &policy.limits;
        check::required("complaint_id", &complaint_id, lim.id)?;
        check::required("team", &team, lim.short_text)?;
        meta.check_past("received_at", received_at)?;
        validate_categories(policy, &categories)?;
        personal.check(lim)?;
        let calendar = services.calendars.get(region);
        Ok(vec![E::Received {
            case_manager: meta.actor.user_id.clone(),
            meta: meta.event(),
            complaint_id,
            received_at,
            channel,
            categories,
            team,
            region,
            flags,
            policy_version: policy.version.clone(),
            initial_contact_due: deadline::initial_contact_due(policy, calendar, received_at),
            response_due: deadline::working_days_due(
                calendar,
                received_at,
                self.response_working_days(policy, Tier::Tier1),
            ),
            personal,
        }])
    }

    /// SPEC C2 (C14 when resolved at first contact).
    pub(super) fn record_initial_contact(&self, cx: &Ctx, action: ComplaintAction) -> Decision {
        let ComplaintAction::RecordInitialContact {
            method,
            suitability_checked,
            offered_direct_contact,
            issues,
            resolution_sought,
            resolved_at_first_contact,
        } = action
        else {
            return Err(DomainError::CaseNotFound);
        };
        self.authorise_case_work(cx)?;
        if cx.tier_state.initial_contact_at.is_some() {
            return Err(DomainError::AlreadyRecorded {
                what: "the initial contact for this tier",
            });
        }
        self.check_contact(cx.tier, method, suitability_checked)?;
        let lim = cx.lim();
        check::non_empty("issues", &issues)?;
        check::items("issues", &issues, lim.list_items)?;
        let mut seen = BTreeSet::new();
        for i in &issues {
            check::required("issues.issue_id", &i.issue_id, lim.id)?;
            check::required("issues.summary", &i.summary, lim.long_text)?;
            if !seen.insert(i.issue_id.as_str()) {
                return Err(DomainError::DuplicateId {
                    field: "issues.issue_id",
                    id: i.issue_id.clone(),
                });
            }
        }
        check::required("resolution_sought", &resolution_sought, lim.long_text)?;
        let due = cx.tier_state.initial_contact_due;
        Ok(vec![E::InitialContactRecorded {
            meta: cx.ev(),
            tier: cx.tier,
            method,
            suitability_checked,
            offered_direct_contact,
            issues,
            resolution_sought,
            resolved_at_first_contact,
            due,
            within_target: cx.meta.occurred_at <= due,
        }])
    }

    /// SPEC C16 (closed complaints are refused by `decide`).
    pub(super) fn recategorise(
        &self,
        cx: &Ctx,
        categories: Vec<String>,
        reason: String,
    ) -> Decision {
        self.authorise_case_work(cx)?;
        validate_categories(cx.policy, &categories)?;
        check::required("reason", &reason, cx.lim().long_text)?;
        Ok(vec![E::Recategorised {
            meta: cx.ev(),
            from: self.categories.clone(),
            to: categories,
            reason,
        }])
    }

    /// SPEC 1: reassignment is a manager's power (a CCRT reviewer's at tier 2).
    pub(super) fn reassign_case_manager(&self, cx: &Ctx, case_manager: String) -> Decision {
        match (cx.meta.actor.role, cx.tier) {
            (Role::CrtManager, _) => self.own_team(&cx.meta.actor)?,
            (Role::CcrtReviewer, Tier::Tier2) => {}
            (role, _) => {
                return Err(DomainError::RoleNotPermitted {
                    role,
                    action: cx.action,
                })
            }
        }
        check::required("case_manager", &case_manager, cx.lim().id)?;
        Ok(vec![E::CaseManagerReassigned {
            meta: cx.ev(),
            from: self.case_manager.clone(),
            to: case_manager,
        }])
    }

    /// Receipt opens the case at tier 1.
    pub(in crate::complaint) fn apply_received(&mut self, event: E) {
        let E::Received {
            complaint_id,
            received_at,
            categories,
            team,
            region,
            flags,
            policy_version,
            case_manager,
            initial_contact_due,
            response_due,
            personal,
            ..
        } = event
        else {
            return;
        };
        self.id = complaint_id;
        self.status = CaseStatus::Open;
        self.team = team;
        self.region = Some(region);
        self.flags = flags;
        self.categories = categories;
        self.policy_version = policy_version;
        self.case_manager = case_manager;
        self.received_at = Some(received_at);
        self.personal = Some(personal);
        self.tiers = vec![TierState::new(
            Tier::Tier1,
            received_at,
            initial_contact_due,
            response_due,
        )];
    }

    pub(in crate::complaint) fn apply_initial_contact(
        &mut self,
        at: DateTime<Utc>,
        issues: Vec<Issue>,
        resolved_at_first_contact: bool,
    ) {
        self.with_current(|t| {
            t.initial_contact_at = Some(at);
            t.issues = issues;
            t.resolved_at_first_contact = resolved_at_first_contact;
        });
    }

    pub(in crate::complaint) fn apply_recategorised(&mut self, to: Vec<String>) {
        self.categories = to;
    }

    pub(in crate::complaint) fn apply_case_manager_reassigned(&mut self, to: String) {
        self.case_manager = to;
    }
}

/// SPEC C1 / C16: one or more categories, all in the policy taxonomy, none repeated.
fn validate_categories(policy: &Policy, categories: &[String]) -> Result<(), DomainError> {
    if categories.is_empty() {
        return Err(DomainError::NoCategories);
    }
    check::items("categories", categories, policy.limits.list_items)?;
    for (i, c) in categories.iter().enumerate() {
        if !policy.has_category(c) {
            return Err(DomainError::UnknownCategory {
                category: c.clone(),
            });
        }
        if categories[..i].contains(c) {
            return Err(DomainError::DuplicateCategory {
                category: c.clone(),
            });
        }
    }
    Ok(())
}
