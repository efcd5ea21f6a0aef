//! # redress-api
//!
//! The gRPC face of Redress: the generated contract (`proto/redress/v1`), the services, who
//! may call what and see what, and the mapping of every refusal and fault to a
//! `google.rpc.Status`. It knows nothing of SQL: it runs commands through the store and
//! reads the read side through the projections' query API.
//!
//! ## The map of this crate (in reading order)
//! | module | what it is |
//! |---|---|
//! | [`proto`], [`pb`] | the generated protobuf and gRPC code, and the descriptor set for reflection |
//! | `server.rs` | [`serve`]: the services, health and reflection, the layers, limits ([`Limits`]) and graceful shutdown, over an [`AppState`] |
//! | `auth/` | who is calling and what they may do: `token.rs` (JWT bearer tokens: [`TokenVerifier`], the embedded [`LocalSigningKey`]), `layer.rs` (the [`AuthLayer`] every request passes first), `access.rs` (the access policy: [`ACCESS_TABLE`] from RPC to roles, and every visibility rule: which complaints a caller reads, who sees personal data, which team a report covers) |
//! | `layers/` | the tower layers around every RPC, one `Observer` each over shared plumbing: `trace.rs` ([`TraceLayer`], a span per RPC joined to the caller's trace) and `metrics.rs` ([`MetricsLayer`]) |
//! | `command.rs` | the one command path: a case is a `Resource` (aggregate, protobuf resource, collection, rendering); `Commands` creates, mutates, gets and executes for every resource, with request ids, etags and the caller as actor |
//! | `services/` | one module per gRPC service: `complaint/` (`requests`, `resource`, `history`), `correspondence`, `systemic`, `reporting/` (by concern: `deadlines`, `watch`, `outcomes`, `signposting`, `caseload`, `systemic`), `calendar`, `admin` |
//! | `status.rs` | every error mapping: domain refusals, failed commands, store faults, read-model queries, tokens, the gate ([`invalid_argument`] and friends) |
//! | `convert.rs` | protobuf ↔ domain values: timestamps, dates, regions, ids, and enums by the domain's own names |
//! | `services_in_force.rs` | [`ServicesInForce`]: the policy book and calendars in force, swapped whole when an operator adjusts a calendar |

mod auth;
mod command;
mod convert;
mod layers;
mod server;
mod services;
mod services_in_force;
mod status;

pub use auth::{
    allowed_roles, bearer, is_public, is_read, unix_now, AuthError, AuthGate, AuthLayer, Claims,
    LocalSigningKey, Principal, TokenVerifier, ACCESS_TABLE, AUDIENCE, CASE_READERS, CASE_WORKERS,
    EVERYONE, HISTORY_READERS, ISSUER, JWKS_FILE, MANAGERS, SIGNING_KEY_FILE, TIER1,
};
pub use layers::{MetricsLayer, TraceLayer};
pub use server::{serve, AppState, Limits};
pub use services::{
    AdminApi, CalendarApi, ComplaintApi, CorrespondenceApi, ReportingApi, SystemicLogApi,
};
pub use services_in_force::ServicesInForce;
pub use status::{invalid_argument, ERROR_DOMAIN};

/// Generated protobuf and gRPC code.
pub mod proto {
    #![allow(clippy::all, missing_docs, missing_debug_implementations)]

    pub mod redress {
        pub mod v1 {
            include!(concat!(env!("OUT_DIR"), "/redress.v1.rs"));
        }
    }
    pub mod google {
        pub mod r#type {
            include!(concat!(env!("OUT_DIR"), "/google.r#type.rs"));
        }
        pub mod api {
            include!(concat!(env!("OUT_DIR"), "/google.api.rs"));
        }
    }

    /// The encoded descriptor set of the whole contract, for reflection and tests.
    pub const FILE_DESCRIPTOR_SET: &[u8] =
        include_bytes!(concat!(env!("OUT_DIR"), "/redress_descriptor.bin"));
}

pub use proto::redress::v1 as pb;
