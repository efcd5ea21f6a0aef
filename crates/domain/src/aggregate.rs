//! The cqrs-es wiring every aggregate shares, written once by [`impl_aggregate!`]. Each
//! aggregate supplies three inherent functions: a pure `decide(&self, command, services)`
//! returning its events or a refusal, a fold `apply_event(&mut self, event)`, and its
//! events' stable `name()`.

/// Implements `cqrs_es::Aggregate` for an aggregate (decide first, emit after) and
/// `cqrs_es::DomainEvent` for its event type (the stable name, version "1").
macro_rules! impl_aggregate {
    (
        aggregate: $aggregate:ty = $type_name:literal,
        command: $command:ty,
        event: $event:ty $(,)?
    ) => {
        impl cqrs_es::Aggregate for $aggregate {
            const TYPE: &'static str = $type_name;
            type Command = $command;
            type Event = $event;
            type Error = $crate::error::DomainError;
            type Services = $crate::services::DomainServices;

            async fn handle(
                &mut self,
                command: Self::Command,
                services: &Self::Services,
                sink: &cqrs_es::event_sink::EventSink<Self>,
            ) -> Result<(), Self::Error> {
                // Decide first, emit after: a refusal leaves no event and no state change.
                let events = self.decide(command, services)?;
                for event in events {
                    sink.write(event, self).await;
                }
                Ok(())
            }

            fn apply(&mut self, event: Self::Event) {
                self.apply_event(event);
            }
        }

        impl cqrs_es::DomainEvent for $event {
            fn event_type(&self) -> String {
                self.name().to_string()
            }

            fn event_version(&self) -> String {
                "1".to_string()
            }
        }
    };
}

pub(crate) use impl_aggregate;
