//! Reading one aggregate: its current state (latest snapshot plus later events), its
//! events (all, or a page), and its state as it stood at a past sequence.

use cqrs_es::persist::{PersistedEventStore, SerializedEvent};
use cqrs_es::{Aggregate, EventEnvelope, EventStore};
use serde_json::Value;

use crate::error::{aggregate_error_to_store, StoreError};
use crate::repo::StoreRepository;
use crate::store::Store;
use crate::upcast::{upcast, SharedUpcaster};

/// The events of one aggregate with `$3 < sequence <= $4`, in order, at most `$5`.
const EVENTS_BETWEEN: &str = "SELECT aggregate_type, aggregate_id, sequence, event_type, \
    event_version, payload, metadata FROM events \
    WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence > $3 AND sequence <= $4 \
    ORDER BY sequence LIMIT $5";

/// An `events` row: aggregate type and id, sequence, event type and version, payload,
/// metadata.
type EventRow = (String, String, i64, String, String, Value, Value);

impl Store {
    /// The cqrs-es event store over this store's repository, with snapshots and upcasters.
    pub(crate) fn event_store<A: Aggregate>(&self) -> PersistedEventStore<StoreRepository, A> {
        let repo = StoreRepository::new(self.clone());
        let size = self.inner.config.snapshot_size;
        let es = if size == 0 {
            PersistedEventStore::new_event_store(repo)
        } else {
            PersistedEventStore::new_snapshot_store(repo, size)
        };
        es.with_upcasters(
            self.inner
                .upcasters
                .iter()
                .map(|u| Box::new(SharedUpcaster(u.clone())) as _)
                .collect(),
        )
    }

    /// Loads an aggregate (from its latest snapshot plus later events) and its version.
    pub async fn load<A: Aggregate>(&self, aggregate_id: &str) -> Result<(A, usize), StoreError> {
        let ctx = self
            .event_store::<A>()
            .load_aggregate(aggregate_id)
            .await
            .map_err(aggregate_error_to_store)?;
        Ok((ctx.aggregate, ctx.current_sequence))
    }

    /// All events of one aggregate, upcast and deserialised.
    pub async fn load_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Vec<EventEnvelope<A>>, StoreError> {
        self.event_store::<A>()
            .load_events(aggregate_id)
            .await
            .map_err(aggregate_error_to_store)
    }

    /// At most `limit` events of one aggregate with a sequence after `after_sequence`, in
    /// order, upcast and deserialised: one page of its history.
    pub async fn load_events_page<A: Aggregate>(
        &self,
        aggregate_id: &str,
        after_sequence: usize,
        limit: usize,
    ) -> Result<Vec<EventEnvelope<A>>, StoreError> {
        self.events_between::<A>(aggregate_id, after_sequence, usize::MAX, limit)
            .await
    }

    /// The aggregate as it stood right after event `sequence`, folded from its first event
    /// (no snapshot: a snapshot may be later than `sequence`), with the events numbered
    /// `from..=sequence`.
    pub(crate) async fn state_at<A: Aggregate>(
        &self,
        aggregate_id: &str,
        sequence: usize,
        from: usize,
    ) -> Result<(A, Vec<EventEnvelope<A>>), StoreError> {
        let history = self
            .events_between::<A>(aggregate_id, 0, sequence, usize::MAX)
            .await?;
        let mut aggregate = A::default();
        for e in &history {
            aggregate.apply(e.payload.clone());
        }
        let events = history.into_iter().filter(|e| e.sequence >= from).collect();
        Ok((aggregate, events))
    }

    /// The events of one aggregate with `after < sequence <= upto`, at most `limit`.
    async fn events_between<A: Aggregate>(
        &self,
        aggregate_id: &str,
        after: usize,
        upto: usize,
        limit: usize,
    ) -> Result<Vec<EventEnvelope<A>>, StoreError> {
        let bound = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        let rows: Vec<EventRow> = self
            .inner
            .db
            .acquire()
            .await?
            .conn()
            .fetch_all(
                EVENTS_BETWEEN,
                &[
                    A::TYPE.into(),
                    aggregate_id.into(),
                    bound(after).into(),
                    bound(upto).into(),
                    bound(limit).into(),
                ],
            )
            .await?;
        rows.into_iter()
            .map(|r| {
                let stored = SerializedEvent::new(r.1, r.2 as usize, r.0, r.3, r.4, r.5, r.6);
                let event = upcast(stored, &self.inner.upcasters);
                EventEnvelope::<A>::try_from(event).map_err(StoreError::from)
            })
            .collect()
    }
}
