-- The bodies table becomes append-only: what classification made of a body is its own small row here, not
-- an update of the ~1 KB body row. Under load (bench/ingress.sh) the marks made Postgres write every body
-- page about twice (extension, eviction, then again after the mark or the sweep's hint bits), 7.5 KB of
-- data files per 1 KB webhook at fillfactor 50; an outcome row is ~60 bytes and an index entry.
CREATE TABLE inbound_outcomes (
  inbound_id    bigint      PRIMARY KEY,
  -- refused: Postgres refused the body's events (a data error that would recur); the body is kept.
  status        text        NOT NULL CHECK (status IN ('processed', 'parse_error', 'refused')),
  error         text,
  event_count   int         NOT NULL,
  processed_at  timestamptz NOT NULL
);

INSERT INTO inbound_outcomes (inbound_id, status, error, event_count, processed_at)
SELECT id, status, error, coalesce(event_count, 0), coalesce(processed_at, received_at)
FROM inbound_webhooks WHERE status IN ('processed', 'parse_error');

-- New body rows say only how they arrived: 'received' (authenticated JSON, to classify) or 'invalid' (kept,
-- never classified; error says why). Rows classified before this migration keep 'processed' or
-- 'parse_error': every reader asks inbound_outcomes first, and rewriting every body row here would hold
-- the table locked for as long as that takes. Dropping columns rewrites nothing.
ALTER TABLE inbound_webhooks
  DROP COLUMN event_count,
  DROP COLUMN processed_at;
-- Nothing updates a body row any more: pages are filled (V2 left half of each free for the marks).
ALTER TABLE inbound_webhooks SET (fillfactor = 100);

-- The end of the range the recovery sweep reads: the sample that last capped the watermark. Rows above it
-- wait for the next sample (one grace later), so a caught-up sweep reads nothing at all.
ALTER TABLE recovery_watermark ADD COLUMN scan_to bigint NOT NULL DEFAULT 0;
