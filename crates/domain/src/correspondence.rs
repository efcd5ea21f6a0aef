//! The `Correspondence` aggregate: official correspondence (SPEC section 8): POS, MP-to-DG
//! and Treat Official cases. Not a complaint: no outcome, no signposting, no escalation.
//! Flow (SPEC O3): received -> drafted -> passed to team leader -> agreed -> (POS: sent to
//! the Director -> signed) -> sent, against a policy target (default 20 working days).

use chrono::{DateTime, Utc};
use redress_calendar::Region;
use serde::{Deserialize, Serialize};

use crate::actor::Role;
use crate::check;
use crate::deadline;
use crate::error::DomainError;
use crate::meta::{CommandMeta, EventMeta};
use crate::personal::{ContactMethod, PersonalDetails};
use crate::services::DomainServices;

crate::named_enum! {
    /// SPEC O1.
    pub enum CorrespondenceKind as "correspondence kind" {
        /// Prepared for Director signature; always a written response.
        Pos = "pos",
        /// MP to Director General: drafted for own signature.
        MpToDg = "mp_to_dg",
        /// Treat Official: draft response or phone call.
        TreatOfficial = "treat_official",
    }
}

crate::named_enum! {
    /// Where the flow stands (SPEC O3).
    #[derive(Default)]
    pub enum CorrespondenceStage as "correspondence stage" {
        #[default]
        New = "new",
        Received = "received",
        Drafted = "drafted",
        WithTeamLeader = "with_team_leader",
        Agreed = "agreed",
        WithDirector = "with_director",
        Signed = "signed",
        Sent = "sent",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorrespondenceCommand {
    pub meta: CommandMeta,
    pub action: CorrespondenceAction,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum CorrespondenceAction {
    Receive {
        correspondence_id: String,
        kind: CorrespondenceKind,
        received_at: DateTime<Utc>,
        region: Region,
        subject: String,
        personal: PersonalDetails,
    },
    /// SPEC O2: the reply may refer back into operations (a named contact) or to other bodies.
    RecordDraft {
        method: ContactMethod,
        summary: String,
        refer_to: Vec<String>,
    },
    PassToTeamLeader,
    Agree,
    SendToDirector,
    RecordSigned,
    Send {
        method: ContactMethod,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum CorrespondenceEvent {
    #[serde(rename = "CorrespondenceReceived")]
    Received {
        #[serde(flatten)]
        meta: EventMeta,
        correspondence_id: String,
        kind: CorrespondenceKind,
        received_at: DateTime<Utc>,
        region: Region,
        subject: String,
        policy_version: String,
        /// SPEC O3: policy working days from receipt.
        target_due: DateTime<Utc>,
        personal: PersonalDetails,
    },
    #[serde(rename = "CorrespondenceDrafted")]
    Drafted {
        #[serde(flatten)]
        meta: EventMeta,
        method: ContactMethod,
        summary: String,
        refer_to: Vec<String>,
    },
    #[serde(rename = "CorrespondencePassedToTeamLeader")]
    PassedToTeamLeader {
        #[serde(flatten)]
        meta: EventMeta,
    },
    #[serde(rename = "CorrespondenceAgreed")]
    Agreed {
        #[serde(flatten)]
        meta: EventMeta,
    },
    #[serde(rename = "CorrespondenceSentToDirector")]
    SentToDirector {
        #[serde(flatten)]
        meta: EventMeta,
    },
    #[serde(rename = "CorrespondenceSigned")]
    Signed {
        #[serde(flatten)]
        meta: EventMeta,
    },
    #[serde(rename = "CorrespondenceSent")]
    Sent {
        #[serde(flatten)]
        meta: EventMeta,
        method: ContactMethod,
        target_due: DateTime<Utc>,
        within_target: bool,
    },
}

impl CorrespondenceEvent {
    pub const TYPES: [&'static str; 7] = [
        "CorrespondenceReceived",
        "CorrespondenceDrafted",
        "CorrespondencePassedToTeamLeader",
        "CorrespondenceAgreed",
        "CorrespondenceSentToDirector",
        "CorrespondenceSigned",
        "CorrespondenceSent",
    ];

    /// The stable name, equal to the serde tag.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Received { .. } => "CorrespondenceReceived",
            Self::Drafted { .. } => "CorrespondenceDrafted",
            Self::PassedToTeamLeader { .. } => "CorrespondencePassedToTeamLeader",
            Self::Agreed { .. } => "CorrespondenceAgreed",
            Self::SentToDirector { .. } => "CorrespondenceSentToDirector",
            Self::Signed { .. } => "CorrespondenceSigned",
            Self::Sent { .. } => "CorrespondenceSent",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Correspondence {
    pub id: String,
    pub kind: Option<CorrespondenceKind>,
    pub stage: CorrespondenceStage,
    pub policy_version: String,
    pub target_due: Option<DateTime<Utc>>,
    pub personal: Option<PersonalDetails>,
    pub draft_method: Option<ContactMethod>,
}

fn written(method: ContactMethod) -> bool {
    matches!(method, ContactMethod::Letter | ContactMethod::Email)
}

impl Correspondence {
    fn is_pos(&self) -> bool {
        self.kind == Some(CorrespondenceKind::Pos)
    }

    fn expect(
        &self,
        step: &'static str,
        stage: CorrespondenceStage,
        requires: &'static str,
    ) -> Result<(), DomainError> {
        if self.stage != stage {
            return Err(DomainError::StepOutOfOrder { step, requires });
        }
        Ok(())
    }

    /// SPEC O1 / O3: the target is set at receipt under the current policy.
    fn receive(
        &self,
        meta: &CommandMeta,
        action: CorrespondenceAction,
        services: &DomainServices,
    ) -> Result<Vec<CorrespondenceEvent>, DomainError> {
        let CorrespondenceAction::Receive {
            correspondence_id,
            kind,
            received_at,
            region,
            subject,
            personal,
        } = action
        else {
            return Err(DomainError::CaseNotFound);
        };
        if self.stage != CorrespondenceStage::New {
            return Err(DomainError::CaseAlreadyExists);
        }
        let policy = services.policies.current();
        let lim = &policy.limits;
        check::required("correspondence_id", &correspondence_id, lim.id)?;
        check::required("subject", &subject, lim.long_text)?;
        personal.check(lim)?;
        meta.check_past("received_at", received_at)?;
        let target_due = deadline::working_days_due(
            services.calendars.get(region),
            received_at,
            policy.correspondence.target_working_days,
        );
        Ok(vec![CorrespondenceEvent::Received {
            meta: meta.event(),
            correspondence_id,
            kind,
            received_at,
            region,
            subject,
            policy_version: policy.version.clone(),
            target_due,
            personal,
        }])
    }

    /// Pure decision: events or a refusal; never mutates.
    pub fn decide(
        &self,
        command: CorrespondenceCommand,
        services: &DomainServices,
    ) -> Result<Vec<CorrespondenceEvent>, DomainError> {
        let CorrespondenceCommand { meta, action } = command;
        meta.check_not_future()?;
        // SPEC 1: official correspondence is the CCRT's work.
        if meta.actor.role != Role::CcrtReviewer {
            return Err(DomainError::RoleNotPermitted {
                role: meta.actor.role,
                action: "work official correspondence",
            });
        }
        if let CorrespondenceAction::Receive { .. } = action {
            return self.receive(&meta, action, services);
        }
        if self.stage == CorrespondenceStage::New {
            return Err(DomainError::CaseNotFound);
        }
        if self.stage == CorrespondenceStage::Sent {
            return Err(DomainError::AlreadyRecorded {
                what: "the reply to this correspondence",
            });
        }
        let policy = services.policy(&self.policy_version)?;
        let lim = &policy.limits;
        let ev = meta.event();
        match action {
            CorrespondenceAction::Receive { .. } => Err(DomainError::CaseAlreadyExists),
            CorrespondenceAction::RecordDraft {
                method,
                summary,
                refer_to,
            } => {
                // A draft may be redone until the team leader agrees it.
                if !matches!(
                    self.stage,
                    CorrespondenceStage::Received
                        | CorrespondenceStage::Drafted
                        | CorrespondenceStage::WithTeamLeader
                ) {
                    return Err(DomainError::AlreadyRecorded {
                        what: "an agreed reply",
                    });
                }
                // SPEC O2: POS always needs a written response.
                if self.is_pos() && !written(method) {
                    return Err(DomainError::PosNeedsWrittenResponse);
                }
                check::required("summary", &summary, lim.long_text)?;
                check::items("refer_to", &refer_to, lim.list_items)?;
                for r in &refer_to {
                    check::required("refer_to", r, lim.short_text)?;
                }
                Ok(vec![CorrespondenceEvent::Drafted {
                    meta: ev,
                    method,
                    summary,
                    refer_to,
                }])
            }
            CorrespondenceAction::PassToTeamLeader => {
                self.expect(
                    "pass to the team leader",
                    CorrespondenceStage::Drafted,
                    "a draft",
                )?;
                Ok(vec![CorrespondenceEvent::PassedToTeamLeader { meta: ev }])
            }
            CorrespondenceAction::Agree => {
                self.expect(
                    "record agreement",
                    CorrespondenceStage::WithTeamLeader,
                    "passing the draft to the team leader",
                )?;
                Ok(vec![CorrespondenceEvent::Agreed { meta: ev }])
            }
            CorrespondenceAction::SendToDirector => {
                if !self.is_pos() {
                    return Err(DomainError::NotAPosCase);
                }
                self.expect(
                    "send to the Director",
                    CorrespondenceStage::Agreed,
                    "the team leader's agreement",
                )?;
                Ok(vec![CorrespondenceEvent::SentToDirector { meta: ev }])
            }
            CorrespondenceAction::RecordSigned => {
                if !self.is_pos() {
                    return Err(DomainError::NotAPosCase);
                }
                self.expect(
                    "record the signature",
                    CorrespondenceStage::WithDirector,
                    "sending it to the Director",
                )?;
                Ok(vec![CorrespondenceEvent::Signed { meta: ev }])
            }
            CorrespondenceAction::Send { method } => {
                if self.is_pos() {
                    if !written(method) {
                        return Err(DomainError::PosNeedsWrittenResponse);
                    }
                    self.expect(
                        "send the reply",
                        CorrespondenceStage::Signed,
                        "the Director's signature",
                    )?;
                } else {
                    self.expect(
                        "send the reply",
                        CorrespondenceStage::Agreed,
                        "the team leader's agreement",
                    )?;
                }
                let target_due = self.target_due.ok_or(DomainError::CaseNotFound)?;
                Ok(vec![CorrespondenceEvent::Sent {
                    meta: ev,
                    method,
                    target_due,
                    within_target: meta.occurred_at <= target_due,
                }])
            }
        }
    }
}

impl Correspondence {
    /// The fold: the flow moves one stage per event.
    pub(crate) fn apply_event(&mut self, event: CorrespondenceEvent) {
        match event {
            CorrespondenceEvent::Received {
                correspondence_id,
                kind,
                policy_version,
                target_due,
                personal,
                ..
            } => {
                self.id = correspondence_id;
                self.kind = Some(kind);
                self.policy_version = policy_version;
                self.target_due = Some(target_due);
                self.personal = Some(personal);
                self.stage = CorrespondenceStage::Received;
            }
            CorrespondenceEvent::Drafted { method, .. } => {
                self.draft_method = Some(method);
                self.stage = CorrespondenceStage::Drafted;
            }
            CorrespondenceEvent::PassedToTeamLeader { .. } => {
                self.stage = CorrespondenceStage::WithTeamLeader
            }
            CorrespondenceEvent::Agreed { .. } => self.stage = CorrespondenceStage::Agreed,
            CorrespondenceEvent::SentToDirector { .. } => {
                self.stage = CorrespondenceStage::WithDirector
            }
            CorrespondenceEvent::Signed { .. } => self.stage = CorrespondenceStage::Signed,
            CorrespondenceEvent::Sent { .. } => self.stage = CorrespondenceStage::Sent,
        }
    }
}

crate::aggregate::impl_aggregate! {
    aggregate: Correspondence = "correspondence",
    command: CorrespondenceCommand,
    event: CorrespondenceEvent,
}
