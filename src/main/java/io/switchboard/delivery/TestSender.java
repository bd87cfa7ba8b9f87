package io.switchboard.delivery;

import io.switchboard.api.SendTest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Sends one signed {@code webhook.test} event for an operator checking an endpoint: same client, headers,
 * signature and SSRF guard as a real delivery, but nothing is stored and nothing is retried.
 */
final class TestSender {

  private final Sender sender;
  private final Duration timeout;

  TestSender(Sender sender, Duration timeout) {
    this.sender = sender;
    this.timeout = timeout;
  }

  /** Never fails: a refusal, a network error or a timeout is reported in {@code error}. */
  Future<JsonObject> send(SendTest test) {
    return post(test)
        .recover(e -> Future.succeededFuture(answer(null, 0, null, e.getClass().getSimpleName() + ": " + e.getMessage())));
  }

  private Future<JsonObject> post(SendTest test) {
    String id = "evt_test_" + UUID.randomUUID().toString().replace("-", "");
    Instant now = Instant.now();
    byte[] body = new JsonObject().put("id", id).put("type", "webhook.test").put("source", "switchboard")
        .put("occurred_at", now.toString()).put("received_at", now.toString())
        .put("data", new JsonObject().put("message", "Test event sent from the Switchboard management API"))
        .encode().getBytes(StandardCharsets.UTF_8);
    long started = System.nanoTime();
    return sender.signedPost(test.url(), timeout, Map.of(), new WebhookSigner(test.secret()), id, body)
        .map(response -> answer(response, (System.nanoTime() - started) / 1_000_000, id, null))
        .recover(e -> Future.succeededFuture(e instanceof Sender.Refused
            ? answer(null, 0, null, e.getMessage())
            : answer(null, (System.nanoTime() - started) / 1_000_000, id, e.getClass().getSimpleName() + ": "
                + e.getMessage())));
  }

  private static JsonObject answer(Sender.Answer response, long latencyMillis, String eventId, String error) {
    return new JsonObject().put("event_id", eventId).put("status", response == null ? null : response.status())
        .put("latency_ms", latencyMillis).put("body", response == null ? null : response.body()).put("error", error);
  }
}
