//! What the aggregates need from outside: the policy book and the bank-holiday calendars.
//! Passed in by the caller (cqrs-es `Services`), so the domain stays free of I/O.

use std::sync::Arc;

use redress_calendar::Calendars;

use crate::error::DomainError;
use crate::policy::{Policy, PolicyBook};

#[derive(Debug, Clone)]
pub struct DomainServices {
    pub policies: Arc<PolicyBook>,
    pub calendars: Arc<Calendars>,
}

impl DomainServices {
    pub fn new(policies: PolicyBook, calendars: Calendars) -> Self {
        DomainServices {
            policies: Arc::new(policies),
            calendars: Arc::new(calendars),
        }
    }

    /// The shipped default policy and the standard calendars.
    pub fn standard() -> Self {
        Self::new(PolicyBook::default(), Calendars::standard())
    }

    /// The policy a case was received under (SPEC D8).
    pub(crate) fn policy(&self, version: &str) -> Result<&Arc<Policy>, DomainError> {
        self.policies
            .get(version)
            .ok_or_else(|| DomainError::UnknownPolicyVersion {
                version: version.to_string(),
            })
    }
}

impl Default for DomainServices {
    fn default() -> Self {
        Self::standard()
    }
}
