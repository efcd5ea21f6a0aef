-- Redress event store (PostgreSQL).
--
-- `events` and `snapshots` keep exactly the columns postgres-es 0.5 reads and writes, so its
-- repository works unchanged; Redress adds two columns that give every event a global,
-- gap-free order for the projection runner:
--   txid     the id of the inserting transaction (xid8, 64-bit, never wraps)
--   position taken from an identity sequence at insert time
-- Readers consume `(txid, position)` in order but only rows with
-- `txid < pg_snapshot_xmin(pg_current_snapshot())`, i.e. from transactions older than every
-- transaction still running. A transaction that took a low position but commits late is
-- therefore never skipped: nothing after it is read until it has committed or aborted.
CREATE TABLE events
(
    aggregate_type text                         NOT NULL,
    aggregate_id   text                         NOT NULL,
    sequence       bigint CHECK (sequence >= 0) NOT NULL,
    event_type     text                         NOT NULL,
    event_version  text                         NOT NULL,
    payload        json                         NOT NULL,
    metadata       json                         NOT NULL,
    position       bigint GENERATED ALWAYS AS IDENTITY,
    txid           xid8                         NOT NULL DEFAULT pg_current_xact_id(),
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
);

CREATE UNIQUE INDEX events_global_order ON events (txid, position);

-- Snapshots, exactly as postgres-es 0.5 expects.
CREATE TABLE snapshots
(
    aggregate_type   text                                 NOT NULL,
    aggregate_id     text                                 NOT NULL,
    last_sequence    bigint CHECK (last_sequence >= 0)    NOT NULL,
    current_snapshot bigint CHECK (current_snapshot >= 0) NOT NULL,
    payload          json                                 NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)
);

-- Wake projection runners (in every replica) when events commit. NOTIFY is delivered at
-- commit and de-duplicated within a transaction; runners also poll, so a lost notification
-- only delays, never loses, an event.
CREATE FUNCTION redress_notify_events() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM pg_notify('redress_events', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER events_notify
    AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION redress_notify_events();

-- Idempotency: one row per command that produced events, written in the same transaction
-- as those events, so a retried command id finds either nothing (nothing was written) or
-- the complete result.
CREATE TABLE commands
(
    command_id     text PRIMARY KEY,
    aggregate_type text        NOT NULL,
    aggregate_id   text        NOT NULL,
    first_sequence bigint      NOT NULL,
    last_sequence  bigint      NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per projection: its checkpoint in the global order, updated in the same
-- transaction as the projection's read-model writes.
CREATE TABLE projection_checkpoints
(
    name              text PRIMARY KEY,
    txid              bigint      NOT NULL DEFAULT 0,
    position          bigint      NOT NULL DEFAULT 0,
    events_applied    bigint      NOT NULL DEFAULT 0,
    rebuild_requested boolean     NOT NULL DEFAULT false,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
