-- Time ranges read through the primary keys (BENCHMARKS.md, "Time by id").
--
-- The three time indexes on the hot path (bodies' received_at, events' received_at, deliveries' created_at) cost
-- an entry on every insert, and deliveries' once more on every update that finishes one. A row's id is handed
-- out when it is inserted, just after its time is taken, so id order follows time order: a time bound is
-- found by a binary search over the primary key (a few dozen probes), and the range is then read by id. Readers
-- keep the exact time filter beside the id range; the range is widened by id_slack() so that rows whose
-- time is a little out of id order (another instance's clock, a slow transaction) stay inside it.

CREATE FUNCTION id_slack() RETURNS interval LANGUAGE sql IMMUTABLE AS $$ SELECT interval '1 minute' $$;

-- Where the rows of tbl whose col is at or after t start, if col follows id order: no row below the id returned
-- is at or after t, none at or above it before t (it may fall in a gap). max(id) + 1 when no row is; null when
-- the table is empty.
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
  RETURN lo;
END $$;

-- No row of tbl below this id has col at or after t (null t: no bound).
CREATE FUNCTION ids_from(tbl regclass, col name, t timestamptz) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN t IS NULL THEN -9223372036854775808
              ELSE coalesce(first_id_at(tbl, col, t - id_slack()), -9223372036854775808) END $$;

-- No row of tbl at or above this id has col before t (null t: no bound).
CREATE FUNCTION ids_before(tbl regclass, col name, t timestamptz) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN t IS NULL THEN 9223372036854775807
              ELSE coalesce(first_id_at(tbl, col, t + id_slack()), 9223372036854775807) END $$;

DROP INDEX inbound_webhooks_received_at;
DROP INDEX events_received_at;
DROP INDEX deliveries_created_at;
