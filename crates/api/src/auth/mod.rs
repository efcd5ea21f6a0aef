//! Who is calling and what they may do: the caller's JWT bearer token (`token`), the tower
//! layer every request passes first (`layer`), and the access policy (`access`): the table
//! from each RPC to the roles allowed, and every rule about which cases and which personal
//! data a caller may see. Services ask `access`; they keep no rule of their own.

mod access;
mod layer;
mod token;

pub use access::{
    allowed_roles, is_public, is_read, team_scope, Visibility, ACCESS_TABLE, CASE_READERS,
    CASE_WORKERS, EVERYONE, HISTORY_READERS, MANAGERS, TIER1,
};
pub use layer::{caller, principal, AuthGate, AuthLayer};
pub use token::{
    bearer, unix_now, AuthError, Claims, LocalSigningKey, Principal, TokenVerifier, AUDIENCE,
    ISSUER, JWKS_FILE, SIGNING_KEY_FILE,
};
