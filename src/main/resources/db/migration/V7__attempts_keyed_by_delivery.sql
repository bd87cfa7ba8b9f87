-- An attempt is its delivery's n-th try: (delivery_id, attempt) is its key. The surrogate id and its own index
-- went, so logging an attempt maintains one index instead of two (every delivery logs at least one).
-- Older versions could log one attempt number twice (a release racing a claim): the first logged stays.
DELETE FROM delivery_attempts a USING delivery_attempts b
WHERE a.delivery_id = b.delivery_id AND a.attempt = b.attempt AND a.id > b.id;
ALTER TABLE delivery_attempts DROP CONSTRAINT delivery_attempts_pkey;
ALTER TABLE delivery_attempts DROP COLUMN id;
DROP INDEX delivery_attempts_delivery_id;
ALTER TABLE delivery_attempts ADD PRIMARY KEY (delivery_id, attempt);
