//! The domain services (policy book and calendars) currently in force. Swapped whole when an
//! operator adjusts a calendar (SPEC D7), so a request always sees one consistent version.

use std::sync::{Arc, RwLock};

use redress_calendar::Calendars;
use redress_domain::DomainServices;
use redress_projections::ReadModels;
use redress_store::Store;

#[derive(Debug, Clone)]
pub struct ServicesInForce(Arc<RwLock<Arc<DomainServices>>>);

impl ServicesInForce {
    pub fn new(services: DomainServices) -> Self {
        ServicesInForce(Arc::new(RwLock::new(Arc::new(services))))
    }

    pub fn current(&self) -> Arc<DomainServices> {
        match self.0.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn calendars(&self) -> Arc<Calendars> {
        self.current().calendars.clone()
    }

    /// The read models on `reads`, judged (deadline statuses) under the policy book and
    /// calendars in force now.
    pub fn read_models(&self, reads: &Store) -> ReadModels {
        let services = self.current();
        ReadModels::new(
            reads.clone(),
            services.policies.clone(),
            services.calendars.clone(),
        )
    }

    /// Puts new calendars in force, keeping the policy book.
    pub fn replace_calendars(&self, calendars: Calendars) {
        let policies = self.current().policies.clone();
        let next = Arc::new(DomainServices {
            policies,
            calendars: Arc::new(calendars),
        });
        match self.0.write() {
            Ok(mut guard) => *guard = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
    }
}
