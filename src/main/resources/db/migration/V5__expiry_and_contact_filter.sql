-- A subscription may give up on a delivery not accomplished within expire_after_ms of its event's receipt
-- (a call can be answered only for seconds), and may take the events of one contact only.
ALTER TABLE subscriptions
  ADD COLUMN expire_after_ms bigint,
  ADD COLUMN contact_key text;

-- 'expired': not accomplished within its subscription's expireAfter, and not attempted again. NOT VALID then
-- VALIDATE: the check of existing rows does not hold a lock that blocks writes while it scans.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
  CHECK (status IN ('pending', 'succeeded', 'failed', 'expired')) NOT VALID;
ALTER TABLE deliveries VALIDATE CONSTRAINT deliveries_status_check;
