//! What every mutation RPC shares: the resource name, `request_id`, `etag` and
//! `occur_time` fields, and their validation into a [`Prepared`] command for any aggregate.

use chrono::{DateTime, Utc};
use redress_domain::Actor;
use tonic::{Request, Status};

use crate::convert::{resource_id, timestamp_or};
use crate::execute::{etag, Invocation};
use crate::gate::principal;

/// The fields every mutation carries.
#[derive(Debug)]
pub struct Common<'a> {
    pub name: &'a str,
    pub request_id: &'a str,
    pub etag: &'a str,
    pub occur_time: Option<prost_types::Timestamp>,
}

/// A request that becomes one domain action.
pub trait Mutation: Send + 'static {
    type Action;
    fn common(&self) -> Common<'_>;
    fn into_action(self) -> Result<Self::Action, Status>;
}

/// Implements [`Mutation`] for a request type whose common fields have the standard names.
#[macro_export]
macro_rules! mutation {
    ($req:ty => $action:ty, |$r:ident| $body:expr) => {
        impl $crate::mutation::Mutation for $req {
            type Action = $action;
            fn common(&self) -> $crate::mutation::Common<'_> {
                $crate::mutation::Common {
                    name: &self.name,
                    request_id: &self.request_id,
                    etag: &self.etag,
                    occur_time: self.occur_time,
                }
            }
            fn into_action(self) -> Result<$action, tonic::Status> {
                let $r = self;
                $body
            }
        }
    };
}

/// A validated mutation's who, what and when, ready to execute with its action.
#[derive(Debug)]
pub struct Prepared {
    pub actor: Actor,
    pub id: String,
    pub request_id: String,
    pub expected: Option<usize>,
    pub occurred_at: DateTime<Utc>,
    pub now: DateTime<Utc>,
}

impl Prepared {
    /// The invocation for [`crate::execute::execute`].
    pub fn invocation<'a>(&'a self, collection: &'a str) -> Invocation<'a> {
        Invocation {
            actor: &self.actor,
            collection,
            id: &self.id,
            request_id: &self.request_id,
            expected: self.expected,
            now: self.now,
        }
    }
}

/// Validates the common fields of a mutation on `collection` and converts its action.
pub fn prepare<M: Mutation>(
    request: Request<M>,
    collection: &str,
) -> Result<(Prepared, M::Action), Status> {
    let actor = principal(&request)?.actor.clone();
    let req = request.into_inner();
    let now = Utc::now();
    let (id, request_id, expected, occurred_at) = {
        let c = req.common();
        (
            resource_id(c.name, collection, "name")?.to_owned(),
            c.request_id.to_owned(),
            etag(c.etag)?,
            timestamp_or(c.occur_time, now, "occur_time")?,
        )
    };
    let action = req.into_action()?;
    Ok((
        Prepared {
            actor,
            id,
            request_id,
            expected,
            occurred_at,
            now,
        },
        action,
    ))
}
