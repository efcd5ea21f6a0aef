//! Refusals as `google.rpc.Status`: a code used consistently, a message a case manager can
//! act on, an `ErrorInfo` with a stable UPPER_SNAKE reason, and `BadRequest` field
//! violations where one field is at fault.

use std::collections::HashMap;

use redress_domain::{DomainError, ErrorKind};
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
