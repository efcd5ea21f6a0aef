//! Event upcasting: old stored event shapes are converted to the current shape when read.
//!
//! Upcasters registered with [`crate::Store::with_upcasters`] are applied, in order, to every
//! event the store reads: aggregate loads, idempotent replays and the projection feed. Stored
//! rows are never rewritten (the history is the audit trail).

use std::sync::Arc;

use cqrs_es::persist::{EventUpcaster, SemanticVersion, SerializedEvent};
use serde_json::Value;

/// Adapts a shared upcaster to the `Box<dyn EventUpcaster>` cqrs-es wants.
pub(crate) struct SharedUpcaster(pub(crate) Arc<dyn EventUpcaster>);

impl EventUpcaster for SharedUpcaster {
    fn can_upcast(&self, event_type: &str, event_version: &str) -> bool {
        self.0.can_upcast(event_type, event_version)
    }

    fn upcast(&self, event: SerializedEvent) -> SerializedEvent {
        self.0.upcast(event)
    }
}

/// Applies each applicable upcaster in turn.
pub(crate) fn upcast(
    event: SerializedEvent,
    upcasters: &[Arc<dyn EventUpcaster>],
) -> SerializedEvent {
    upcasters.iter().fold(event, |event, u| {
        if u.can_upcast(&event.event_type, &event.event_version) {
            u.upcast(event)
        } else {
            event
        }
    })
}

/// A generic upcaster for the most common schema change: **a field was added to an event**.
///
/// For events of `event_type` whose `event_version` is older than `to_version`, it sets
/// `field` to `default` where the field is missing, and stamps the event with `to_version`.
/// cqrs-es serialises enum events externally tagged (`{"Variant": {...}}`); the field is
/// added inside the variant's object in that case, or at the top level of a plain object.
///
/// ```
/// use redress_store::AddFieldUpcaster;
/// // v1 `Incremented` had no `note`; v2 requires one.
/// let up = AddFieldUpcaster::new("Incremented", "2.0", "note", serde_json::json!(""));
/// # let _ = up;
/// ```
#[derive(Debug, Clone)]
pub struct AddFieldUpcaster {
    event_type: String,
    to_version: String,
    field: String,
    default: Value,
}

impl AddFieldUpcaster {
    /// Upcasts `event_type` events older than `to_version` by adding `field: default`.
    pub fn new(event_type: &str, to_version: &str, field: &str, default: Value) -> Self {
        Self {
            event_type: event_type.to_string(),
            to_version: to_version.to_string(),
            field: field.to_string(),
            default,
        }
    }
}

fn older(version: &str, than: &str) -> bool {
    match (
        version.parse::<SemanticVersion>(),
        than.parse::<SemanticVersion>(),
    ) {
        (Ok(v), Ok(t)) => t.supersedes(&v),
        _ => false,
    }
}

impl EventUpcaster for AddFieldUpcaster {
    fn can_upcast(&self, event_type: &str, event_version: &str) -> bool {
        event_type == self.event_type && older(event_version, &self.to_version)
    }

    fn upcast(&self, mut event: SerializedEvent) -> SerializedEvent {
        let target = match &mut event.payload {
            Value::Object(map) if map.len() == 1 && map.values().all(Value::is_object) => {
                map.values_mut().next()
            }
            other @ Value::Object(_) => Some(other),
            _ => None,
        };
        if let Some(Value::Object(obj)) = target {
            obj.entry(self.field.clone())
                .or_insert_with(|| self.default.clone());
        }
        event.event_version = self.to_version.clone();
        event
    }
}
