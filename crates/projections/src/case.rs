//! The per-complaint reporting summary: a pure fold over one complaint's events that keeps
//! everything the case read models need (deadlines, per-tier timeliness and outcomes,
//! signposting, payments, feedback actions, safeguarding concerns) and **no personal data**
//! (SPEC P1): `personal` fields, free-text notes, summaries and names are never copied.
//! Case read models ([`crate::case_projection`]) map a summary to rows.

use chrono::{DateTime, Utc};
use redress_domain::{
    ComplaintEvent, ConcernKind, EscalatedTo, Outcome, PaymentKind, SignpostTarget, Tier,
};
use serde::{Deserialize, Serialize};

/// The six kinds of deadline (SPEC D1-D4, C15, T3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// SPEC C2/D1.
    InitialContact,
    /// SPEC D2 (tier 1 or tier 2 by the row's tier).
    Response,
    /// SPEC C5/D3: a resolution plan's agreed date replaces the response deadline.
    ResolutionPlan,
    /// SPEC C15/D4.
    FeedbackAction,
    /// SPEC T3: the customer's window to go to the Independent Case Examiner.
    IceWindow,
}

impl DeadlineKind {
    pub const ALL: [DeadlineKind; 5] = [
        DeadlineKind::InitialContact,
        DeadlineKind::Response,
        DeadlineKind::ResolutionPlan,
        DeadlineKind::FeedbackAction,
        DeadlineKind::IceWindow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::InitialContact => "initial_contact",
            DeadlineKind::Response => "response",
            DeadlineKind::ResolutionPlan => "resolution_plan",
            DeadlineKind::FeedbackAction => "feedback_action",
            DeadlineKind::IceWindow => "ice_window",
        }
    }

    pub fn parse(s: &str) -> Option<DeadlineKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Work the case manager owes: stops on withdrawal (C18) and closure (C17).
    fn stops_with_case(self) -> bool {
        matches!(
            self,
            DeadlineKind::InitialContact | DeadlineKind::Response | DeadlineKind::ResolutionPlan
        )
    }
}

pub fn tier_str(t: Tier) -> &'static str {
    match t {
        Tier::Tier1 => "tier1",
        Tier::Tier2 => "tier2",
    }
}

pub fn parse_tier(s: &str) -> Option<Tier> {
    match s {
        "tier1" => Some(Tier::Tier1),
        "tier2" => Some(Tier::Tier2),
        _ => None,
    }
}

/// One deadline of one complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub kind: DeadlineKind,
    pub tier: Tier,
    /// The feedback action id; empty for the other kinds.
    pub reference: String,
    pub due: DateTime<Utc>,
    /// When the work was done (contact made, outcome communicated, plan agreed in place of
    /// the response, action confirmed, ICE referral made).
    pub done: Option<DateTime<Utc>>,
    /// When the clock was stopped without the work (withdrawal, closure).
    pub stopped: Option<DateTime<Utc>>,
    /// Feedback actions: the team that must act.
    pub to_team: Option<String>,
}

impl Deadline {
    /// Unique within the complaint.
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}",
            self.kind.as_str(),
            tier_str(self.tier),
            self.reference
        )
    }

    pub fn is_open(&self) -> bool {
        self.done.is_none() && self.stopped.is_none()
    }
}

/// One tier's review, as reporting sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierSummary {
    pub tier: Tier,
    pub received_at: DateTime<Utc>,
    pub initial_contact_at: Option<DateTime<Utc>>,
    pub initial_contact_within: Option<bool>,
    pub resolved_at_first_contact: bool,
    pub plan_agreed_at: Option<DateTime<Utc>>,
    pub plan_counts_as_met: Option<bool>,
    pub outcome: Option<Outcome>,
    pub outcome_at: Option<DateTime<Utc>>,
    pub outcome_communicated_at: Option<DateTime<Utc>>,
    /// SPEC C5/C10: within target, with a timely plan counting as met.
    pub response_within: Option<bool>,
    pub signposted_at: Option<DateTime<Utc>>,
    pub signpost_target: Option<SignpostTarget>,
    /// Tier 1 only: when the escalation to tier 2 reached DWP.
    pub escalated_at: Option<DateTime<Utc>>,
}

