//! The access policy in one place. First the coarse gate every request passes: the table
//! from each RPC to the roles allowed to call it ([`ACCESS_TABLE`]; methods missing from it
//! are refused, deny by default, and a test checks that every RPC of the contract has a row).
//! Then every visibility rule the services apply once a request is in: which complaints a
//! caller may read ([`check_read`]), who sees personal data ([`may_see_personal`],
//! [`may_see_correspondent`]), which team a report may cover ([`team_scope`]), gathered per
//! kind of case in [`Visibility`]. The domain adds its own finer checks on commands (own
//! team only for a `crm`, SPT-only decisions above delegated authority).

use redress_domain::{Actor, Complaint, Correspondence, Role, SystemicIssue};
use tonic::Status;

use crate::convert::optional_text;
use crate::status;

use Role::{Admin, CcrtReviewer, Crm, CrtManager, Reporting, SpecialPaymentTeam};

/// Every role.
pub const EVERYONE: &[Role] = &[
    Crm,
    CrtManager,
    CcrtReviewer,
    SpecialPaymentTeam,
    Reporting,
    Admin,
];

/// Case workers: tier 1 (crm, crt_manager) and tier 2 (ccrt_reviewer). The domain decides
/// which tier and team each may act on.
pub const CASE_WORKERS: &[Role] = &[Crm, CrtManager, CcrtReviewer];
/// Tier-1 case workers, who receive complaints.
pub const TIER1: &[Role] = &[Crm, CrtManager];
/// Everyone who may read a case: every role (personal data only for case handlers, SPEC P1;
/// which cases, [`check_read`]).
pub const CASE_READERS: &[Role] = EVERYONE;
/// Managers and reporting: caseload per person, the safeguarding queue, trend alerts and
/// the Systemic Log (SPEC 1: a CRT manager sees trend alerts; V1 a queue for managers).
pub const MANAGERS: &[Role] = &[CrtManager, CcrtReviewer, Reporting, Admin];
/// Everyone who may read a case's audit trail.
pub const HISTORY_READERS: &[Role] = &[Crm, CrtManager, CcrtReviewer, SpecialPaymentTeam, Admin];

/// The access table's rows: `Service { Method: roles, }` becomes
/// `("/redress.v1.Service/Method", roles)`.
macro_rules! rpc_roles {
    ($($service:ident { $($method:ident: $roles:expr,)* })*) => {
        &[$($(
            (concat!("/redress.v1.", stringify!($service), "/", stringify!($method)), $roles),
        )*)*]
    };
}

/// The roles allowed to call each RPC, by full gRPC path.
pub const ACCESS_TABLE: &[(&str, &[Role])] = rpc_roles! {
    CalendarService {
        ListHolidays: EVERYONE,
        AddWorkingDays: EVERYONE,
        CountWorkingDays: EVERYONE,
        AdjustCalendar: &[Admin],
        ListCalendarAdjustments: EVERYONE,
    }
    AdminService {
        ListProjections: &[Admin, Reporting],
        RebuildProjection: &[Admin],
    }
    ComplaintService {
        ReceiveComplaint: TIER1,
        GetComplaint: CASE_READERS,
        ListComplaints: CASE_READERS,
        ListComplaintHistory: HISTORY_READERS,
        RecordInitialContact: CASE_WORKERS,
        RecordInvestigationStep: CASE_WORKERS,
        ValidateEvidence: CASE_WORKERS,
        RecordStaffAssurance: CASE_WORKERS,
        AgreeResolutionPlan: CASE_WORKERS,
        ReviseResolutionPlan: CASE_WORKERS,
        RecordRootCause: CASE_WORKERS,
        RecordFindings: CASE_WORKERS,
        DecideOutcome: CASE_WORKERS,
        RecordRedress: CASE_WORKERS,
        AwardSpecialPayment: CASE_WORKERS,
        ReferSpecialPayment: CASE_WORKERS,
        DecideSpecialPayment: &[SpecialPaymentTeam],
        InviteFurtherEvidence: CASE_WORKERS,
        RecordFurtherEvidence: CASE_WORKERS,
        CommunicateOutcome: CASE_WORKERS,
        SignpostComplaint: CASE_WORKERS,
        EscalateComplaint: CASE_WORKERS,
        HoldCaseConference: CASE_WORKERS,
        AgreeFeedbackAction: CASE_WORKERS,
        ConfirmFeedbackAction: CASE_WORKERS,
        RecategoriseComplaint: CASE_WORKERS,
        RecordSafeguardingConcern: CASE_WORKERS,
        ResolveSafeguardingConcern: CASE_WORKERS,
        RecordComplexNeeds: CASE_WORKERS,
        AddRepresentative: CASE_WORKERS,
        WithdrawConsent: CASE_WORKERS,
        ReassignCaseManager: &[CrtManager, CcrtReviewer],
        RecordReferral: CASE_WORKERS,
        RecordReferralResult: CASE_WORKERS,
        RecalculateDeadlines: &[Admin],
        WithdrawComplaint: CASE_WORKERS,
        CloseComplaint: CASE_WORKERS,
    }
    CorrespondenceService {
        ReceiveCorrespondence: &[CcrtReviewer],
        GetCorrespondence: &[CcrtReviewer, Reporting, Admin],
        DraftCorrespondenceReply: &[CcrtReviewer],
        PassToTeamLeader: &[CcrtReviewer],
        AgreeCorrespondenceReply: &[CcrtReviewer],
        SendToDirector: &[CcrtReviewer],
        RecordDirectorSignature: &[CcrtReviewer],
        SendCorrespondenceReply: &[CcrtReviewer],
    }
    SystemicLogService {
        RaiseSystemicIssue: &[CrtManager],
        GetSystemicIssue: &[CrtManager, CcrtReviewer, Reporting, Admin],
        LinkComplaintToIssue: &[CrtManager],
        AddSystemicAction: &[CrtManager],
        RecordSystemicProgress: &[CrtManager],
        ResolveSystemicIssue: &[CrtManager],
    }
    ReportingService {
        ListAtRiskDeadlines: EVERYONE,
        ListDeadlinesDue: EVERYONE,
        GetTimelinessReport: EVERYONE,
        ListOutcomeCounts: EVERYONE,
        GetSpecialPaymentsReport: EVERYONE,
        ListSignpostingGaps: EVERYONE,
        ListIceWindows: EVERYONE,
        ListCaseload: EVERYONE,
        ListCaseManagerLoads: MANAGERS,
        ListOverdueFeedbackActions: EVERYONE,
        ListSafeguardingQueue: MANAGERS,
        ListTrendAlerts: MANAGERS,
        ListSystemicIssues: MANAGERS,
        WatchDeadlines: EVERYONE,
    }
};

