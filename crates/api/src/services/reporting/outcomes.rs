//! Timeliness, outcomes and special payments (SPEC R2-R4): shares of initial contacts and
//! responses within target, outcome counts by category, tier and team with the escalation
//! rate, and special-payment totals by kind and by who decided. (The timeliness and payment
//! reports check their periods before the team, as they always have.)

use redress_domain::{Outcome, PaymentKind};
use redress_projections::queries::{PaymentsRequest, TimelinessRequest};
use tonic::{Request, Response, Status};

use super::{answer, scoped, ReportingApi};
use crate::auth::{caller, team_scope};
use crate::convert::{date, enum_out, name_out, optional_enum_in, timestamp};
use crate::pb;

impl ReportingApi {
    pub(super) async fn timeliness(
        &self,
        request: Request<pb::GetTimelinessReportRequest>,
    ) -> Result<Response<pb::TimelinessReport>, Status> {
        let (actor, r) = caller(request)?;
        let req = TimelinessRequest {
            from: date(r.start_date, "start_date")?,
            to: date(r.end_date, "end_date")?,
            team: team_scope(&actor, &r.team)?,
            tier: optional_enum_in(r.tier, "tier")?,
        };
        answer(self.models().timeliness(&req).await, |t| {
            pb::TimelinessReport {
                initial_contacts: t.initial_contacts,
                initial_contacts_within_target: t.initial_contacts_within_48h,
                initial_contact_share: t.initial_contact_share,
                responses: t.responses,
                responses_within_target: t.responses_within_target,
                response_share: t.response_share,
                outcomes: t
                    .outcomes
                    .iter()
                    .map(|(o, n)| pb::OutcomeTally {
                        outcome: name_out::<Outcome>(o),
                        count: *n,
                    })
                    .collect(),
                tier1_responses: t.tier1_responses,
                tier1_escalated: t.tier1_escalated,
                escalation_rate: t.escalation_rate,
            }
        })
    }

    pub(super) async fn outcome_counts(
        &self,
        request: Request<pb::ListOutcomeCountsRequest>,
    ) -> Result<Response<pb::ListOutcomeCountsResponse>, Status> {
        let (r, team) = scoped(request, |r| &r.team)?;
        let counts = self
            .models()
            .outcomes_by_category(
                date(r.start_date, "start_date")?,
                date(r.end_date, "end_date")?,
                team.as_deref(),
            )
            .await;
        answer(counts, |counts| pb::ListOutcomeCountsResponse {
            counts: counts
                .into_iter()
                .map(|c| pb::OutcomeCount {
                    category: c.category,
                    tier: enum_out(c.tier),
                    outcome: name_out::<Outcome>(&c.outcome),
                    count: c.count,
                })
                .collect(),
        })
    }

    pub(super) async fn special_payments(
        &self,
        request: Request<pb::GetSpecialPaymentsReportRequest>,
    ) -> Result<Response<pb::SpecialPaymentsReport>, Status> {
        let (actor, r) = caller(request)?;
        let req = PaymentsRequest {
            from: r
                .start_time
                .map(|t| timestamp(Some(t), "start_time"))
                .transpose()?,
            to: r
                .end_time
                .map(|t| timestamp(Some(t), "end_time"))
                .transpose()?,
            team: team_scope(&actor, &r.team)?,
        };
        answer(self.models().special_payments(&req).await, |p| {
            pb::SpecialPaymentsReport {
                totals: p
                    .totals
                    .into_iter()
                    .map(|t| pb::SpecialPaymentTotal {
                        kind: name_out::<PaymentKind>(&t.kind),
                        decided_by: t.decided_by,
                        state: t.state,
                        count: t.count,
                        requested_pence: t.requested_pence,
                        amount_pence: t.amount_pence,
                    })
                    .collect(),
                pending_spt_count: p.pending_spt_count,
                pending_spt_requested_pence: p.pending_spt_requested_pence,
            }
        })
    }
}
