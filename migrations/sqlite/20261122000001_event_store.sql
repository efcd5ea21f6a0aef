-- Redress event store (SQLite).
--
-- `events` and `snapshots` carry every column sqlite-es 0.5 reads and writes. `events` adds
-- an explicit `position INTEGER PRIMARY KEY AUTOINCREMENT` as the global order (an implicit
-- rowid may be renumbered by VACUUM; an AUTOINCREMENT key never is and is never reused). The
-- per-aggregate key is kept as a UNIQUE constraint, which is what detects concurrent writers.
-- SQLite has a single writer, so a committed position N implies all positions < N committed.
CREATE TABLE events
(
    position       integer PRIMARY KEY AUTOINCREMENT,
    aggregate_type text                          NOT NULL,
    aggregate_id   text                          NOT NULL,
    sequence       integer CHECK (sequence >= 0) NOT NULL,
    event_type     text                          NOT NULL,
    event_version  text                          NOT NULL,
    payload        text                          NOT NULL,
    metadata       text                          NOT NULL,
    UNIQUE (aggregate_type, aggregate_id, sequence)
) STRICT;

CREATE TABLE snapshots
(
    aggregate_type   text                                  NOT NULL,
    aggregate_id     text                                  NOT NULL,
    last_sequence    integer CHECK (last_sequence >= 0)    NOT NULL,
    current_snapshot integer CHECK (current_snapshot >= 0) NOT NULL,
    payload          text                                  NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)
) STRICT;

-- Idempotency records, written in the same transaction as the command's events.
CREATE TABLE commands
(
    command_id     text PRIMARY KEY,
    aggregate_type text    NOT NULL,
    aggregate_id   text    NOT NULL,
    first_sequence integer NOT NULL,
    last_sequence  integer NOT NULL,
    recorded_at    text    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

-- Projection checkpoints (txid is always 0 on SQLite; position is events.position).
CREATE TABLE projection_checkpoints
(
    name              text PRIMARY KEY,
    txid              integer NOT NULL DEFAULT 0,
    position          integer NOT NULL DEFAULT 0,
    events_applied    integer NOT NULL DEFAULT 0,
    rebuild_requested integer NOT NULL DEFAULT 0,
    updated_at        text    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

-- Runner leases: which runner may process a projection, until when (unix milliseconds).
-- A runner renews its lease on every loop; another runner may take it once it expires.
CREATE TABLE projection_leases
(
    name       text PRIMARY KEY,
    holder     text    NOT NULL,
    expires_at integer NOT NULL
) STRICT;
