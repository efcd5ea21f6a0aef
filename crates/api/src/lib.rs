//! The gRPC face of Redress: the generated contract (`proto/redress/v1`), one service
//! implementation per module, authentication (JWT bearer tokens) and authorisation (one
//! table from RPC to roles, in [`access`]), the mapping of domain refusals to
//! `google.rpc.Status` ([`status`]), and the server assembly ([`server`]).
//!
//! It knows nothing of SQL: it talks to the domain through the store facade and to the read
//! side through the projections' query API.

pub mod access;
pub mod admin_service;
pub mod auth;
pub mod calendar_service;
pub mod complaint_service;
pub mod convert;
pub mod correspondence_service;
pub mod execute;
pub mod gate;
pub mod metrics_layer;
pub mod mutation;
pub mod reporting_service;
pub mod server;
pub mod services_in_force;
pub mod status;
pub mod systemic_service;
pub mod trace_layer;

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
