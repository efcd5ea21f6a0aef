//! Complainant personal data (SPEC P1). It lives only in these types, held in fields named
//! `personal`, never in general fields: a later issue encrypts them, and projections for
//! `reporting` drop them wholesale.

use serde::{Deserialize, Serialize};

use crate::check;
use crate::error::DomainError;
use crate::policy::Limits;

crate::named_enum! {
    /// How the complainant can be contacted, and how an outcome may be communicated (SPEC C2).
    #[derive(Hash)]
    pub enum ContactMethod as "contact method" {
        Phone = "phone",
        Letter = "letter",
        Email = "email",
        Sms = "sms",
    }
}

/// The complainant's identity and contact details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalDetails {
    pub name: String,
    pub address: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub preferred_contact: ContactMethod,
}

impl PersonalDetails {
    /// A name is required; every field is length-limited (SPEC D8).
    pub(crate) fn check(&self, lim: &Limits) -> Result<(), DomainError> {
        check::required("personal.name", &self.name, lim.short_text)?;
        check::optional_opt("personal.address", self.address.as_ref(), lim.long_text)?;
        check::optional_opt("personal.email", self.email.as_ref(), lim.short_text)?;
        check::optional_opt("personal.phone", self.phone.as_ref(), lim.short_text)
    }
}

/// Personal data about a third-party representative (SPEC P2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepresentativePersonal {
    pub name: String,
    /// How to reach the representative, if given.
    pub contact: Option<String>,
}