/// Health checks and reflection need no token: load balancers and tools call them.
pub fn is_public(path: &str) -> bool {
    path.starts_with("/grpc.health.v1.Health/") || path.starts_with("/grpc.reflection.")
}

/// Whether `path` only reads (AIP Get/List, the deadline stream, calendar arithmetic): what
/// a read-only reporting replica answers. Everything else records events.
pub fn is_read(path: &str) -> bool {
    let method = path.rsplit('/').next().unwrap_or_default();
    ["Get", "List", "Watch"]
        .iter()
        .any(|verb| method.starts_with(verb))
        || matches!(method, "AddWorkingDays" | "CountWorkingDays")
}

/// The roles allowed on `path`, or `None` for an RPC that is not in the table.
pub fn allowed_roles(path: &str) -> Option<&'static [Role]> {
    ACCESS_TABLE
        .iter()
        .find(|(method, _)| *method == path)
        .map(|(_, roles)| *roles)
}

/// Roles that handle complaints and so may see the complainant's personal data (SPEC P1,
/// P3).
pub fn may_see_personal(role: Role) -> bool {
    matches!(role, Crm | CrtManager | CcrtReviewer | SpecialPaymentTeam)
}

/// Only the CCRT, who works official correspondence, sees the correspondent's personal data.
pub fn may_see_correspondent(role: Role) -> bool {
    role == CcrtReviewer
}

/// Which complaints a caller may read: tier-1 case workers only their own team's.
pub fn check_read(actor: &Actor, complaint: &Complaint) -> Result<(), Status> {
    if matches!(actor.role, Crm | CrtManager) && complaint.team != actor.team {
        return Err(status::permission_denied(
            "NOT_YOUR_TEAM",
            format!(
                "this case belongs to team {}; you may only see your own team's cases",
                complaint.team
            ),
        ));
    }
    Ok(())
}

/// The team a report or listing may cover: tier-1 roles only their own (the requested team
/// must be theirs, and none requested means theirs); other roles what they ask, or all.
pub fn team_scope(actor: &Actor, requested: &str) -> Result<Option<String>, Status> {
    let requested = optional_text(requested.to_owned());
    if matches!(actor.role, Crm | CrtManager) {
        if let Some(t) = &requested {
            if *t != actor.team {
                return Err(status::permission_denied(
                    "NOT_YOUR_TEAM",
                    format!("you may only report on your own team ({})", actor.team),
                ));
            }
        }
        return Ok(Some(actor.team.clone()));
    }
    Ok(requested)
}

