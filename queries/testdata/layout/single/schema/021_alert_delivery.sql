-- Alert notifications sent (or attempted), one row per alert per
-- destination per notification: the delivery log a restart reads so that
-- nothing already notified is sent again. episode is the ts of the
-- alert_events row that started the firing episode the row is about. No TTL:
-- an episode may fire for longer than any TTL, and the log stays small (a row
-- per alert and destination per repeat interval at most).
CREATE TABLE IF NOT EXISTS alert_notifications
(
    sent_at         DateTime64(3, 'UTC'),
    notification_id UUID,
    rule            LowCardinality(String),
    episode         DateTime64(3, 'UTC'),
    state           Enum8('firing' = 1, 'resolved' = 2),
    destination     LowCardinality(String),
    group_key       String,
    status          Enum8('ok' = 1, 'failed' = 2),
    attempts        UInt16,
    error           String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(sent_at)
ORDER BY (rule, destination, episode, sent_at);

-- Silences, event-sourced: every change (create, expire) is a row naming who
-- made it, so this table is both the silences' state (the latest row of each
-- silence_id) and their audit log, written in one insert.
CREATE TABLE IF NOT EXISTS alert_silences
(
    changed_at  DateTime64(6, 'UTC'),
    silence_id  UUID,
    action      Enum8('create' = 1, 'expire' = 2),
    actor       String,
    matchers    Array(String),
    starts_at   DateTime64(3, 'UTC'),
    ends_at     DateTime64(3, 'UTC'),
    comment     String
)
ENGINE = MergeTree
ORDER BY (silence_id, changed_at);
