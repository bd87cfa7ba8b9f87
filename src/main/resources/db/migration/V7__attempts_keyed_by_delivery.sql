-- An attempt is its delivery's n-th try: (delivery_id, attempt) is its key. The surrogate id and its own index
-- went, so logging an attempt maintains one index instead of two (every delivery logs at least one).
ALTER TABLE delivery_attempts DROP CONSTRAINT delivery_attempts_pkey;
ALTER TABLE delivery_attempts DROP COLUMN id;
DROP INDEX delivery_attempts_delivery_id;
ALTER TABLE delivery_attempts ADD PRIMARY KEY (delivery_id, attempt);
