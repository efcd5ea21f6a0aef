//! Authentication: JWT bearer tokens.
//!
//! Production verifies tokens with the public keys of a JWKS file (RS256 or EdDSA), issued
//! by the organisation's identity provider. The embedded default needs no identity provider:
//! on first start the server creates an Ed25519 signing key in its data directory, publishes
//! its public half as a JWKS file beside it, and `redress token` mints tokens with it.
//!
//! A token names the user (`sub`), their `role` and `team`; that triple becomes the
//! [`redress_domain::Actor`] of every command the request issues.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use ed25519_dalek::SigningKey;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use redress_domain::{Actor, Role};
use serde::{Deserialize, Serialize};

/// Issuer and audience every Redress token carries.
pub const ISSUER: &str = "redress";
pub const AUDIENCE: &str = "redress";

/// The claims of a Redress access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Staff user id.
    pub sub: String,
    pub role: Role,
    pub team: String,
    pub iss: String,
    pub aud: String,
    /// Expiry, seconds since the Unix epoch.
    pub exp: u64,
    pub iat: u64,
}

impl Claims {
    pub fn actor(&self) -> Actor {
        Actor::new(self.sub.clone(), self.role, self.team.clone())
    }
}

/// The authenticated caller, placed in each request's extensions by the auth layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub actor: Actor,
}

/// Why a token or key could not be used.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(
        "no bearer token: send `authorization: Bearer <token>` (mint one with `redress token`)"
    )]
    MissingToken,
    #[error("the authorization header is not a bearer token")]
    NotBearer,
    #[error("the token has expired; mint a new one")]
    Expired,
    #[error("the token is not valid: {0}")]
    Invalid(String),
    #[error("no key in the JWKS matches the token (kid {0:?})")]
    UnknownKey(Option<String>),
    #[error("JWKS file {path}: {reason}")]
    Jwks { path: String, reason: String },
    #[error("signing key {path}: {reason}")]
    SigningKey { path: String, reason: String },
}

/// Verifies tokens against a set of public keys.
#[derive(Clone)]
pub struct TokenVerifier {
    keys: Vec<(Option<String>, DecodingKey, Algorithm)>,
}

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("keys", &self.keys.len())
            .finish()
    }
}

impl TokenVerifier {
    /// Reads a JWKS document. Keys other than RSA (RS256) and Ed25519 (EdDSA) are refused.
    pub fn from_jwks_json(json: &str, origin: &str) -> Result<Self, AuthError> {
        let bad = |reason: String| AuthError::Jwks {
            path: origin.to_owned(),
            reason,
        };
        let set: JwkSet = serde_json::from_str(json).map_err(|e| bad(e.to_string()))?;
        let mut keys = Vec::new();
        for jwk in &set.keys {
            let alg = algorithm_of(jwk).ok_or_else(|| {
                bad("only RSA (RS256) and Ed25519 (EdDSA) keys are accepted".into())
            })?;
            let key = DecodingKey::from_jwk(jwk).map_err(|e| bad(e.to_string()))?;
            keys.push((jwk.common.key_id.clone(), key, alg));
        }
        if keys.is_empty() {
            return Err(bad("it contains no keys".into()));
        }
        Ok(TokenVerifier { keys })
    }

    pub fn from_jwks_file(path: &Path) -> Result<Self, AuthError> {
        let json = std::fs::read_to_string(path).map_err(|e| AuthError::Jwks {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::from_jwks_json(&json, &path.display().to_string())
    }

    /// Checks signature, expiry, issuer and audience, and returns the claims.
    pub fn verify(&self, token: &str) -> Result<Claims, AuthError> {
        let header =
            jsonwebtoken::decode_header(token).map_err(|e| AuthError::Invalid(e.to_string()))?;
        let candidates: Vec<_> = self
            .keys
            .iter()
            .filter(|(kid, _, alg)| {
                *alg == header.alg && (header.kid.is_none() || kid.as_ref() == header.kid.as_ref())
            })
            .collect();
        if candidates.is_empty() {
            return Err(AuthError::UnknownKey(header.kid));
        }
        let mut last = AuthError::UnknownKey(header.kid.clone());
        for (_, key, alg) in candidates {
            let mut validation = Validation::new(*alg);
            validation.set_issuer(&[ISSUER]);
            validation.set_audience(&[AUDIENCE]);
            validation.leeway = 30;
            match jsonwebtoken::decode::<Claims>(token, key, &validation) {
                Ok(data) => return Ok(data.claims),
                Err(e) => {
                    last = match e.kind() {
                        jsonwebtoken::errors::ErrorKind::ExpiredSignature => AuthError::Expired,
                        _ => AuthError::Invalid(e.to_string()),
                    }
                }
            }
        }
        Err(last)
    }
}

fn algorithm_of(jwk: &Jwk) -> Option<Algorithm> {
    use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve};
    match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => Some(Algorithm::RS256),
        AlgorithmParameters::OctetKeyPair(p) if p.curve == EllipticCurve::Ed25519 => {
            Some(Algorithm::EdDSA)
        }
        _ => None,
    }
}

/// The embedded default's own Ed25519 signing key, kept in the data directory.
pub struct LocalSigningKey {
    key: SigningKey,
    kid: String,
}

impl std::fmt::Debug for LocalSigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalSigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// File names inside the data directory.
pub const SIGNING_KEY_FILE: &str = "jwt-signing-key.pem";
pub const JWKS_FILE: &str = "jwks.json";

