package io.switchboard.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The values used where the config file is silent, and the keys the environment may override. */
final class ConfigDefaults {

  static final String DEFAULT_SCHEDULE = "5s,30s,2m,10m,30m,1h,3h,6h,12h";

  private ConfigDefaults() {}

  static JsonObject tree() {
    return new JsonObject()
        .put("http", new JsonObject().put("port", 8080).put("host", "0.0.0.0")
            .put("idleTimeout", "60s").put("requestReadTimeout", "30s"))
        .put("ingress", new JsonObject()
            .put("ack", "durable").put("maxBodyBytes", 1_048_576).put("ringSize", 200).put("ackTimeout", "10s"))
        .put("sources", new JsonArray())
        .put("subscriptions", new JsonArray())
        .put("delivery", new JsonObject()
            .put("timeout", "30s").put("schedule", DEFAULT_SCHEDULE).put("jitter", 0.1)
            .put("allowPrivateNetworks", false).put("allowHttp", false).put("pollInterval", "1s")
            .put("retryClientErrors", false).put("circuitThreshold", 5).put("circuitCooldown", "30s")
            .put("circuitMaxCooldown", "10m").putNull("disableAfter"))
        .put("storage", new JsonObject()
            .putNull("url")
            .put("embedded", new JsonObject().put("dataDir", "./data/pg").put("port", 0))
            .put("retentionDays", 30).put("poolSize", 8).put("maxBatchSize", 512)
            .put("recoveryGrace", "10s").put("recoveryInterval", "5s"))
        .put("admin", new JsonObject().put("apiKeys", new JsonArray()))
        .put("logging", new JsonObject().put("json", false).put("level", "info"));
  }

  /** Keys a list element may carry, so the environment can set one the file left out. */
  static final java.util.List<String> SOURCE_KEYS =
      java.util.List.of("name", "kind", "verifyToken", "appSecret", "basicAuth", "user", "pass", "onAuthFailure");

  static final java.util.List<String> SUBSCRIPTION_KEYS = java.util.List.of(
      "name", "url", "events", "source", "phoneNumberId", "secret", "format", "headers", "timeout",
      "schedule", "maxConcurrency", "ratePerMinute", "enabled");
}
