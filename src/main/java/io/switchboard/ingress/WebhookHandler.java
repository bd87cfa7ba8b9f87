package io.switchboard.ingress;

import io.switchboard.api.Bus;
import io.switchboard.api.StoreWebhook;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.SwitchboardConfig.AckMode;
import io.switchboard.config.SwitchboardConfig.AuthFailureMode;
import io.switchboard.config.SwitchboardConfig.Source;
import io.switchboard.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/{source}}: auth, JSON check, durable acknowledgement (storage hands the committed body
 * on to the parser);
 * and {@code GET /webhooks/{source}}: Meta's subscription handshake.
 */
final class WebhookHandler {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookHandler.class);

  private final Vertx vertx;
  private final SwitchboardConfig config;
  private final RecentRequests recent;
  private final RateLimits limits;
  private final Meters meters;
  private final DeliveryOptions storeOptions;
  /**
   * ack: immediate answers before the write only while storage keeps up: fewer writes in flight, over all
   * event loops, than one group commit takes. Past that the answer waits for the commit, as with durable:
   * an overload slows answers (by about one group's commit). What was answered first is marked, and
   * storage queues it even past its bound, so at most about one group's worth can sit beyond it.
   */
  private final int immediateLimit;
  private int storesInFlight;

  WebhookHandler(Vertx vertx, SwitchboardConfig config, RecentRequests recent, RateLimits limits, Meters meters) {
    this.vertx = vertx;
    this.config = config;
    this.recent = recent;
    this.limits = limits;
    this.meters = meters;
    this.storeOptions = new DeliveryOptions().setSendTimeout(config.ingress().ackTimeout().toMillis());
    this.immediateLimit = Math.max(1, config.storage().maxBatchSize() / Runtime.getRuntime().availableProcessors());
  }

  /**
   * A source's per-address limit, checked before the body is read: past it, 429 with {@code Retry-After} (the
   * seconds until the window ends), counted, nothing stored. Meta and 360dialog retry later.
   */
  void limit(RoutingContext ctx, Source source) {
    if (admit(ctx.request(), source)) {
      ctx.next();
    }
  }

  /** True when the request is within its source's limit; otherwise it has been answered 429. */
  boolean admit(HttpServerRequest request, Source source) {
    long wait = source.rateLimit() == null ? 0
        : limits.acquire(source.name(), limitKey(request, source), source.rateLimit());
    if (wait == 0) {
      return true;
    }
    meters.ingressRequest(source.name(), "rate_limited");
    request.response().putHeader("Retry-After", String.valueOf(wait));
    Errors.send(request.response(), 429, "rate_limited", "too many requests from this address to " + source.name()
        + "; retry in " + wait + "s");
    return false;
  }

  /** 413 for a body over ingress.maxBodyBytes, counted per source. */
  void tooLarge(HttpServerResponse response, String source) {
    meters.ingressRequest(source, "too_large");
    Errors.send(response, 413, "payload_too_large",
        "body exceeds ingress.maxBodyBytes = " + config.ingress().maxBodyBytes());
  }

  /** The first X-Forwarded-For hop only behind a trusted proxy: anyone else could write any address there. */
  private static String limitKey(HttpServerRequest request, Source source) {
    String forwarded = source.trustProxy() ? request.getHeader("x-forwarded-for") : null;
    if (forwarded != null) {
      String first = forwarded.split(",", 2)[0].trim();
      if (!first.isEmpty()) {
        return first;
      }
    }
    return String.valueOf(clientIp(request));
  }

  void verify(RoutingContext ctx, Source source) {
    String mode = ctx.request().getParam("hub.mode");
    String token = ctx.request().getParam("hub.verify_token");
    String challenge = ctx.request().getParam("hub.challenge");
    if (mode == null && token == null && challenge == null) {
      ctx.response().putHeader("content-type", "text/plain").end(source.name() + " webhook operational");
    } else if ("subscribe".equals(mode) && WebhookAuth.tokenMatches(source.verifyToken(), token)) {
      LOG.info("webhook verified source={}", source.name());
      ctx.response().putHeader("content-type", "text/plain").end(challenge == null ? "" : challenge);
    } else {
      meters.ingressRequest(source.name(), "verification_failed");
      Errors.send(ctx, 403, "verification_failed", "hub.mode must be subscribe and hub.verify_token must match");
    }
  }

  void receive(RoutingContext ctx, Source source) {
    receive(ctx.request(), RawBody.of(ctx), source);
  }

  void receive(HttpServerRequest request, Buffer raw, Source source) {
    Instant receivedAt = Instant.now();
    long started = System.nanoTime();
    byte[] body = raw.getBytes();
    String authFailure = WebhookAuth.failure(source, request.headers(), body);
    if (authFailure != null) {
      rejectAuth(request, source, body, authFailure, receivedAt);
      return;
    }
    String notJson = JsonSyntax.problem(body);
    boolean answerFirst = notJson == null && config.ingress().ack() == AckMode.IMMEDIATE
        && storesInFlight < immediateLimit;
    StoreWebhook webhook = new StoreWebhook(source.name(), receivedAt, clientIp(request), body, notJson, answerFirst);
    Future<Long> stored = vertx.eventBus().<Long>request(Bus.STORE_WEBHOOK, webhook, storeOptions).map(m -> m.body());
    storesInFlight++;
    stored.onComplete(done -> storesInFlight--);
    if (notJson != null) {
      // Kept before answering: a 400 is never retried, so it may only go out once the row exists.
      stored.onSuccess(id -> answer(request, source, webhook, 400, "invalid", Errors.body("invalid_json",
              "body is not JSON: " + notJson + " (kept as inbound " + id + ")")))
          .onFailure(e -> answer(request, source, webhook, 503, "unavailable", Errors.body("storage_unavailable",
              "the webhook could not be stored; retry later")));
    } else if (answerFirst) {
      answer(request, source, webhook, 200, "accepted", new JsonObject().put("status", "received"));
      meters.ingressAck(Duration.ofNanos(System.nanoTime() - started));
      stored.onFailure(e -> LOG.error("LOST webhook acknowledged before commit source={} (ack: immediate): {}",
              source.name(), e.getMessage()));
    } else {
      stored.onSuccess(id -> {
        answer(request, source, webhook, 200, "accepted",
            new JsonObject().put("status", "received").put("inbound_id", id));
        meters.ingressAck(Duration.ofNanos(System.nanoTime() - started));
      }).onFailure(e -> {
        LOG.warn("storage could not commit webhook source={}; answered 503 so the provider retries: {}",
            source.name(), e.getMessage());
        answer(request, source, webhook, 503, "unavailable", Errors.body("storage_unavailable",
            "the webhook could not be stored; retry later"));
      });
    }
  }

  /** Stores nothing; 401, or 200 when the source asks to stop a provider's retry loop. */
  private void rejectAuth(HttpServerRequest request, Source source, byte[] body, String why, Instant receivedAt) {
    LOG.warn("webhook auth failed source={} ip={}: {}", source.name(), clientIp(request), why);
    StoreWebhook unstored = new StoreWebhook(source.name(), receivedAt, clientIp(request), body, null, false);
    if (source.onAuthFailure() == AuthFailureMode.ACKNOWLEDGE) {
      answer(request, source, unstored, 200, "unauthorized", new JsonObject().put("status", "ignored"), why);
    } else {
      answer(request, source, unstored, 401, "unauthorized", Errors.body("unauthorized", why), why);
    }
  }

  private void answer(HttpServerRequest request, Source source, StoreWebhook webhook, int status, String outcome,
      JsonObject body) {
    answer(request, source, webhook, status, outcome, body, null);
  }

  private void answer(HttpServerRequest request, Source source, StoreWebhook webhook, int status, String outcome,
      JsonObject body, String authFailure) {
    meters.ingressRequest(source.name(), outcome);
    // Into the ring before the answer: a client that sends its next request on another connection (another
    // event loop) as soon as it has this answer must find this one listed first.
    recent.add(webhook.receivedAt(), source.name(), "POST", webhook.clientIp(), request.headers(),
        webhook.body(), authFailure == null ? "ok" : "failed: " + authFailure, status,
        outcome + (body.containsKey("inbound_id") ? " inbound_id=" + body.getValue("inbound_id") : ""));
    request.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.toBuffer());
  }

  static String clientIp(HttpServerRequest request) {
    return request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
  }
}
