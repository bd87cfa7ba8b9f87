-- The hot path's writes, lighter (BENCHMARKS.md, "Fewer writes per delivery").
--
-- Foreign keys: every delivery inserted locked its subscription's row (FOR KEY SHARE, shared by concurrent
-- transactions, so a multixact), and every attempt logged locked its delivery's row, each a row lock, a WAL
-- record and a dirtied page. What they guarded is now done in the statements themselves: a delivery is
-- inserted only for a subscription that exists, an attempt only for a delivery that exists, deleting a
-- subscription or a delivery deletes what hangs on it, and retention purges what a race left behind.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_subscription_id_fkey;
ALTER TABLE delivery_attempts DROP CONSTRAINT delivery_attempts_delivery_id_fkey;
