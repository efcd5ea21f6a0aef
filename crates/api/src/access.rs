//! Authorisation in one place: the table from each RPC to the roles allowed to call it.
//! The domain adds its own finer checks (own team only for a `crm`, SPT-only decisions above
//! delegated authority); this table is the coarse gate every request passes first.
//! Methods missing from the table are refused (deny by default); a test checks that every
//! RPC of the contract has a row.

use redress_domain::Role;

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
/// Everyone who may read a case (personal data only for case handlers, SPEC P1).
pub const CASE_READERS: &[Role] = &[
    Crm,
    CrtManager,
    CcrtReviewer,
    SpecialPaymentTeam,
    Reporting,
    Admin,
];
/// Managers and reporting: caseload per person, the safeguarding queue, trend alerts and
/// the Systemic Log (SPEC 1: a CRT manager sees trend alerts; V1 a queue for managers).
pub const MANAGERS: &[Role] = &[CrtManager, CcrtReviewer, Reporting, Admin];
/// Everyone who may read a case's audit trail.
pub const HISTORY_READERS: &[Role] = &[Crm, CrtManager, CcrtReviewer, SpecialPaymentTeam, Admin];

/// The roles allowed to call each RPC, by full gRPC path.
pub const TABLE: &[(&str, &[Role])] = &[
    ("/redress.v1.CalendarService/ListHolidays", EVERYONE),
    ("/redress.v1.CalendarService/AddWorkingDays", EVERYONE),
    ("/redress.v1.CalendarService/CountWorkingDays", EVERYONE),
    ("/redress.v1.CalendarService/AdjustCalendar", &[Admin]),
    (
        "/redress.v1.CalendarService/ListCalendarAdjustments",
        EVERYONE,
    ),
    (
        "/redress.v1.AdminService/ListProjections",
        &[Admin, Reporting],
    ),
    ("/redress.v1.AdminService/RebuildProjection", &[Admin]),
    (
        concat!("/redress.v1.ComplaintService/", "ReceiveComplaint"),
        TIER1,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "GetComplaint"),
        CASE_READERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "ListComplaints"),
        CASE_READERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "ListComplaintHistory"),
        HISTORY_READERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "RecordInitialContact"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "RecordInvestigationStep"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "ValidateEvidence"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "RecordStaffAssurance"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "AgreeResolutionPlan"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "ReviseResolutionPlan"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "RecordRootCause"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "RecordFindings"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "DecideOutcome"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "RecordRedress"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "AwardSpecialPayment"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "ReferSpecialPayment"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "DecideSpecialPayment"),
        &[SpecialPaymentTeam],
    ),
    (
        concat!("/redress.v1.ComplaintService/", "InviteFurtherEvidence"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "RecordFurtherEvidence"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "CommunicateOutcome"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "SignpostComplaint"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "EscalateComplaint"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "HoldCaseConference"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "AgreeFeedbackAction"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "ConfirmFeedbackAction"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "RecategoriseComplaint"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "RecordSafeguardingConcern"),
        CASE_WORKERS,
    ),
    (
        concat!(
            "/redress.v1.ComplaintService/",
            "ResolveSafeguardingConcern"
        ),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "RecordComplexNeeds"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "AddRepresentative"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "WithdrawConsent"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "ReassignCaseManager"),
        &[CrtManager, CcrtReviewer],
    ),
    (
        concat!("/redress.v1.ComplaintService/", "RecordReferral"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "RecordReferralResult"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "RecalculateDeadlines"),
        &[Admin],
    ),
    (
        concat!("/redress.v1.ComplaintService/", "WithdrawComplaint"),
        CASE_WORKERS,
    ),
    (
        concat!("/redress.v1.ComplaintService/", "CloseComplaint"),
        CASE_WORKERS,
    ),
    (
        "/redress.v1.CorrespondenceService/ReceiveCorrespondence",
        &[CcrtReviewer],
    ),
    (
        "/redress.v1.CorrespondenceService/GetCorrespondence",
        &[CcrtReviewer, Reporting, Admin],
    ),
    (
        "/redress.v1.CorrespondenceService/DraftCorrespondenceReply",
        &[CcrtReviewer],
    ),
    (
        "/redress.v1.CorrespondenceService/PassToTeamLeader",
        &[CcrtReviewer],
    ),
    (
        "/redress.v1.CorrespondenceService/AgreeCorrespondenceReply",
        &[CcrtReviewer],
    ),
    (
        "/redress.v1.CorrespondenceService/SendToDirector",
        &[CcrtReviewer],
    ),
    (
        "/redress.v1.CorrespondenceService/RecordDirectorSignature",
        &[CcrtReviewer],
    ),
    (
        "/redress.v1.CorrespondenceService/SendCorrespondenceReply",
        &[CcrtReviewer],
    ),
    (
        "/redress.v1.SystemicLogService/RaiseSystemicIssue",
        &[CrtManager],
    ),
    (
        "/redress.v1.SystemicLogService/GetSystemicIssue",
        &[CrtManager, CcrtReviewer, Reporting, Admin],
    ),
    (
        "/redress.v1.SystemicLogService/LinkComplaintToIssue",
        &[CrtManager],
    ),
    (
        "/redress.v1.SystemicLogService/AddSystemicAction",
        &[CrtManager],
    ),
    (
        "/redress.v1.SystemicLogService/RecordSystemicProgress",
        &[CrtManager],
    ),
    (
        "/redress.v1.SystemicLogService/ResolveSystemicIssue",
        &[CrtManager],
    ),
    ("/redress.v1.ReportingService/ListAtRiskDeadlines", EVERYONE),
    ("/redress.v1.ReportingService/ListDeadlinesDue", EVERYONE),
    ("/redress.v1.ReportingService/GetTimelinessReport", EVERYONE),
    ("/redress.v1.ReportingService/ListOutcomeCounts", EVERYONE),
    (
        "/redress.v1.ReportingService/GetSpecialPaymentsReport",
        EVERYONE,
    ),
    ("/redress.v1.ReportingService/ListSignpostingGaps", EVERYONE),
    ("/redress.v1.ReportingService/ListIceWindows", EVERYONE),
    ("/redress.v1.ReportingService/ListCaseload", EVERYONE),
    (
        "/redress.v1.ReportingService/ListCaseManagerLoads",
        MANAGERS,
    ),
    (
        "/redress.v1.ReportingService/ListOverdueFeedbackActions",
        EVERYONE,
    ),
    (
        "/redress.v1.ReportingService/ListSafeguardingQueue",
        MANAGERS,
    ),
    ("/redress.v1.ReportingService/ListTrendAlerts", MANAGERS),
    ("/redress.v1.ReportingService/ListSystemicIssues", MANAGERS),
    ("/redress.v1.ReportingService/WatchDeadlines", EVERYONE),
];

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
    TABLE
        .iter()
        .find(|(method, _)| *method == path)
        .map(|(_, roles)| *roles)
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
    fn every_rpc_has_exactly_one_row() {
        let rpcs = every_rpc();
        assert!(!rpcs.is_empty());
        for rpc in &rpcs {
            let rows = TABLE.iter().filter(|(m, _)| m == rpc).count();
            assert_eq!(
                rows, 1,
                "{rpc} must appear exactly once in the access table"
            );
        }
        for (method, _) in TABLE {
            assert!(
                rpcs.iter().any(|r| r == method),
                "{method} is not an RPC of the contract"
            );
        }
    }
}