impl LocalSigningKey {
    /// Loads the key from `dir`, creating it (and its public JWKS) on first use. The private
    /// key file is written with owner-only permissions.
    pub fn load_or_create(dir: &Path) -> Result<Self, AuthError> {
        let path = dir.join(SIGNING_KEY_FILE);
        let err = |reason: String| AuthError::SigningKey {
            path: path.display().to_string(),
            reason,
        };
        let key = if path.exists() {
            let pem = std::fs::read_to_string(&path).map_err(|e| err(e.to_string()))?;
            SigningKey::from_pkcs8_pem(&pem).map_err(|e| err(e.to_string()))?
        } else {
            std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
            let key = SigningKey::generate(&mut rand::rngs::OsRng);
            let pem = key
                .to_pkcs8_pem(Default::default())
                .map_err(|e| err(e.to_string()))?;
            write_private(&path, pem.as_bytes()).map_err(|e| err(e.to_string()))?;
            key
        };
        let public = URL_SAFE_NO_PAD.encode(key.verifying_key().as_bytes());
        let kid = format!("local-{}", &public[..12]);
        let signer = LocalSigningKey { key, kid };
        std::fs::write(dir.join(JWKS_FILE), signer.jwks_json()).map_err(|e| err(e.to_string()))?;
        Ok(signer)
    }

    /// The public half as a JWKS document.
    pub fn jwks_json(&self) -> String {
        let x = URL_SAFE_NO_PAD.encode(self.key.verifying_key().as_bytes());
        serde_json::json!({
            "keys": [{"kty": "OKP", "crv": "Ed25519", "x": x, "kid": self.kid, "alg": "EdDSA", "use": "sig"}]
        })
        .to_string()
    }

    pub fn verifier(&self) -> Result<TokenVerifier, AuthError> {
        TokenVerifier::from_jwks_json(&self.jwks_json(), "local signing key")
    }

    /// Mints a token valid for `ttl_seconds` from `now_unix`.
    pub fn mint(
        &self,
        actor: &Actor,
        now_unix: u64,
        ttl_seconds: u64,
    ) -> Result<String, AuthError> {
        let claims = Claims {
            sub: actor.user_id.clone(),
            role: actor.role,
            team: actor.team.clone(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now_unix,
            exp: now_unix + ttl_seconds,
        };
        let der = self
            .key
            .to_pkcs8_der()
            .map_err(|e| AuthError::Invalid(e.to_string()))?;
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ed_der(der.as_bytes()))
            .map_err(|e| AuthError::Invalid(e.to_string()))
    }
}

fn write_private(path: &PathBuf, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(bytes)
}

/// Seconds since the Unix epoch, read at the binary's edge (never in the domain).
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The bearer token of an `authorization` header value.
pub fn bearer(header: Option<&str>) -> Result<&str, AuthError> {
    let value = header.ok_or(AuthError::MissingToken)?;
    let (scheme, token) = value.split_once(' ').ok_or(AuthError::NotBearer)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(AuthError::NotBearer);
    }
    Ok(token.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "redress-auth-{}-{}",
            std::process::id(),
            rand::random::<u64>()
        ));
        std::fs::create_dir_all(&dir).ok();
        dir
    }

    #[test]
    fn minted_tokens_verify_and_keys_persist() -> Result<(), AuthError> {
        let dir = temp_dir();
        let key = LocalSigningKey::load_or_create(&dir)?;
        let actor = Actor::new("u1", Role::Crm, "crt-leeds");
        let now = unix_now();
        let token = key.mint(&actor, now, 3600)?;
        let claims = key.verifier()?.verify(&token)?;
        assert_eq!(claims.actor(), actor);
        // Reloaded from disk: same key, and the JWKS file verifies too.
        let again = LocalSigningKey::load_or_create(&dir)?;
        assert_eq!(again.kid, key.kid);
        let from_file = TokenVerifier::from_jwks_file(&dir.join(JWKS_FILE))?;
        assert!(from_file.verify(&token).is_ok());
        std::fs::remove_dir_all(&dir).ok();
        Ok(())
    }

    #[test]
    fn expired_and_foreign_tokens_are_refused() -> Result<(), AuthError> {
        let (a, b) = (temp_dir(), temp_dir());
        let key = LocalSigningKey::load_or_create(&a)?;
        let other = LocalSigningKey::load_or_create(&b)?;
        let actor = Actor::new("u1", Role::Admin, "ops");
        let expired = key.mint(&actor, unix_now() - 7200, 60)?;
        assert!(matches!(
            key.verifier()?.verify(&expired),
            Err(AuthError::Expired)
        ));
        let foreign = other.mint(&actor, unix_now(), 60)?;
        assert!(key.verifier()?.verify(&foreign).is_err());
        assert!(key.verifier()?.verify("not.a.token").is_err());
        std::fs::remove_dir_all(&a).ok();
        std::fs::remove_dir_all(&b).ok();
        Ok(())
    }

    #[test]
    fn bearer_header_parsing() {
        assert_eq!(bearer(Some("Bearer abc")).ok(), Some("abc"));
        assert!(matches!(bearer(None), Err(AuthError::MissingToken)));
        assert!(matches!(
            bearer(Some("Basic abc")),
            Err(AuthError::NotBearer)
        ));
    }
}
