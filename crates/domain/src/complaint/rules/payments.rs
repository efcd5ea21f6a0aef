//! Special payments (SPEC C9): awarded by the case manager within Delegated Financial
//! Authority (cumulative per complaint per kind), otherwise referred to the Special Payment
//! Team, which approves (possibly another amount) or declines.

use super::{Ctx, Decision};
use crate::check;
use crate::complaint::events::ComplaintEvent as E;
use crate::complaint::state::{Complaint, Payment, PaymentStatus};
use crate::complaint::types::{PaymentKind, SptDecision, Tier};
use crate::error::DomainError;
use crate::Role;

impl Complaint {
    /// SPEC C9: within DFA the case manager awards it.
    pub(super) fn award_special_payment(
        &self,
        cx: &Ctx,
        payment_id: String,
        kind: PaymentKind,
        amount_pence: u64,
        reason: String,
    ) -> Decision {
        self.authorise_case_work(cx)?;
        self.check_new_payment(cx, &payment_id, amount_pence, &reason)?;
        let limit = match kind {
            PaymentKind::ActualFinancialLoss => cx.policy.dfa.actual_financial_loss_pence,
            PaymentKind::Consolatory => cx.policy.dfa.consolatory_pence,
        };
        let total = self.delegated_total(kind).saturating_add(amount_pence);
        if total > limit {
            return Err(DomainError::AboveDelegatedAuthority {
                kind: kind.as_str(),
                total,
                limit,
            });
        }
        Ok(vec![E::SpecialPaymentAwarded {
            meta: cx.ev(),
            tier: cx.tier,
            payment_id,
            kind,
            amount_pence,
            reason,
            delegated_total_pence: total,
        }])
    }

    /// SPEC C9: above DFA, or when a review is required, the SPT decides.
    pub(super) fn refer_special_payment(
        &self,
        cx: &Ctx,
        payment_id: String,
        kind: PaymentKind,
        amount_pence: u64,
        reason: String,
    ) -> Decision {
        self.authorise_case_work(cx)?;
        self.check_new_payment(cx, &payment_id, amount_pence, &reason)?;
        Ok(vec![E::SpecialPaymentReferred {
            meta: cx.ev(),
            tier: cx.tier,
            payment_id,
            kind,
            amount_pence,
            reason,
        }])
    }

    /// SPEC C9 / section 1: only the SPT decides a referral.
    pub(super) fn decide_special_payment(
        &self,
        cx: &Ctx,
        payment_id: String,
        decision: SptDecision,
    ) -> Decision {
        cx.only(Role::SpecialPaymentTeam)?;
        let payment = match self.payments.get(&payment_id) {
            None => {
                return Err(DomainError::UnknownId {
                    field: "payment_id",
                    id: payment_id,
                })
            }
            Some(p) if p.status != PaymentStatus::AwaitingSpt => {
                return Err(DomainError::PaymentNotAwaitingSpt { payment_id })
            }
            Some(p) => p,
        };
        match decision {
            SptDecision::Approve { amount_pence } => {
                check::positive("amount_pence", amount_pence)?;
                Ok(vec![E::SpecialPaymentApproved {
                    meta: cx.ev(),
                    payment_id,
                    kind: payment.kind,
                    requested_pence: payment.requested_pence,
                    approved_pence: amount_pence,
                }])
            }
            SptDecision::Decline { reason } => {
                check::required("reason", &reason, cx.lim().long_text)?;
                Ok(vec![E::SpecialPaymentDeclined {
                    meta: cx.ev(),
                    payment_id,
                    kind: payment.kind,
                    requested_pence: payment.requested_pence,
                    reason,
                }])
            }
        }
    }

    /// SPEC C9: what a new award and a new referral both need.
    fn check_new_payment(
        &self,
        cx: &Ctx,
        payment_id: &str,
        amount_pence: u64,
        reason: &str,
    ) -> Result<(), DomainError> {
        let lim = cx.lim();
        check::required("payment_id", payment_id, lim.id)?;
        check::positive("amount_pence", amount_pence)?;
        check::required("reason", reason, lim.long_text)?;
        if !cx.tier_state.outcome.is_some_and(|o| o.warrants_redress()) {
            return Err(DomainError::PaymentNotApplicable);
        }
        if self.payments.contains_key(payment_id) {
            return Err(DomainError::DuplicateId {
                field: "payment_id",
                id: payment_id.to_string(),
            });
        }
        Ok(())
    }

    /// An award (`AwardedWithinDfa`, paid as asked) or a referral (`AwaitingSpt`, nothing
    /// paid until the SPT decides).
    pub(in crate::complaint) fn apply_new_payment(
        &mut self,
        payment_id: String,
        tier: Tier,
        kind: PaymentKind,
        requested_pence: u64,
        status: PaymentStatus,
    ) {
        let amount_pence = match status {
            PaymentStatus::AwardedWithinDfa => requested_pence,
            _ => 0,
        };
        let payment = Payment {
            tier,
            kind,
            requested_pence,
            amount_pence,
            status,
        };
        self.payments.insert(payment_id, payment);
    }

    /// The SPT's decision: the amount approved, or 0 when declined.
    pub(in crate::complaint) fn apply_spt_decision(
        &mut self,
        payment_id: &str,
        amount_pence: u64,
        status: PaymentStatus,
    ) {
        if let Some(p) = self.payments.get_mut(payment_id) {
            p.amount_pence = amount_pence;
            p.status = status;
        }
    }
}
