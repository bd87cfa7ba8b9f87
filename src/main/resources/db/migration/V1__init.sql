-- Raw inbound requests, committed before the provider is acknowledged. The body is kept byte for byte:
-- signatures and raw fan-out depend on the exact bytes.
CREATE TABLE inbound_webhooks (
  id            bigserial   PRIMARY KEY,
  source        text        NOT NULL,
  received_at   timestamptz NOT NULL,
  client_ip     text,
  status        text        NOT NULL CHECK (status IN ('received', 'processed', 'invalid', 'parse_error')),
  error         text,
  event_count   int,
  processed_at  timestamptz,
  body          bytea       NOT NULL
);
-- The recovery sweep looks only for bodies not yet classified.
CREATE INDEX inbound_webhooks_unprocessed ON inbound_webhooks (id) WHERE status = 'received';
CREATE INDEX inbound_webhooks_received_at ON inbound_webhooks (received_at);

-- Normalized events. The id is derived from the upstream identity, so a provider's retry conflicts here.
CREATE TABLE events (
  id               text        PRIMARY KEY,
  type             text        NOT NULL,
  source           text        NOT NULL,
  inbound_id       bigint      NOT NULL,
  waba_id          text,
  phone_number_id  text,
  occurred_at      timestamptz NOT NULL,
  received_at      timestamptz NOT NULL,
  payload          json        NOT NULL
);
CREATE INDEX events_inbound_id ON events (inbound_id);
CREATE INDEX events_received_at ON events (received_at);

CREATE TABLE subscriptions (
  id               bigserial   PRIMARY KEY,
  name             text        NOT NULL UNIQUE,
  origin           text        NOT NULL CHECK (origin IN ('config', 'api')),
  url              text        NOT NULL,
  events           text[]      NOT NULL,
  source           text,
  phone_number_id  text,
  format           text        NOT NULL CHECK (format IN ('normalized', 'raw')),
  secret           text        NOT NULL,
  headers          jsonb       NOT NULL DEFAULT '{}',
  timeout_ms       bigint      NOT NULL,
  schedule_ms      bigint[]    NOT NULL,
  max_concurrency  int         NOT NULL,
  rate_per_minute  int,
  enabled          boolean     NOT NULL,
  -- Set when delivery switched the subscription off (delivery.disableAfter); the config file cannot turn
  -- it back on until its URL changes, so a restart does not resume hammering a dead endpoint.
  disabled_at      timestamptz,
  disabled_reason  text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- One event (or one raw body, message_id 'raw_<inbound id>') owed to one subscription. The schedule lives
-- here: next_attempt_at is the truth, timers are only the fast path. A claim pushes next_attempt_at past
-- the lease, so a crashed instance's work becomes due again by itself.
CREATE TABLE deliveries (
  id                bigserial   PRIMARY KEY,
  subscription_id   bigint      NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
  message_id        text        NOT NULL,
  event_type        text        NOT NULL,
  inbound_id        bigint      NOT NULL,
  phone_number_id   text,
  status            text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts          int         NOT NULL DEFAULT 0,
  next_attempt_at   timestamptz NOT NULL,
  last_status_code  int,
  last_error        text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  completed_at      timestamptz,
  UNIQUE (subscription_id, message_id)
);
CREATE INDEX deliveries_due ON deliveries (subscription_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_created_at ON deliveries (created_at);

CREATE TABLE delivery_attempts (
  id             bigserial   PRIMARY KEY,
  delivery_id    bigint      NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
  attempt        int         NOT NULL,
  started_at     timestamptz NOT NULL,
  latency_ms     bigint      NOT NULL,
  status_code    int,
  response_body  text,
  error          text,
  outcome        text        NOT NULL CHECK (outcome IN ('succeeded', 'retry', 'failed'))
);
CREATE INDEX delivery_attempts_delivery_id ON delivery_attempts (delivery_id);
