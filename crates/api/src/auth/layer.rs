//! The tower layer every request passes before reaching a service: it authenticates the
//! bearer token, checks the caller's role against the access table, and hands the
//! [`Principal`] to the service through the request's extensions. Health and reflection
//! are open.

use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::future::BoxFuture;
use redress_domain::Actor;
use tonic::body::Body;
use tower::{Layer, Service};

use super::access::{allowed_roles, is_public, is_read};
use super::token::{bearer, AuthError, Principal, TokenVerifier};
use crate::status;

#[derive(Debug, Clone)]
pub struct AuthLayer {
    verifier: Arc<TokenVerifier>,
    read_only: bool,
}

impl AuthLayer {
    pub fn new(verifier: Arc<TokenVerifier>) -> Self {
        AuthLayer {
            verifier,
            read_only: false,
        }
    }

    /// On a reporting replica, refuses every RPC that would record something.
    pub fn read_only(self, read_only: bool) -> Self {
        AuthLayer { read_only, ..self }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = AuthGate<S>;

    fn layer(&self, inner: S) -> Self::Service {
        AuthGate {
            inner,
            verifier: self.verifier.clone(),
            read_only: self.read_only,
        }
    }
}

#[derive(Debug, Clone)]
pub struct AuthGate<S> {
    inner: S,
    verifier: Arc<TokenVerifier>,
    read_only: bool,
}

/// Decides one request: the principal, or the status to answer with.
fn admit(
    verifier: &TokenVerifier,
    read_only: bool,
    path: &str,
    headers: &http::HeaderMap,
) -> Result<Principal, tonic::Status> {
    let header = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let claims = bearer(header)
        .and_then(|token| verifier.verify(token))
        .map_err(|e| status::unauthenticated(&e))?;
    let roles = allowed_roles(path)
        .ok_or_else(|| status::role_not_permitted(claims.role.as_str(), path))?;
    if !roles.contains(&claims.role) {
        return Err(status::role_not_permitted(claims.role.as_str(), path));
    }
    if read_only && !is_read(path) {
        return Err(status::read_only_replica(path));
    }
    Ok(Principal {
        actor: claims.actor(),
    })
}

impl<S, B> Service<http::Request<B>> for AuthGate<S>
where
    S: Service<http::Request<B>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        let path = request.uri().path().to_owned();
        if is_public(&path) {
            return Box::pin(self.inner.call(request));
        }
        match admit(&self.verifier, self.read_only, &path, request.headers()) {
            Ok(principal) => {
                tracing::debug!(rpc = %path, user = %principal.actor.user_id, role = %principal.actor.role, "admitted");
                request.extensions_mut().insert(principal);
                Box::pin(self.inner.call(request))
            }
            Err(status) => {
                tracing::info!(rpc = %path, code = ?status.code(), "refused at the gate");
                Box::pin(async move { Ok(status.into_http()) })
            }
        }
    }
}

/// The authenticated caller of a request that passed the gate.
pub fn principal<T>(request: &tonic::Request<T>) -> Result<&Principal, tonic::Status> {
    request
        .extensions()
        .get::<Principal>()
        .ok_or_else(|| status::unauthenticated(&AuthError::MissingToken))
}

/// The caller and the message of a request that passed the gate.
pub fn caller<T>(request: tonic::Request<T>) -> Result<(Actor, T), tonic::Status> {
    let actor = principal(&request)?.actor.clone();
    Ok((actor, request.into_inner()))
}
