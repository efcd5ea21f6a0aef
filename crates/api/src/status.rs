//! Every error mapping of the API, in one place: refusals and faults as `google.rpc.Status`
//! with a code used consistently, a message a case manager can act on, an `ErrorInfo` with a
//! stable UPPER_SNAKE reason, and `BadRequest` field violations where one field is at fault.
//! Domain refusals ([`from_domain`]), failed commands ([`from_command`]), store faults
//! ([`from_store`]), read-model queries ([`from_read`]), tokens ([`unauthenticated`]) and the
//! gate's refusals all come through here.

use std::collections::HashMap;

use redress_domain::{DomainError, ErrorKind};
use redress_projections::ReadError;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::auth::AuthError;

/// The `ErrorInfo.domain` of every Redress error.
pub const ERROR_DOMAIN: &str = "redress";

fn with_info(code: Code, message: String, reason: &str, field: Option<&str>) -> Status {
    let mut details = ErrorDetails::with_error_info(reason, ERROR_DOMAIN, HashMap::new());
    if let Some(field) = field {
        details.add_bad_request_violation(field, message.clone());
    }
    Status::with_error_details(code, message, details)
}

/// A malformed request field.
pub fn invalid_argument(field: &str, message: impl Into<String>) -> Status {
    with_info(
        Code::InvalidArgument,
        message.into(),
        "INVALID_ARGUMENT",
        Some(field),
    )
}

/// A `page_token` this server did not issue.
pub fn invalid_page_token() -> Status {
    invalid_argument("page_token", "page_token is not one this server issued")
}

/// A refusal by the domain, mapped by its kind.
pub fn from_domain(err: &DomainError) -> Status {
    let code = match err.kind() {
        ErrorKind::InvalidArgument => Code::InvalidArgument,
        ErrorKind::FailedPrecondition => Code::FailedPrecondition,
        ErrorKind::PermissionDenied => Code::PermissionDenied,
        ErrorKind::NotFound => Code::NotFound,
        ErrorKind::AlreadyExists => Code::AlreadyExists,
    };
    with_info(code, err.to_string(), err.reason(), err.field())
}

/// No usable credentials.
pub fn unauthenticated(err: &AuthError) -> Status {
    let reason = match err {
        AuthError::MissingToken | AuthError::NotBearer => "TOKEN_MISSING",
        AuthError::Expired => "TOKEN_EXPIRED",
        _ => "TOKEN_INVALID",
    };
    with_info(Code::Unauthenticated, err.to_string(), reason, None)
}

/// The caller's role may not call this RPC.
pub fn role_not_permitted(role: &str, method: &str) -> Status {
    with_info(
        Code::PermissionDenied,
        format!("the {role} role may not call {method}"),
        "ROLE_NOT_PERMITTED",
        None,
    )
}

/// A reporting replica was asked to record something.
pub fn read_only_replica(method: &str) -> Status {
    with_info(
        Code::FailedPrecondition,
        format!(
            "this server is a read-only reporting replica; send {method} to a read-write server"
        ),
        "READ_ONLY_REPLICA",
        None,
    )
}

/// A fault on our side (database unreachable, a bug). The detail goes to the log, not the
/// caller.
pub fn internal(message: &str) -> Status {
    with_info(
        Code::Unavailable,
        format!("{message}; try again shortly"),
        "SERVICE_UNAVAILABLE",
        None,
    )
}

/// Optimistic concurrency lost: the caller must reload and retry.
pub fn aborted(reason: &str, message: String) -> Status {
    with_info(Code::Aborted, message, reason, None)
}

/// Something with that identity exists already.
pub fn already_exists(reason: &str, message: String, field: Option<&str>) -> Status {
    with_info(Code::AlreadyExists, message, reason, field)
}

/// Nothing by that name.
pub fn not_found(reason: &str, message: String) -> Status {
    with_info(Code::NotFound, message, reason, None)
}

/// The caller may not see or do this.
pub fn permission_denied(reason: &str, message: String) -> Status {
    with_info(Code::PermissionDenied, message, reason, None)
}

/// A failed command from the store, mapped for the caller. Faults on our side are logged
/// and reported as UNAVAILABLE without internals.
pub fn from_command<E>(err: redress_store::CommandError<E>) -> Status
where
    E: std::error::Error + AsDomainError,
{
    use redress_store::CommandError;
    match err {
        CommandError::Domain(e) => from_domain(e.as_domain()),
        CommandError::VersionMismatch { expected, actual } => aborted(
            "ETAG_MISMATCH",
            format!("the case has changed since you read it (your etag {expected}, now {actual}): reload it and try again"),
        ),
        CommandError::Conflict { attempts } => aborted(
            "CONCURRENT_MODIFICATION",
            format!("the case was being changed by someone else at the same time ({attempts} attempts): try again"),
        ),
        CommandError::CommandIdReused { .. } => already_exists(
            "REQUEST_ID_REUSED",
            "this request_id was already used for a different case: use a new request_id".into(),
            Some("request_id"),
        ),
        CommandError::Store(e) => from_store(&e),
    }
}

/// A store fault: logged in full, reported without internals.
pub fn from_store(err: &redress_store::StoreError) -> Status {
    tracing::error!(error = %err, "store error");
    internal("the case store is unavailable")
}

/// A failed read-model query: a bad page token or argument is the caller's to fix; anything
/// else is a fault, logged in full and reported without internals.
pub fn from_read(err: ReadError) -> Status {
    match err {
        ReadError::InvalidPageToken => invalid_page_token(),
        ReadError::InvalidArgument(m) => invalid_argument("request", m),
        other => {
            tracing::error!(error = %other, "read model query failed");
            internal("the reporting store is unavailable")
        }
    }
}

/// Domain errors as the API sees them.
pub trait AsDomainError {
    fn as_domain(&self) -> &DomainError;
}

impl AsDomainError for DomainError {
    fn as_domain(&self) -> &DomainError {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_errors_carry_reason_and_field() {
        let err = DomainError::FieldRequired { field: "summary" };
        let status = from_domain(&err);
        assert_eq!(status.code(), Code::InvalidArgument);
        let details = status.get_error_details();
        assert_eq!(
            details.error_info().map(|i| i.reason.as_str()),
            Some(err.reason())
        );
        let violations = details
            .bad_request()
            .map(|b| b.field_violations.clone())
            .unwrap_or_default();
        assert_eq!(
            violations.first().map(|v| v.field.as_str()),
            Some("summary")
        );
    }
}
