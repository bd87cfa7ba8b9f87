-- The hot path's writes, lighter (BENCHMARKS.md, "Fewer writes per delivery").
--
-- Foreign keys: every delivery inserted locked its subscription's row (FOR KEY SHARE, shared by concurrent
-- transactions, so a multixact), and every attempt logged locked its delivery's row, each a row lock, a WAL
-- record and a dirtied page. What they guarded is now done in the statements themselves: a delivery is
-- inserted only for a subscription that exists, an attempt only for a delivery that exists, deleting a
-- subscription or a delivery deletes what hangs on it, and retention purges what a race left behind.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_subscription_id_fkey;
ALTER TABLE delivery_attempts DROP CONSTRAINT delivery_attempts_delivery_id_fkey;

-- Time and inbound-id indexes serve only range filters (retention, the log's date filters, stats windows) and
-- one fallback lookup; rows arrive in that order, so a block-range index answers them at a fraction of a
-- B-tree's cost per insert.
DROP INDEX inbound_webhooks_received_at;
CREATE INDEX inbound_webhooks_received_at ON inbound_webhooks USING brin (received_at)
  WITH (pages_per_range = 32, autosummarize = on);
DROP INDEX events_received_at;
CREATE INDEX events_received_at ON events USING brin (received_at) WITH (pages_per_range = 32, autosummarize = on);
DROP INDEX events_inbound_id;
CREATE INDEX events_inbound_id ON events USING brin (inbound_id) WITH (pages_per_range = 32, autosummarize = on);
DROP INDEX deliveries_created_at;
CREATE INDEX deliveries_created_at ON deliveries USING brin (created_at) WITH (pages_per_range = 32, autosummarize = on);