impl TierSummary {
    fn new(tier: Tier, received_at: DateTime<Utc>) -> Self {
        TierSummary {
            tier,
            received_at,
            initial_contact_at: None,
            initial_contact_within: None,
            resolved_at_first_contact: false,
            plan_agreed_at: None,
            plan_counts_as_met: None,
            outcome: None,
            outcome_at: None,
            outcome_communicated_at: None,
            response_within: None,
            signposted_at: None,
            signpost_target: None,
            escalated_at: None,
        }
    }
}

/// Who decided a special payment (SPEC R4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentState {
    /// Awarded by the case manager within delegated financial authority.
    AwardedDfa,
    /// Referred, awaiting the Special Payment Team.
    PendingSpt,
    ApprovedSpt,
    DeclinedSpt,
}

impl PaymentState {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentState::AwardedDfa => "awarded_dfa",
            PaymentState::PendingSpt => "pending_spt",
            PaymentState::ApprovedSpt => "approved_spt",
            PaymentState::DeclinedSpt => "declined_spt",
        }
    }

    /// `dfa`, `spt`, or `None` while pending.
    pub fn decided_by(self) -> Option<&'static str> {
        match self {
            PaymentState::AwardedDfa => Some("dfa"),
            PaymentState::PendingSpt => None,
            PaymentState::ApprovedSpt | PaymentState::DeclinedSpt => Some("spt"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentSummary {
    pub payment_id: String,
    pub tier: Tier,
    pub kind: PaymentKind,
    pub state: PaymentState,
    pub requested_pence: u64,
    /// Amount paid or to be paid (0 while pending or when declined).
    pub amount_pence: u64,
    pub recorded_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConcernSummary {
    pub concern_id: String,
    pub kinds: Vec<ConcernKind>,
    pub immediate: bool,
    pub escalated_to: Vec<EscalatedTo>,
    pub recorded_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Open,
    Closed,
    Withdrawn,
}

impl CaseState {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Open => "open",
            CaseState::Closed => "closed",
            CaseState::Withdrawn => "withdrawn",
        }
    }
}

/// Everything reporting needs about one complaint; no personal data (SPEC P1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub complaint_id: String,
    pub team: String,
    pub region: String,
    pub received_at: DateTime<Utc>,
    pub policy_version: String,
    pub categories: Vec<String>,
    pub case_manager: String,
    pub state: CaseState,
    pub about_staff: bool,
    pub vulnerable: bool,
    pub tiers: Vec<TierSummary>,
    pub deadlines: Vec<Deadline>,
    pub payments: Vec<PaymentSummary>,
    pub concerns: Vec<ConcernSummary>,
    pub ice_window_ends: Option<DateTime<Utc>>,
    pub referred_to_ice_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl CaseSummary {
    /// The current tier (the last one).
    pub fn tier(&self) -> Tier {
        self.tiers.last().map_or(Tier::Tier1, |t| t.tier)
    }

    pub fn tier_mut(&mut self, tier: Tier) -> Option<&mut TierSummary> {
        self.tiers.iter_mut().find(|t| t.tier == tier)
    }

    pub fn deadline_mut(
        &mut self,
        kind: DeadlineKind,
        tier: Tier,
        reference: &str,
    ) -> Option<&mut Deadline> {
        self.deadlines
            .iter_mut()
            .find(|d| d.kind == kind && d.tier == tier && d.reference == reference)
    }

    /// The response deadline being tracked for a tier: the plan's once agreed (D3).
    fn tracked_response(&mut self, tier: Tier) -> Option<&mut Deadline> {
        let has_plan = self
            .deadlines
            .iter()
            .any(|d| d.kind == DeadlineKind::ResolutionPlan && d.tier == tier);
        let kind = if has_plan {
            DeadlineKind::ResolutionPlan
        } else {
            DeadlineKind::Response
        };
        self.deadline_mut(kind, tier, "")
    }

    fn push_deadline(
        &mut self,
        kind: DeadlineKind,
        tier: Tier,
        reference: &str,
        due: DateTime<Utc>,
    ) {
        if let Some(d) = self.deadline_mut(kind, tier, reference) {
            d.due = due;
            return;
        }
        self.deadlines.push(Deadline {
            kind,
            tier,
            reference: reference.to_string(),
            due,
            done: None,
            stopped: None,
            to_team: None,
        });
    }

    /// The earliest open deadline the case manager owes (feedback actions and the ICE
    /// window excluded), for the caseload (R7).
    pub fn next_deadline(&self) -> Option<&Deadline> {
        self.deadlines
            .iter()
            .filter(|d| d.is_open() && d.kind.stops_with_case())
            .min_by_key(|d| (d.due, d.key()))
    }

    /// Starts a summary from `ComplaintReceived`; `None` for any other event.
    pub fn start(event: &ComplaintEvent) -> Option<CaseSummary> {
        let ComplaintEvent::Received {
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
            ..
        } = event
        else {
            return None;
        };
        let mut s = CaseSummary {
            complaint_id: complaint_id.clone(),
            team: team.clone(),
            region: region.as_str().to_string(),
            received_at: *received_at,
            policy_version: policy_version.clone(),
            categories: categories.clone(),
            case_manager: case_manager.clone(),
            state: CaseState::Open,
            about_staff: flags.about_staff,
            vulnerable: flags.vulnerable,
            tiers: vec![TierSummary::new(Tier::Tier1, *received_at)],
            deadlines: Vec::new(),
            payments: Vec::new(),
            concerns: Vec::new(),
            ice_window_ends: None,
            referred_to_ice_at: None,
            closed_at: None,
            withdrawn_at: None,
        };
        s.push_deadline(
            DeadlineKind::InitialContact,
            Tier::Tier1,
            "",
            *initial_contact_due,
        );
        s.push_deadline(DeadlineKind::Response, Tier::Tier1, "", *response_due);
        Some(s)
    }

    /// Folds `event` into the summary (pure). Unknown-for-reporting events change nothing.
    pub fn apply(&mut self, event: &ComplaintEvent) {
        use ComplaintEvent as E;
        let at = event.meta().occurred_at;
        match event {
            E::Received { .. } => {
                if let Some(s) = CaseSummary::start(event) {
                    *self = s;
                }
            }
            E::InitialContactRecorded {
                tier,
                within_target,
                resolved_at_first_contact,
                ..
            } => {
                if let Some(t) = self.tier_mut(*tier) {
                    t.initial_contact_at = Some(at);
                    t.initial_contact_within = Some(*within_target);
                    t.resolved_at_first_contact = *resolved_at_first_contact;
                }
                if let Some(d) = self.deadline_mut(DeadlineKind::InitialContact, *tier, "") {
                    if d.done.is_none() {
                        d.done = Some(at);
                    }
                }
            }
            // SPEC C5/D3: the plan replaces the response deadline from the moment it is
            // agreed; the response deadline is done then (met if on time, met_late if not:
            // a late plan does not undo the breach).
            E::ResolutionPlanAgreed {
                tier,
                new_due,
                counts_as_met,
                ..
            } => {
                if let Some(t) = self.tier_mut(*tier) {
                    t.plan_agreed_at = Some(at);
                    t.plan_counts_as_met = Some(*counts_as_met);
                }
                if let Some(d) = self.deadline_mut(DeadlineKind::Response, *tier, "") {
                    if d.done.is_none() {
                        d.done = Some(at);
                    }
                }
                self.push_deadline(DeadlineKind::ResolutionPlan, *tier, "", *new_due);
            }
            E::ResolutionPlanRevised { tier, new_due, .. } => {
                if let Some(d) = self.deadline_mut(DeadlineKind::ResolutionPlan, *tier, "") {
                    if d.is_open() {
                        d.due = *new_due;
                    }
                }
            }
            E::FurtherEvidenceReceived {
                tier, response_due, ..
            } => {
                if let Some(d) = self.tracked_response(*tier) {
                    if d.is_open() {
                        d.due = *response_due;
                    }
                }
            }
            // SPEC D7.
            E::DeadlinesRecalculated {
                tier,
                initial_contact_due,
                response_due,
                ..
            } => {
                if let Some(c) = initial_contact_due {
                    if let Some(d) = self.deadline_mut(DeadlineKind::InitialContact, *tier, "") {
                        if d.is_open() {
                            d.due = c.new;
                        }
                    }
                }
                if let Some(c) = response_due {
                    if let Some(d) = self.tracked_response(*tier) {
                        if d.is_open() {
                            d.due = c.new;
                        }
                    }
                }
            }
            E::OutcomeDecided { tier, outcome, .. } => {
                if let Some(t) = self.tier_mut(*tier) {
                    t.outcome = Some(*outcome);
                    t.outcome_at = Some(at);
                }
            }
            E::OutcomeCommunicated {
                tier,
                within_target,
                ..
            } => {
                if let Some(t) = self.tier_mut(*tier) {
                    t.outcome_communicated_at = Some(at);
                    t.response_within = Some(*within_target);
                }
                if let Some(d) = self.tracked_response(*tier) {
                    if d.done.is_none() {
                        d.done = Some(at);
                    }
                }
            }
            E::SignpostedToCcrt { tier, .. } => {
                if let Some(t) = self.tier_mut(*tier) {
                    t.signposted_at = Some(at);
                    t.signpost_target = Some(SignpostTarget::Ccrt);
                }
            }
            E::SignpostedToIce {
                tier,
                ice_window_ends,
                ..
            } => {
                if let Some(t) = self.tier_mut(*tier) {
                    t.signposted_at = Some(at);
                    t.signpost_target = Some(SignpostTarget::Ice);
                }
                self.ice_window_ends = Some(*ice_window_ends);
                self.push_deadline(DeadlineKind::IceWindow, *tier, "", *ice_window_ends);
            }
            E::EscalatedToTier2 {
                escalation_received_at,
                tier2_initial_contact_due,
                tier2_response_due,
                ..
            } => {
                if let Some(t) = self.tier_mut(Tier::Tier1) {
                    t.escalated_at = Some(*escalation_received_at);
                }
                self.state = CaseState::Open;
                self.closed_at = None;
                self.tiers
                    .push(TierSummary::new(Tier::Tier2, *escalation_received_at));
                self.push_deadline(
                    DeadlineKind::InitialContact,
                    Tier::Tier2,
                    "",
                    *tier2_initial_contact_due,
                );
                self.push_deadline(DeadlineKind::Response, Tier::Tier2, "", *tier2_response_due);
            }
            E::FeedbackActionAgreed {
                tier,
                action_id,
                to_team,
                due,
                ..
            } => {
                self.push_deadline(DeadlineKind::FeedbackAction, *tier, action_id, *due);
                if let Some(d) = self.deadlines.last_mut() {
                    d.to_team = Some(to_team.clone());
                }
            }
            E::FeedbackActionConfirmed { action_id, .. } => {
                if let Some(d) = self
                    .deadlines
                    .iter_mut()
                    .find(|d| d.kind == DeadlineKind::FeedbackAction && &d.reference == action_id)
                {
                    if d.done.is_none() {
                        d.done = Some(at);
                    }
                }
            }
            // SPEC C16.
            E::Recategorised { to, .. } => self.categories = to.clone(),
            E::SafeguardingConcernRecorded {
                concern_id,
                kinds,
                immediate,
                escalated_to,
                ..
            } => self.concerns.push(ConcernSummary {
                concern_id: concern_id.clone(),
                kinds: kinds.clone(),
                immediate: *immediate,
                escalated_to: escalated_to.clone(),
                recorded_at: at,
                resolved_at: None,
            }),
            E::SafeguardingConcernResolved { concern_id, .. } => {
                if let Some(c) = self
                    .concerns
                    .iter_mut()
                    .find(|c| &c.concern_id == concern_id)
                {
                    c.resolved_at = Some(at);
                }
            }
            E::ComplexNeedsRecorded { needs, .. } => {
                // SPEC V2: any complex need marks the complainant vulnerable.
                if !needs.is_empty() {
                    self.vulnerable = true;
                }
            }
            E::CaseManagerReassigned { to, .. } => self.case_manager = to.clone(),
            E::ReferralRecorded { body, .. } => {
                if *body == redress_domain::ReferralBody::Ice {
                    self.referred_to_ice_at.get_or_insert(at);
                    for d in &mut self.deadlines {
                        if d.kind == DeadlineKind::IceWindow && d.done.is_none() {
                            d.done = Some(at);
                        }
                    }
                }
            }
            E::SpecialPaymentAwarded {
                tier,
                payment_id,
                kind,
                amount_pence,
                ..
            } => self.payments.push(PaymentSummary {
                payment_id: payment_id.clone(),
                tier: *tier,
                kind: *kind,
                state: PaymentState::AwardedDfa,
                requested_pence: *amount_pence,
                amount_pence: *amount_pence,
                recorded_at: at,
                decided_at: Some(at),
            }),
            E::SpecialPaymentReferred {
                tier,
                payment_id,
                kind,
                amount_pence,
                ..
            } => self.payments.push(PaymentSummary {
                payment_id: payment_id.clone(),
                tier: *tier,
                kind: *kind,
                state: PaymentState::PendingSpt,
                requested_pence: *amount_pence,
                amount_pence: 0,
                recorded_at: at,
                decided_at: None,
            }),
            E::SpecialPaymentApproved {
                payment_id,
                approved_pence,
                ..
            } => {
                if let Some(p) = self
                    .payments
                    .iter_mut()
                    .find(|p| &p.payment_id == payment_id)
                {
                    p.state = PaymentState::ApprovedSpt;
                    p.amount_pence = *approved_pence;
                    p.decided_at = Some(at);
                }
            }
            E::SpecialPaymentDeclined { payment_id, .. } => {
                if let Some(p) = self
                    .payments
                    .iter_mut()
                    .find(|p| &p.payment_id == payment_id)
                {
                    p.state = PaymentState::DeclinedSpt;
                    p.amount_pence = 0;
                    p.decided_at = Some(at);
                }
            }
            // SPEC C18: withdrawal ends the SLA clocks.
            E::Withdrawn { .. } => {
                self.state = CaseState::Withdrawn;
                self.withdrawn_at = Some(at);
                self.stop_case_clocks(at);
            }
            // SPEC C17 (C16: the categories at closure are the ones reported).
            E::Closed { categories, .. } => {
                self.state = CaseState::Closed;
                self.closed_at = Some(at);
                self.categories = categories.clone();
                self.stop_case_clocks(at);
            }
            E::InvestigationStepRecorded { .. }
            | E::EvidenceValidated { .. }
            | E::StaffAssuranceRecorded { .. }
            | E::RootCauseRecorded { .. }
            | E::FindingsRecorded { .. }
            | E::RedressRecorded { .. }
            | E::FurtherEvidenceInvited { .. }
            | E::CaseConferenceHeld { .. }
            | E::RepresentativeAdded { .. }
            | E::ConsentWithdrawn { .. }
            | E::ReferralResultRecorded { .. } => {}
        }
    }

    fn stop_case_clocks(&mut self, at: DateTime<Utc>) {
        for d in &mut self.deadlines {
            if d.kind.stops_with_case() && d.is_open() {
                d.stopped = Some(at);
            }
        }
    }

    /// Folds a whole history (pure).
    pub fn fold<'a>(events: impl IntoIterator<Item = &'a ComplaintEvent>) -> Option<CaseSummary> {
        let mut state: Option<CaseSummary> = None;
        for e in events {
            match &mut state {
                Some(s) => s.apply(e),
                None => state = CaseSummary::start(e),
            }
        }
        state
    }
}
