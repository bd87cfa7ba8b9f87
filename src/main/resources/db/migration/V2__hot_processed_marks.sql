-- Marking a body processed must not cost as much as storing it. Before: every mark was a non-HOT update
-- (the partial index below names `status`), so Postgres wrote the whole ~1 KB row again, inserted index
-- entries for it and left a dead row for vacuum. Now no index names a column the mark changes, and pages
-- keep room for the new version: the mark is a HOT update, logged as the few changed bytes.

-- The recovery sweep finds unclassified bodies above a watermark instead of through that index: every
-- inbound id at or below it is classified (or invalid, or a parse error). Kept here so a restart, or another
-- instance, starts from it. The watermark never passes an id handed out less than storage.recoveryGrace ago
-- on the database's clock: sample_id is the id sequence's value read at sample_at, and only a sample older
-- than the grace may cap it, so an insert still in flight (its id is not visible yet) is not skipped.
CREATE TABLE recovery_watermark (
  only_row    boolean     PRIMARY KEY DEFAULT true CHECK (only_row),
  inbound_id  bigint      NOT NULL,
  sample_id   bigint      NOT NULL,
  sample_at   timestamptz NOT NULL
);
-- From the start: the first sweeps scan the table once, then the watermark catches up.
INSERT INTO recovery_watermark (inbound_id, sample_id, sample_at) VALUES (0, 0, '-infinity');

DROP INDEX inbound_webhooks_unprocessed;
-- Half of each page stays free for the marked versions: with 70, 48% of the marks were HOT under load,
-- with 50 all of them (a typical 1 KB body; larger bodies are TOASTed and leave small rows). The price is
-- disk: about twice the pages for the bodies table.
ALTER TABLE inbound_webhooks SET (fillfactor = 50);
