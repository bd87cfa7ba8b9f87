-- Marking a body processed must not cost as much as storing it. Before: every mark was a non-HOT update
-- (the partial index below names `status`), so Postgres wrote the whole ~1 KB row again, inserted index
-- entries for it and left a dead row for vacuum. Now no index names a column the mark changes, and pages
-- keep room for the new version: the mark is a HOT update, logged as the few changed bytes.

-- The recovery sweep finds unclassified bodies above a watermark instead of through that index: every
-- inbound id at or below it is classified (or invalid). Kept here so a restart, or another instance,
-- starts from it.
CREATE TABLE recovery_watermark (
  only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  inbound_id  bigint  NOT NULL
);
INSERT INTO recovery_watermark (inbound_id)
SELECT coalesce((SELECT min(id) - 1 FROM inbound_webhooks WHERE status = 'received'),
                (SELECT max(id) FROM inbound_webhooks),
                0);

DROP INDEX inbound_webhooks_unprocessed;
-- Half of each page stays free for the marked versions: with 70, 48% of the marks were HOT under load,
-- with 50 all of them (a typical 1 KB body; larger bodies are TOASTed and leave small rows). The price is
-- disk: about twice the pages for the bodies table.
ALTER TABLE inbound_webhooks SET (fillfactor = 50);
