-- Events analysts explain curves with (a product war, a bridge opening, a
-- publisher changing its method), drawn on the time charts they fall in.
-- Written by the admin (the API, the pages' form) and by imports, and few:
-- every change is a row, like alert_silences, and the latest row of an
-- event_id (by changed_at) is the event — deleted removes it. The
-- ReplacingMergeTree keeps only that row once parts merge; reads take the
-- latest with argMax and never need FINAL. date_only: at is a day's
-- midnight UTC, shown as a date.
CREATE TABLE IF NOT EXISTS events
(
    changed_at   DateTime64(6, 'UTC'),
    event_id     String,
    deleted      Bool,
    actor        String,
    at           DateTime64(3, 'UTC'),
    date_only    Bool,
    title        String,
    description  String,
    networks     Array(String),
    bridges      Array(String),
    link         String
)
ENGINE = ReplacingMergeTree(changed_at)
ORDER BY event_id;
