-- Rotating a subscription's signing secret without downtime: the secret it replaced keeps signing beside the
-- new one (one Standard Webhooks signature each) until previous_secret_until, so receivers can switch over.
ALTER TABLE subscriptions
  ADD COLUMN previous_secret text,
  ADD COLUMN previous_secret_until timestamptz;