/// What a caller may see of one kind of case once the access table has let them in.
pub trait Visibility {
    /// Whether `actor` may read this case: the refusal to answer with if not.
    fn check_read(&self, actor: &Actor) -> Result<(), Status>;
    /// Whether `actor` sees the personal data this kind of case holds.
    fn shows_personal_to(actor: &Actor) -> bool;
}

impl Visibility for Complaint {
    fn check_read(&self, actor: &Actor) -> Result<(), Status> {
        check_read(actor, self)
    }

    fn shows_personal_to(actor: &Actor) -> bool {
        may_see_personal(actor.role)
    }
}

/// Official correspondence: every role the table admits to `GetCorrespondence` reads it.
impl Visibility for Correspondence {
    fn check_read(&self, _actor: &Actor) -> Result<(), Status> {
        Ok(())
    }

    fn shows_personal_to(actor: &Actor) -> bool {
        may_see_correspondent(actor.role)
    }
}

/// The Systemic Log holds no personal data; every role the table admits reads it.
impl Visibility for SystemicIssue {
    fn check_read(&self, _actor: &Actor) -> Result<(), Status> {
        Ok(())
    }

    fn shows_personal_to(_actor: &Actor) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::*;
    use crate::proto::FILE_DESCRIPTOR_SET;

    /// Every RPC of the contract, as full gRPC paths.
    pub fn every_rpc() -> Vec<String> {
        let fds = prost_types::FileDescriptorSet::decode(FILE_DESCRIPTOR_SET).unwrap_or_default();
        let mut out = Vec::new();
        for file in fds.file.iter().filter(|f| f.package() == "redress.v1") {
            for service in &file.service {
                for method in &service.method {
                    out.push(format!("/redress.v1.{}/{}", service.name(), method.name()));
                }
            }
        }
        out
    }

    /// A reporting replica must refuse exactly the RPCs that record events: a new RPC whose
    /// name does not say which it is must be classified here by hand.
    #[test]
    fn reads_are_exactly_the_rpcs_that_record_nothing() {
        let reads: Vec<String> = every_rpc().into_iter().filter(|r| is_read(r)).collect();
        for expected in [
            "/redress.v1.ComplaintService/GetComplaint",
            "/redress.v1.ComplaintService/ListComplaintHistory",
            "/redress.v1.ReportingService/WatchDeadlines",
            "/redress.v1.CalendarService/CountWorkingDays",
            "/redress.v1.AdminService/ListProjections",
        ] {
            assert!(reads.iter().any(|r| r == expected), "{expected} is a read");
        }
        for write in [
            "/redress.v1.ComplaintService/ReceiveComplaint",
            "/redress.v1.CalendarService/AdjustCalendar",
            "/redress.v1.AdminService/RebuildProjection",
            "/redress.v1.CorrespondenceService/ReceiveCorrespondence",
        ] {
            assert!(!is_read(write), "{write} records events");
        }
        let writes = every_rpc().len() - reads.len();
        assert!(
            writes > 30,
            "only {writes} writes: a read verb is misclassified"
        );
    }

    #[test]
    fn tier1_roles_report_on_their_own_team_only() {
        let crm = Actor::new("u1", Crm, "crt-leeds");
        assert_eq!(team_scope(&crm, "").ok(), Some(Some("crt-leeds".into())));
        assert_eq!(
            team_scope(&crm, "crt-leeds").ok(),
            Some(Some("crt-leeds".into()))
        );
        assert!(team_scope(&crm, "crt-york").is_err());
        let reviewer = Actor::new("u2", CcrtReviewer, "ccrt");
        assert_eq!(team_scope(&reviewer, " ").ok(), Some(None));
        assert_eq!(
            team_scope(&reviewer, "crt-york").ok(),
            Some(Some("crt-york".into()))
        );
    }

    #[test]
    fn personal_data_only_for_those_who_handle_the_case() {
        let sees: Vec<Role> = EVERYONE
            .iter()
            .copied()
            .filter(|r| may_see_personal(*r))
            .collect();
        assert_eq!(sees, [Crm, CrtManager, CcrtReviewer, SpecialPaymentTeam]);
        let sees: Vec<Role> = EVERYONE
            .iter()
            .copied()
            .filter(|r| may_see_correspondent(*r))
            .collect();
        assert_eq!(sees, [CcrtReviewer]);
    }

    #[test]
    fn every_rpc_has_exactly_one_row() {
        let rpcs = every_rpc();
        assert!(!rpcs.is_empty());
        for rpc in &rpcs {
            let rows = ACCESS_TABLE.iter().filter(|(m, _)| m == rpc).count();
            assert_eq!(
                rows, 1,
                "{rpc} must appear exactly once in the access table"
            );
        }
        for (method, _) in ACCESS_TABLE {
            assert!(
                rpcs.iter().any(|r| r == method),
                "{method} is not an RPC of the contract"
            );
        }
    }
}
