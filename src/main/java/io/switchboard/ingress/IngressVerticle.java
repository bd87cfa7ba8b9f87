package io.switchboard.ingress;

import io.switchboard.api.Bus;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.SwitchboardConfig.Source;
import io.switchboard.metrics.Meters;
import io.switchboard.runtime.AckLoops;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The HTTP front door: provider webhooks, health, the debug buffer, the management API and the console. One
 * instance per ack loop ({@link AckLoops}); they share the port, the ring buffer and the console's sessions.
 * Everything that needs Postgres is asked of storage over the bus.
 */
public final class IngressVerticle extends VerticleBase {

  private final SwitchboardConfig config;
  private final RecentRequests recent;
  private final RateLimits limits;
  private final Meters meters;
  private ConsoleSessions sessions;
  private final SignInThrottle throttle;
  private final AckLoops ackLoops;

  public IngressVerticle(SwitchboardConfig config, RecentRequests recent, RateLimits limits, SignInThrottle throttle,
      AckLoops ackLoops, Meters meters) {
    this.throttle = throttle;
    this.ackLoops = ackLoops;
    this.config = config;
    this.recent = recent;
    this.limits = limits;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    return ackLoops.pin(context).compose(ack -> AckLoops.on(ack, this::startOnAckLoop));
  }

  /** Its server, and so every request, lives on an ack loop: no fan-out work queues ahead of a webhook. */
  private Future<?> startOnAckLoop() {
    sessions = new ConsoleSessions(vertx, config.admin().sessionTimeout());
    vertx.setPeriodic(60_000, id -> sessions.purgeExpired());
    return ConsolePages.load(vertx).compose(this::listen);
  }

