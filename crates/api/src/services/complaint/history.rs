//! `ListComplaintHistory`: the audit trail of one complaint, read from the event store
//! itself (the record of who did what, when; read-your-writes), one page at a time in the
//! database. Personal data is stripped unless the access policy lets the caller see it.

use chrono::{DateTime, Utc};
use cqrs_es::{DomainEvent, EventEnvelope};
use redress_domain::Complaint;
use redress_projections::queries::page_size;
use tonic::{Request, Response, Status};

use super::ComplaintApi;
use crate::auth::{caller, Visibility};
use crate::command::Resource;
use crate::convert::{resource_id, timestamp_to_pb};
use crate::pb;
use crate::status;

/// Entries per page when the request gives no size, and at most.
const DEFAULT_PAGE: u32 = 100;
const MAX_PAGE: u32 = 1000;

impl ComplaintApi {
    /// One page of the history: the events after the page token's sequence. The token is
    /// the sequence of the page's last entry, given only when a later event exists.
    pub(super) async fn history(
        &self,
        request: Request<pb::ListComplaintHistoryRequest>,
    ) -> Result<Response<pb::ListComplaintHistoryResponse>, Status> {
        let (actor, r) = caller(request)?;
        let id = resource_id(&r.name, Complaint::COLLECTION, "name")?;
        self.commands.load_visible::<Complaint>(&actor, id).await?;
        let limit = page_size(
            u32::try_from(r.page_size).unwrap_or(0),
            DEFAULT_PAGE,
            MAX_PAGE,
        ) as usize;
        let after: i64 = if r.page_token.is_empty() {
            0
        } else {
            r.page_token
                .parse()
                .map_err(|_| status::invalid_page_token())?
        };
        // Sequences start at 1, so a token at or below 0 is the first page.
        let after = usize::try_from(after).unwrap_or(0);
        // One more than the page: whether it exists says whether there is a next page.
        let mut events = self
            .store
            .load_events_page::<Complaint>(id, after, limit + 1)
            .await
            .map_err(|e| status::from_store(&e))?;
        let more = events.len() > limit;
        events.truncate(limit);
        let with_personal = Complaint::shows_personal_to(&actor);
        let entries = events
            .iter()
            .map(|e| history_entry(e, with_personal))
            .collect::<Result<Vec<_>, _>>()?;
        let next_page_token = match entries.last() {
            Some(last) if more => last.sequence.to_string(),
            _ => String::new(),
        };
        Ok(Response::new(pb::ListComplaintHistoryResponse {
            entries,
            next_page_token,
        }))
    }
}

/// Removes every `personal` member (SPEC P1) from an event's JSON.
fn strip_personal(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.remove("personal");
            map.values_mut().for_each(strip_personal);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_personal),
        _ => {}
    }
}

fn history_entry(
    envelope: &EventEnvelope<Complaint>,
    with_personal: bool,
) -> Result<pb::ComplaintHistoryEntry, Status> {
    let mut data = serde_json::to_value(&envelope.payload)
        .map_err(|_| status::internal("an event could not be read"))?;
    if !with_personal {
        strip_personal(&mut data);
    }
    let meta = |k: &str| envelope.metadata.get(k).cloned().unwrap_or_default();
    let occurred = data
        .pointer("/data/occurred_at")
        .and_then(|v| v.as_str())
        .and_then(|s| s.parse::<DateTime<Utc>>().ok());
    let recorded = meta("recorded_at").parse::<DateTime<Utc>>().ok();
    Ok(pb::ComplaintHistoryEntry {
        sequence: envelope.sequence as i64,
        event_type: envelope.payload.event_type(),
        actor_user_id: meta("actor_user_id"),
        actor_role: meta("actor_role"),
        actor_team: meta("actor_team"),
        occur_time: occurred.map(timestamp_to_pb),
        record_time: recorded.map(timestamp_to_pb),
        data_json: data.to_string(),
    })
}
