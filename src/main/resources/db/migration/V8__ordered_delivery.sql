-- Ordered delivery (docs/ordering.md). A subscription may take one contact's events one at a time
-- (ordering = 'contact') and drop a message's statuses that would go backwards (status_order = 'monotonic').
ALTER TABLE subscriptions
  ADD COLUMN ordering text NOT NULL DEFAULT 'none' CHECK (ordering IN ('none', 'contact')),
  ADD COLUMN status_order text NOT NULL DEFAULT 'any' CHECK (status_order IN ('any', 'monotonic')),
  ADD COLUMN ordering_hold_ms bigint NOT NULL DEFAULT 1800000;

-- An ordered delivery belongs to a sequence (its phone number and contact, or for statuses alone its message)
-- and has a place in it: its body's inbound id, then its event's position in the body. One row of a sequence
-- is its head, pending with a real next_attempt_at; the others wait at 'infinity', never due, until the head
-- ends and the next is leased. 'superseded': a status ranked below one already sent, recorded, never sent.
ALTER TABLE deliveries
  ADD COLUMN sequence_key text,
  ADD COLUMN sequence_pos int NOT NULL DEFAULT 0;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
  CHECK (status IN ('pending', 'succeeded', 'failed', 'expired', 'superseded')) NOT VALID;
ALTER TABLE deliveries VALIDATE CONSTRAINT deliveries_status_check;
CREATE INDEX deliveries_sequenced ON deliveries (subscription_id, sequence_key, inbound_id, sequence_pos, id)
  WHERE status = 'pending' AND sequence_key IS NOT NULL;

-- The highest status rank stored per subscription and message (and group participant): sent 1, delivered 2,
-- read 3, played 4. previous is the rank before the last upsert, so one statement both raises the mark and
-- tells what it was.
CREATE TABLE status_marks (
  subscription_id  bigint      NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
  status_of        text        NOT NULL,
  rank             smallint    NOT NULL,
  previous         smallint    NOT NULL DEFAULT 0,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subscription_id, status_of)
);
CREATE INDEX status_marks_updated_at ON status_marks (updated_at);
