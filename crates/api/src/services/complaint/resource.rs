//! The complaint as a [`Resource`]: from the aggregate's state to the `Complaint` resource.
//! Personal data is added only when the access policy says the caller may see it (SPEC P1,
//! P3).

use redress_domain::{
    CommandMeta, Complaint, ComplaintAction, ComplaintCommand, PersonalDetails, TierState,
};

use tonic::Status;

use crate::command::Resource;
use crate::convert::{date_to_pb, enum_in, enum_out, optional_text, region_to_pb, timestamp_to_pb};
use crate::pb;

/// Personal details from the wire; `contact_field` names the preferred contact method's
/// field in a refusal.
pub fn personal_from_pb(
    p: pb::ComplainantDetails,
    contact_field: &str,
) -> Result<PersonalDetails, Status> {
    Ok(PersonalDetails {
        name: p.display_name,
        address: optional_text(p.address),
        email: optional_text(p.email),
        phone: optional_text(p.phone),
        preferred_contact: enum_in(p.preferred_contact, contact_field)?,
    })
}

/// Personal details on the wire (only for callers who may see them).
pub fn complainant_to_pb(p: &PersonalDetails) -> pb::ComplainantDetails {
    pb::ComplainantDetails {
        display_name: p.name.clone(),
        address: p.address.clone().unwrap_or_default(),
        email: p.email.clone().unwrap_or_default(),
        phone: p.phone.clone().unwrap_or_default(),
        preferred_contact: enum_out(p.preferred_contact),
    }
}

fn tier_review(t: &TierState) -> pb::TierReview {
    pb::TierReview {
        tier: enum_out(t.tier),
        receive_time: Some(timestamp_to_pb(t.received_at)),
        initial_contact_due_time: Some(timestamp_to_pb(t.initial_contact_due)),
        response_due_time: Some(timestamp_to_pb(t.response_due)),
        initial_contact_time: t.initial_contact_at.map(timestamp_to_pb),
        resolved_at_first_contact: t.resolved_at_first_contact,
        issues: t
            .issues
            .iter()
            .map(|i| pb::ComplaintIssue {
                issue_id: i.issue_id.clone(),
                summary: i.summary.clone(),
            })
            .collect(),
        resolution_plan_date: t.plan.as_ref().map(|p| date_to_pb(p.target_date)),
        resolution_plan_counts_as_met: t.plan.as_ref().is_some_and(|p| p.counts_as_met),
        outcome: t.outcome.map(enum_out).unwrap_or(0),
        outcome_communicated_time: t.outcome_communicated_at.map(timestamp_to_pb),
        signposted_to: t.signposted.map(enum_out).unwrap_or(0),
        paused_working_days: i32::try_from(t.paused_working_days).unwrap_or(i32::MAX),
    }
}

impl Resource for Complaint {
    const COLLECTION: &'static str = "complaints";
    const WHAT: &'static str = "complaint";
    const NOT_FOUND: &'static str = "COMPLAINT_NOT_FOUND";
    type Action = ComplaintAction;
    type Pb = pb::Complaint;

    fn command(meta: CommandMeta, action: ComplaintAction) -> ComplaintCommand {
        ComplaintCommand::new(meta, action)
    }

    /// `with_personal` adds the complainant's details.
    fn to_pb(&self, version: usize, with_personal: bool) -> pb::Complaint {
        complaint_to_pb(self, version, with_personal)
    }
}

fn complaint_to_pb(complaint: &Complaint, version: usize, with_personal: bool) -> pb::Complaint {
    pb::Complaint {
        name: format!("complaints/{}", complaint.id),
        etag: version.to_string(),
        status: enum_out(complaint.status),
        team: complaint.team.clone(),
        region: complaint
            .region
            .map(|r| region_to_pb(r) as i32)
            .unwrap_or(0),
        categories: complaint.categories.clone(),
        flags: Some(pb::ComplaintFlags {
            about_staff: complaint.flags.about_staff,
            vulnerable: complaint.flags.vulnerable,
            upcc: complaint.flags.upcc,
            pos_case: complaint.flags.pos_case,
        }),
        case_manager: complaint.case_manager.clone(),
        policy_version: complaint.policy_version.clone(),
        receive_time: complaint.received_at.map(timestamp_to_pb),
        tiers: complaint.tiers.iter().map(tier_review).collect(),
        special_payments: complaint
            .payments
            .iter()
            .map(|(id, p)| pb::SpecialPayment {
                payment_id: id.clone(),
                kind: enum_out(p.kind),
                requested_pence: i64::try_from(p.requested_pence).unwrap_or(i64::MAX),
                amount_pence: i64::try_from(p.amount_pence).unwrap_or(i64::MAX),
                status: enum_out(p.status),
                tier: enum_out(p.tier),
            })
            .collect(),
        feedback_actions: complaint
            .feedback
            .iter()
            .map(|(id, f)| pb::FeedbackAction {
                action_id: id.clone(),
                to_team: f.to_team.clone(),
                due_time: Some(timestamp_to_pb(f.due)),
                confirm_time: f.confirmed_at.map(timestamp_to_pb),
            })
            .collect(),
        safeguarding_concerns: complaint
            .concerns
            .iter()
            .map(|(id, c)| pb::SafeguardingConcern {
                concern_id: id.clone(),
                immediate: c.immediate,
                open: c.open,
            })
            .collect(),
        complex_needs: complaint
            .complex_needs
            .iter()
            .map(|n| enum_out(*n))
            .collect(),
        ice_window_end_time: complaint.ice_window_ends.map(timestamp_to_pb),
        referrals: complaint
            .referrals
            .iter()
            .map(|r| pb::Referral {
                body: enum_out(r.body),
                reference: r.reference.clone(),
                result: r.result.clone().unwrap_or_default(),
            })
            .collect(),
        representatives: complaint
            .representatives
            .iter()
            .map(|(id, r)| pb::Representative {
                representative_id: id.clone(),
                organisation: r.organisation.clone(),
                consent_scope: r.consent_scope.clone(),
                consent_active: r.consent_active,
            })
            .collect(),
        complainant: if with_personal {
            complaint.personal.as_ref().map(complainant_to_pb)
        } else {
            None
        },
    }
}
