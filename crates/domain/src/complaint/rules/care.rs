//! The complainant's circumstances and who acts for them: safeguarding concerns (SPEC V1),
//! complex needs (V2) and third-party representatives with explicit consent (P2). Concerns
//! and needs are accepted in any state (L1).

use super::{Ctx, Decision};
use crate::check;
use crate::complaint::events::ComplaintEvent as E;
use crate::complaint::state::{Complaint, Concern, Representative};
use crate::complaint::types::{ComplexNeed, ConcernKind, EscalatedTo};
use crate::error::DomainError;
use crate::personal::RepresentativePersonal;
use crate::Role;

impl Complaint {
    /// SPEC V1: an immediate risk must record an escalation to emergency services.
    pub(super) fn record_safeguarding_concern(
        &self,
        cx: &Ctx,
        concern_id: String,
        kinds: Vec<ConcernKind>,
        immediate: bool,
        escalated_to: Vec<EscalatedTo>,
        note: String,
    ) -> Decision {
        self.authorise_case_work(cx)?;
        let lim = cx.lim();
        check::required("concern_id", &concern_id, lim.id)?;
        check::non_empty("kinds", &kinds)?;
        check::items("kinds", &kinds, lim.list_items)?;
        check::items("escalated_to", &escalated_to, lim.list_items)?;
        check::optional("note", &note, lim.long_text)?;
        if self.concerns.contains_key(&concern_id) {
            return Err(DomainError::DuplicateId {
                field: "concern_id",
                id: concern_id,
            });
        }
        if immediate && !escalated_to.contains(&EscalatedTo::EmergencyServices) {
            return Err(DomainError::ImmediateRiskNeedsEmergencyServices);
        }
        Ok(vec![E::SafeguardingConcernRecorded {
            meta: cx.ev(),
            concern_id,
            kinds,
            immediate,
            escalated_to,
            note,
        }])
    }

    /// SPEC V1 / L1: managers work the safeguarding queue, whichever tier the case is at.
    pub(super) fn resolve_safeguarding_concern(
        &self,
        cx: &Ctx,
        concern_id: String,
        resolution: String,
    ) -> Decision {
        let actor = &cx.meta.actor;
        if !(actor.role == Role::CrtManager && actor.team == self.team) {
            self.authorise_case_work(cx)?;
        }
        check::required("resolution", &resolution, cx.lim().long_text)?;
        match self.concerns.get(&concern_id) {
            None => Err(DomainError::UnknownId {
                field: "concern_id",
                id: concern_id,
            }),
            Some(c) if !c.open => Err(DomainError::AlreadyRecorded {
                what: "resolution of this concern",
            }),
            Some(_) => Ok(vec![E::SafeguardingConcernResolved {
                meta: cx.ev(),
                concern_id,
                resolution,
            }]),
        }
    }

    /// SPEC V2: any complex need marks the complainant vulnerable for C2.
    pub(super) fn record_complex_needs(
        &self,
        cx: &Ctx,
        needs: Vec<ComplexNeed>,
        note: String,
    ) -> Decision {
        self.authorise_case_work(cx)?;
        check::non_empty("needs", &needs)?;
        check::items("needs", &needs, cx.lim().list_items)?;
        check::optional("note", &note, cx.lim().long_text)?;
        Ok(vec![E::ComplexNeedsRecorded {
            meta: cx.ev(),
            needs,
            note,
        }])
    }

    /// SPEC P2: a representative needs the complainant's explicit consent, with its scope.
    pub(super) fn add_representative(
        &self,
        cx: &Ctx,
        representative_id: String,
        organisation: String,
        consent_scope: String,
        explicit_consent: bool,
        personal: RepresentativePersonal,
    ) -> Decision {
        self.authorise_case_work(cx)?;
        let lim = cx.lim();
        check::required("representative_id", &representative_id, lim.id)?;
        check::required("organisation", &organisation, lim.short_text)?;
        check::required("consent_scope", &consent_scope, lim.long_text)?;
        check::required("personal.name", &personal.name, lim.short_text)?;
        check::optional_opt(
            "personal.contact",
            personal.contact.as_ref(),
            lim.short_text,
        )?;
        if !explicit_consent {
            return Err(DomainError::ConsentNotExplicit);
        }
        if self.representatives.contains_key(&representative_id) {
            return Err(DomainError::DuplicateId {
                field: "representative_id",
                id: representative_id,
            });
        }
        Ok(vec![E::RepresentativeAdded {
            meta: cx.ev(),
            representative_id,
            organisation,
            consent_scope,
            personal,
        }])
    }

    /// SPEC P2.
    pub(super) fn withdraw_consent(
        &self,
        cx: &Ctx,
        representative_id: String,
        reason: String,
    ) -> Decision {
        self.authorise_case_work(cx)?;
        check::required("reason", &reason, cx.lim().long_text)?;
        match self.representatives.get(&representative_id) {
            None => Err(DomainError::UnknownId {
                field: "representative_id",
                id: representative_id,
            }),
            Some(r) if !r.consent_active => Err(DomainError::AlreadyRecorded {
                what: "the withdrawal of this consent",
            }),
            Some(_) => Ok(vec![E::ConsentWithdrawn {
                meta: cx.ev(),
                representative_id,
                reason,
            }]),
        }
    }

    pub(in crate::complaint) fn apply_concern_recorded(
        &mut self,
        concern_id: String,
        immediate: bool,
    ) {
        let concern = Concern {
            immediate,
            open: true,
        };
        self.concerns.insert(concern_id, concern);
    }

    pub(in crate::complaint) fn apply_concern_resolved(&mut self, concern_id: &str) {
        if let Some(c) = self.concerns.get_mut(concern_id) {
            c.open = false;
        }
    }

    /// Needs accumulate, each once.
    pub(in crate::complaint) fn apply_complex_needs(&mut self, needs: Vec<ComplexNeed>) {
        for n in needs {
            if !self.complex_needs.contains(&n) {
                self.complex_needs.push(n);
            }
        }
    }

    pub(in crate::complaint) fn apply_representative_added(
        &mut self,
        representative_id: String,
        organisation: String,
        consent_scope: String,
    ) {
        let representative = Representative {
            organisation,
            consent_scope,
            consent_active: true,
        };
        self.representatives
            .insert(representative_id, representative);
    }

    pub(in crate::complaint) fn apply_consent_withdrawn(&mut self, representative_id: &str) {
        if let Some(r) = self.representatives.get_mut(representative_id) {
            r.consent_active = false;
        }
    }
}
