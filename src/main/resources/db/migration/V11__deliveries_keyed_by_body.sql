-- The delivery log's unique (subscription_id, message_id) goes (BENCHMARKS.md, "Session 8"). Its key was the hashed
-- event id: every delivery inserted, and every one finished (not a HOT update: the status is in deliveries_due's
-- predicate), put an entry on a random leaf of the largest index of the hot path, read back from the OS and written
-- out again once the log outgrew the cache. Nothing is lost by it: a delivery is inserted only by the statement
-- that stored its event (events' key) or, for a raw one, recorded its body's outcome (inbound_outcomes' key).
--
-- What read through it reads through (subscription_id, inbound_id) instead: an inbound webhook's deliveries, and
-- the subscriptions the log names. Its keys grow with the bodies, so inserts land on the last pages.
-- The index is built first: the build blocks writes to the table (reads go on), and only the drop, at the end,
-- takes the lock that blocks reads too; both are held until the migration commits. On a log of millions the
-- build takes seconds. Instances are stopped for an upgrade anyway (README, "Upgrading").
CREATE INDEX deliveries_by_body ON deliveries (subscription_id, inbound_id);
ALTER TABLE deliveries DROP CONSTRAINT deliveries_subscription_id_message_id_key;
