//! Investigation: evidence and its validation (SPEC C3), staff-complaint assurance (C4),
//! root cause (C6), findings per issue (C3, C7) and case conferences (C13).

use super::{Ctx, Decision};
use crate::check;
use crate::complaint::events::ComplaintEvent as E;
use crate::complaint::state::Complaint;
use crate::complaint::types::{Finding, InvestigationStepKind, RootCause};
use crate::error::DomainError;

impl Complaint {
    /// SPEC C3.
    pub(super) fn record_investigation_step(
        &self,
        cx: &Ctx,
        step: InvestigationStepKind,
        evidence_id: String,
        description: String,
        validated: bool,
    ) -> Decision {
        self.authorise_case_work(cx)?;
        check::required("evidence_id", &evidence_id, cx.lim().id)?;
        check::required("description", &description, cx.lim().long_text)?;
        if self.evidence.contains_key(&evidence_id) {
            return Err(DomainError::DuplicateId {
                field: "evidence_id",
                id: evidence_id,
            });
        }
        Ok(vec![E::InvestigationStepRecorded {
            meta: cx.ev(),
            tier: cx.tier,
            step,
            evidence_id,
            description,
            validated,
        }])
    }

    /// SPEC C3: information later confirmed as validated.
    pub(super) fn validate_evidence(&self, cx: &Ctx, evidence_id: String) -> Decision {
        self.authorise_case_work(cx)?;
        match self.evidence.get(&evidence_id) {
            None => Err(DomainError::UnknownId {
                field: "evidence_id",
                id: evidence_id,
            }),
            Some(true) => Err(DomainError::AlreadyRecorded {
                what: "validation of this evidence",
            }),
            Some(false) => Ok(vec![E::EvidenceValidated {
                meta: cx.ev(),
                evidence_id,
            }]),
        }
    }

    /// SPEC C4.
    pub(super) fn record_staff_assurance(
        &self,
        cx: &Ctx,
        obtained: bool,
        note: String,
    ) -> Decision {
        self.authorise_case_work(cx)?;
        check::optional("note", &note, cx.lim().long_text)?;
        cx.before_outcome()?;
        Ok(vec![E::StaffAssuranceRecorded {
            meta: cx.ev(),
            obtained,
            note,
        }])
    }

    /// SPEC C6.
    pub(super) fn record_root_cause(&self, cx: &Ctx, root_cause: RootCause) -> Decision {
        self.authorise_case_work(cx)?;
        cx.before_outcome()?;
        let lim = cx.lim();
        check::required("what_happened", &root_cause.what_happened, lim.long_text)?;
        check::required(
            "what_should_have_happened",
            &root_cause.what_should_have_happened,
            lim.long_text,
        )?;
        check::required("mistakes", &root_cause.mistakes, lim.long_text)?;
        check::required("root_cause", &root_cause.root_cause, lim.long_text)?;
        Ok(vec![E::RootCauseRecorded {
            meta: cx.ev(),
            tier: cx.tier,
            root_cause,
        }])
    }

    /// SPEC C3 / C7: one finding per confirmed issue, each resting on validated evidence.
    pub(super) fn record_findings(&self, cx: &Ctx, findings: Vec<Finding>) -> Decision {
        self.authorise_case_work(cx)?;
        let t = cx.tier_state;
        if t.initial_contact_at.is_none() {
            return Err(DomainError::InitialContactRequired);
        }
        cx.before_outcome()?;
        check::items("findings", &findings, cx.lim().list_items)?;
        for issue in &t.issues {
            let n = findings
                .iter()
                .filter(|f| f.issue_id == issue.issue_id)
                .count();
            if n != 1 {
                return Err(DomainError::FindingsIncomplete {
                    issue_id: issue.issue_id.clone(),
                });
            }
        }
        for f in &findings {
            if !t.issues.iter().any(|i| i.issue_id == f.issue_id) {
                return Err(DomainError::UnknownId {
                    field: "findings.issue_id",
                    id: f.issue_id.clone(),
                });
            }
            check::required("findings.reasoning", &f.reasoning, cx.lim().long_text)?;
            self.check_finding_evidence(f)?;
        }
        Ok(vec![E::FindingsRecorded {
            meta: cx.ev(),
            tier: cx.tier,
            findings,
        }])
    }

    /// SPEC C3: a finding rests on known, validated evidence.
    fn check_finding_evidence(&self, f: &Finding) -> Result<(), DomainError> {
        if f.evidence_ids.is_empty() {
            return Err(DomainError::FindingWithoutEvidence {
                issue_id: f.issue_id.clone(),
            });
        }
        for e in &f.evidence_ids {
            match self.evidence.get(e) {
                None => {
                    return Err(DomainError::UnknownId {
                        field: "findings.evidence_ids",
                        id: e.clone(),
                    })
                }
                Some(false) => {
                    return Err(DomainError::EvidenceNotValidated {
                        issue_id: f.issue_id.clone(),
                        evidence_id: e.clone(),
                    })
                }
                Some(true) => {}
            }
        }
        Ok(())
    }

    /// SPEC C13.
    pub(super) fn hold_case_conference(
        &self,
        cx: &Ctx,
        attendees: Vec<String>,
        decision: String,
    ) -> Decision {
        self.authorise_case_work(cx)?;
        let lim = cx.lim();
        check::non_empty("attendees", &attendees)?;
        check::items("attendees", &attendees, lim.list_items)?;
        for a in &attendees {
            check::required("attendees", a, lim.short_text)?;
        }
        check::required("decision", &decision, lim.long_text)?;
        Ok(vec![E::CaseConferenceHeld {
            meta: cx.ev(),
            tier: cx.tier,
            attendees,
            decision,
        }])
    }

    /// Evidence is validated once either its step or a later validation says so.
    pub(in crate::complaint) fn apply_investigation_step(
        &mut self,
        evidence_id: String,
        validated: bool,
    ) {
        let entry = self.evidence.entry(evidence_id).or_insert(false);
        *entry = *entry || validated;
    }

    pub(in crate::complaint) fn apply_evidence_validated(&mut self, evidence_id: String) {
        self.evidence.insert(evidence_id, true);
    }

    pub(in crate::complaint) fn apply_staff_assurance(&mut self, obtained: bool) {
        self.staff_assurance = Some(obtained);
    }

    pub(in crate::complaint) fn apply_root_cause(&mut self) {
        self.with_current(|t| t.root_cause = true);
    }

    pub(in crate::complaint) fn apply_findings(&mut self, findings: Vec<Finding>) {
        self.with_current(|t| t.findings = Some(findings));
    }
}