  private Future<?> listen(ConsolePages pages) {
    WebhookHandler webhooks = new WebhookHandler(vertx, config, recent, limits, meters);
    RequestDeadlines deadlines = new RequestDeadlines(vertx, config.http().requestReadTimeout().toMillis());
    ClientAborts aborts = new ClientAborts();
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      deadlines.track(ctx);
      RequestChecks.check(ctx);
    });
    router.get("/health/live").handler(this::live);
    router.get("/health/ready").handler(this::ready);
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(meters.scrape()));
    BrowserHosts hosts = new BrowserHosts(config.admin().consoleHosts());
    router.route("/console*").handler(hosts::check);
    router.route("/api/*").handler(hosts::check);
    router.route("/webhooks/:source/debug/recent").handler(hosts::check);
    new Console(config.admin(), pages, sessions, new ConsoleStreams(vertx, meters, recent), throttle).mount(router);
    router.route("/api/*").subRouter(ManagementApi.router(vertx, config, this::requireAdminKey, aborts));
    router.get("/webhooks/:source/debug/recent").handler(this::requireAdminKey).handler(this::recentRequests);
    router.route("/webhooks/:source").handler(ctx -> withSource(ctx, webhooks::limit));
    router.get("/webhooks/:source").handler(ctx -> withSource(ctx, webhooks::verify));
    router.post("/webhooks/:source")
        .handler(new RawBody(config.ingress().maxBodyBytes(), aborts))
        .handler(ctx -> withSource(ctx, webhooks::receive));
    errorHandlers(router, webhooks);
    return vertx.createHttpServer(serverOptions())
        .connectionHandler(deadlines::opened)
        .invalidRequestHandler(RequestChecks::invalidRequest)
        .requestHandler(new WebhookFastPath(config, router, webhooks, deadlines, aborts))
        .listen(config.http().port(), config.http().host());
  }

  /**
   * HTTP/1.x only: providers post HTTP/1.1, and cleartext HTTP/2 (h2c) would multiplex requests past the
   * per-connection read deadline (and is a known way around proxies' rules). No WebSocket is served, so no
   * WebSocket compression handler sits in every connection's pipeline.
   */
  private HttpServerOptions serverOptions() {
    return new HttpServerOptions().setCompressionSupported(false).setHttp2ClearTextEnabled(false)
        .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
        .setIdleTimeout((int) config.http().idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  private void errorHandlers(Router router, WebhookHandler webhooks) {
    router.errorHandler(400, RequestChecks::badRequest);
    router.errorHandler(413, ctx -> tooLarge(ctx, webhooks));
    router.errorHandler(404, ctx -> Errors.send(ctx, 404, "not_found", "no route for " + ctx.request().path()));
    router.errorHandler(405, ctx -> Errors.send(ctx, 405, "method_not_allowed",
        ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router.errorHandler(417, ctx -> RequestChecks.expectationFailed(ctx.response()));
    router.errorHandler(500, RequestChecks::unexpected);
  }

  private void withSource(RoutingContext ctx, BiConsumer<RoutingContext, Source> handler) {
    String name = ctx.pathParam("source");
    config.source(name).ifPresentOrElse(source -> handler.accept(ctx, source), () -> {
      meters.ingressRequest("unknown", "unknown_source");
      Errors.send(ctx, 404, "unknown_source", "no source named '" + name + "' is configured");
    });
  }

  /** Webhook routes count it per source; the management API's own limit is smaller. */
  private void tooLarge(RoutingContext ctx, WebhookHandler webhooks) {
    if (ctx.pathParam("source") == null) {
      Errors.send(ctx, 413, "payload_too_large", "body exceeds " + ManagementApi.MAX_BODY_BYTES + " bytes");
      return;
    }
    webhooks.tooLarge(ctx.response(), config.source(ctx.pathParam("source")).map(Source::name).orElse("unknown"));
  }

  /** Ready once storage answers: migrations ran before this verticle deployed, and the pool can reach Postgres. */
  /**
   * Live while storage has not been down longer than storage.maxDowntime: past that a restart is the remedy,
   * and saying so lets an orchestrator do it. No answer at all (a stuck storage loop) is not live either.
   */
  private void live(RoutingContext ctx) {
    vertx.eventBus().request(Bus.STORAGE_LIVENESS, null, new DeliveryOptions().setSendTimeout(5000))
        .onSuccess(ok -> ctx.json(new JsonObject().put("status", "live")))
        .onFailure(e -> Errors.send(ctx, 503, "not_live", e.getMessage()));
  }

  private void ready(RoutingContext ctx) {
    vertx.eventBus().request(Bus.STORAGE_PING, null, new DeliveryOptions().setSendTimeout(2000))
        .onSuccess(ok -> ctx.json(new JsonObject().put("status", "ready")))
        .onFailure(e -> Errors.send(ctx, 503, "not_ready", "storage is not reachable: " + e.getMessage()));
  }

  /**
   * An admin key in {@code X-API-Key}, or a console session (its cookie): then a state-changing call must also
   * pass the console's CSRF guard, since a browser sends the cookie whoever asked it to.
   */
  private void requireAdminKey(RoutingContext ctx) {
    String given = ctx.request().getHeader("x-api-key");
    if (given != null) {
      if (throttle.refuse(ctx)) {
        return;
      }
      if (config.admin().apiKeys().stream().anyMatch(key -> WebhookAuth.tokenMatches(key, given))) {
        ctx.next();
      } else {
        throttle.failed(ctx);
        Errors.send(ctx, 401, "unauthorized", "a valid X-API-Key header is required");
      }
      return;
    }
    sessions.of(ctx).ifPresentOrElse(session -> {
      String refusal = ConsoleSessions.refusal(ctx, session);
      if (refusal == null) {
        ctx.next();
      } else {
        Errors.send(ctx, 403, "forbidden", refusal);
      }
    }, () -> Errors.send(ctx, 401, "unauthorized", "a valid X-API-Key header is required"));
  }

  private void recentRequests(RoutingContext ctx) {
    int limit;
    try {
      limit = Integer.parseInt(ctx.request().getParam("limit", "50"));
    } catch (NumberFormatException e) {
      Errors.send(ctx, 400, "bad_parameter", "limit must be a whole number");
      return;
    }
    if (limit < 1 || limit > 10_000) {
      Errors.send(ctx, 400, "bad_parameter", "limit must be between 1 and 10000");
      return;
    }
    JsonArray items = new JsonArray();
    recent.recent(ctx.pathParam("source"), limit).forEach(e -> items.add(JsonObject.mapFrom(e)));
    ctx.json(new JsonObject().put("data", items));
  }
}
