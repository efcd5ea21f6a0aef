//! Beyond tier 1: escalation to the CCRT (SPEC T1, C12; the one change a closed complaint
//! accepts, C17) and the ICE and PHSO referrals beyond the internal ladder (T3).

use chrono::{DateTime, Utc};

use super::{Ctx, Decision};
use crate::check;
use crate::complaint::events::ComplaintEvent as E;
use crate::complaint::state::{Complaint, Referral, TierState};
use crate::complaint::types::{EscalationReason, Outcome, ReferralBody, Tier};
use crate::deadline;
use crate::error::DomainError;
use crate::policy::Ladder;
use crate::{CaseStatus, Role};

impl Complaint {
    /// SPEC T1 / C12: tier 2 starts with its own receipt time and clocks.
    pub(super) fn escalate_to_tier2(
        &self,
        cx: &Ctx,
        escalation_received_at: DateTime<Utc>,
        reason: EscalationReason,
        customer_remains_dissatisfied: bool,
    ) -> Decision {
        if cx.policy.ladder == Ladder::SingleTier {
            return Err(DomainError::NoEscalationRoute {
                why: "the policy's ladder is single-tier; the next step is the Independent Case Examiner",
            });
        }
        if cx.tier == Tier::Tier2 {
            return Err(DomainError::NoEscalationRoute {
                why: "the complaint is already at tier 2; the next step is the Independent Case Examiner",
            });
        }
        match (cx.meta.actor.role, reason) {
            (Role::Crm | Role::CrtManager, _) => self.own_team(&cx.meta.actor)?,
            (Role::CcrtReviewer, EscalationReason::CustomerRequest) => {}
            (role, _) => {
                return Err(DomainError::RoleNotPermitted {
                    role,
                    action: cx.action,
                })
            }
        }
        cx.meta
            .check_past("escalation_received_at", escalation_received_at)?;
        if escalation_received_at < cx.received_at {
            return Err(DomainError::BeforeReceipt {
                field: "escalation_received_at",
            });
        }
        if cx.tier_state.outcome_communicated_at.is_none() {
            return Err(DomainError::OutcomeNotCommunicated);
        }
        if reason == EscalationReason::Proactive
            && (cx.tier_state.outcome != Some(Outcome::NotUpheld) || !customer_remains_dissatisfied)
        {
            return Err(DomainError::ProactiveEscalationNotApplicable);
        }
        let days = self.response_working_days(cx.policy, Tier::Tier2);
        Ok(vec![E::EscalatedToTier2 {
            meta: cx.ev(),
            reason,
            escalation_received_at,
            tier1_team: self.team.clone(),
            tier2_initial_contact_due: deadline::initial_contact_due(
                cx.policy,
                cx.calendar,
                escalation_received_at,
            ),
            tier2_response_due: deadline::working_days_due(
                cx.calendar,
                escalation_received_at,
                days,
            ),
        }])
    }

    /// SPEC T3: ICE after ICE signposting; PHSO after ICE.
    pub(super) fn record_referral(
        &self,
        cx: &Ctx,
        body: ReferralBody,
        reference: String,
    ) -> Decision {
        self.authorise_case_work(cx)?;
        if self.ice_window_ends.is_none() {
            return Err(DomainError::IceNotSignposted {
                what: "an ICE or PHSO referral",
            });
        }
        if body == ReferralBody::Phso && !self.referrals.iter().any(|r| r.body == ReferralBody::Ice)
        {
            return Err(DomainError::StepOutOfOrder {
                step: "record a PHSO referral",
                requires: "the ICE referral",
            });
        }
        check::required("reference", &reference, cx.lim().short_text)?;
        Ok(vec![E::ReferralRecorded {
            meta: cx.ev(),
            body,
            reference,
        }])
    }

    /// SPEC T3: the result of an open referral.
    pub(super) fn record_referral_result(
        &self,
        cx: &Ctx,
        body: ReferralBody,
        result: String,
    ) -> Decision {
        self.authorise_case_work(cx)?;
        if !self
            .referrals
            .iter()
            .any(|r| r.body == body && r.result.is_none())
        {
            return Err(DomainError::StepOutOfOrder {
                step: "record a referral result",
                requires: "an open referral to that body",
            });
        }
        check::required("result", &result, cx.lim().long_text)?;
        Ok(vec![E::ReferralResultRecorded {
            meta: cx.ev(),
            body,
            result,
        }])
    }

    /// Tier 2 becomes the current review; a closed complaint reopens.
    pub(in crate::complaint) fn apply_escalated(
        &mut self,
        received_at: DateTime<Utc>,
        initial_contact_due: DateTime<Utc>,
        response_due: DateTime<Utc>,
    ) {
        self.status = CaseStatus::Open;
        self.evidence_invitation = None;
        self.tiers.push(TierState::new(
            Tier::Tier2,
            received_at,
            initial_contact_due,
            response_due,
        ));
    }

    pub(in crate::complaint) fn apply_referral(&mut self, body: ReferralBody, reference: String) {
        self.referrals.push(Referral {
            body,
            reference,
            result: None,
        });
    }

    /// The result belongs to the latest open referral to that body.
    pub(in crate::complaint) fn apply_referral_result(
        &mut self,
        body: ReferralBody,
        result: String,
    ) {
        if let Some(r) = self
            .referrals
            .iter_mut()
            .rev()
            .find(|r| r.body == body && r.result.is_none())
        {
            r.result = Some(result);
        }
    }
}
