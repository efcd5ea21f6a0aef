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

/// The roles allowed to call each RPC, by full gRPC path.
pub const TABLE: &[(&str, &[Role])] = &[
    ("/redress.v1.CalendarService/ListHolidays", EVERYONE),
    ("/redress.v1.CalendarService/AddWorkingDays", EVERYONE),
    ("/redress.v1.CalendarService/CountWorkingDays", EVERYONE),
];

/// Health checks and reflection need no token: load balancers and tools call them.
pub fn is_public(path: &str) -> bool {
    path.starts_with("/grpc.health.v1.Health/") || path.starts_with("/grpc.reflection.")
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
