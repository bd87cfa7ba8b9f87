-- Time ranges read through the primary keys (BENCHMARKS.md, "Time by id").
--
-- Three time indexes cost an entry on every insert of the hot path (bodies' and events' received_at, deliveries'
-- created_at), and deliveries' once more on the update that finishes one. A row's id is drawn as it is inserted,
-- and its time is taken just before: a body's received_at by its router as the request arrives, a delivery's
-- created_at by the insert itself (clock_timestamp(), below), an event's received_at is its body's. So id order
-- follows time order, and a time bound is found by a binary search over the primary key (a few dozen probes); the
-- range is then read by id, with the exact time filter kept beside it. ids_from and ids_before widen the range by
-- id_slack() for rows a little out of id order: routers whose clocks differ, a body that waited for its insert.
-- Rows further out of order than that may be missed by a time filter (never wrongly included, never purged early).

CREATE FUNCTION id_slack() RETURNS interval LANGUAGE sql IMMUTABLE AS $$ SELECT interval '10 minutes' $$;

-- The first id of tbl whose row's col is at or after t, if col follows id order: no row below it is at or after
-- t, none from it on is before. max(id) + 1 when no row is at or after t; null when the table is empty.
CREATE FUNCTION first_id_at(tbl regclass, col name, t timestamptz) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
  lo bigint;
  hi bigint;
  mid bigint;
  found_id bigint;
  found_at timestamptz;
BEGIN
  EXECUTE format('SELECT min(id), max(id) + 1 FROM %s', tbl) INTO lo, hi;
  IF lo IS NULL THEN
    RETURN NULL;
  END IF;
  -- Every row below lo is before t, every row at or above hi at or after it.
  WHILE lo < hi LOOP
    mid := lo + (hi - lo) / 2;
    EXECUTE format('SELECT id, %I FROM %s WHERE id >= $1 ORDER BY id LIMIT 1', col, tbl)
      INTO found_id, found_at USING mid;
    IF found_at < t THEN
      lo := found_id + 1;
    ELSE
      hi := mid;
    END IF;
  END LOOP;
  -- lo may fall in a gap: the row that ends it, so that another table's references into the gap are covered.
  EXECUTE format('SELECT min(id) FROM %s WHERE id >= $1', tbl) INTO found_id USING lo;
  RETURN coalesce(found_id, lo);
END $$;

-- No row of tbl below this id has col at or after t (null t: no bound).
CREATE FUNCTION ids_from(tbl regclass, col name, t timestamptz) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN t IS NULL THEN -9223372036854775808
              ELSE coalesce(first_id_at(tbl, col, t - id_slack()), -9223372036854775808) END $$;

-- No row of tbl at or above this id has col before t (null t: no bound).
CREATE FUNCTION ids_before(tbl regclass, col name, t timestamptz) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN t IS NULL THEN 9223372036854775807
              ELSE coalesce(first_id_at(tbl, col, t + id_slack()), 9223372036854775807) END $$;

-- The delivery's own insert time, not its transaction's: the events transaction may wait on a status mark's row
-- lock between its start and this insert.
ALTER TABLE deliveries ALTER COLUMN created_at SET DEFAULT clock_timestamp();

DROP INDEX inbound_webhooks_received_at;
DROP INDEX events_received_at;
DROP INDEX deliveries_created_at;
