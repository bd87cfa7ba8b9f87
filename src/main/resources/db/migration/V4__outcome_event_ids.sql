-- What each body was classified into, by id, and which of those events an earlier body had already brought
-- (a provider's retry): an inbound webhook shows its events even when they were stored under the first copy,
-- and the operator sees why nothing was delivered for it. Older rows keep null: their events are found by
-- inbound_id as before.
ALTER TABLE inbound_outcomes
  ADD COLUMN event_ids text[],
  ADD COLUMN duplicate_ids text[];
