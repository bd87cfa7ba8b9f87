package io.switchboard.ingress;

import io.switchboard.api.Bus;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.SwitchboardConfig.Source;
import io.switchboard.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.BiConsumer;

/**
 * The HTTP front door: provider webhooks, health, and the debug buffer. One instance per event loop; they
 * share the port and the ring buffer. Everything that needs Postgres is asked of storage over the bus.
 */
public final class IngressVerticle extends VerticleBase {

  private final SwitchboardConfig config;
  private final RecentRequests recent;
  private final RateLimits limits;
  private final Meters meters;

  public IngressVerticle(SwitchboardConfig config, RecentRequests recent, RateLimits limits, Meters meters) {
    this.config = config;
    this.recent = recent;
    this.limits = limits;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    WebhookHandler webhooks = new WebhookHandler(vertx, config, recent, limits, meters);
    Router router = Router.router(vertx);
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "live")));
    router.get("/health/ready").handler(this::ready);
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(meters.scrape()));
    router.route("/api/*").subRouter(ManagementApi.router(vertx, config, this::requireAdminKey));
    router.get("/webhooks/:source/debug/recent").handler(this::requireAdminKey).handler(this::recentRequests);
    router.route("/webhooks/:source").handler(ctx -> withSource(ctx, webhooks::limit));
    router.get("/webhooks/:source").handler(ctx -> withSource(ctx, webhooks::verify));
    router.post("/webhooks/:source")
        .handler(BodyHandler.create(false).setBodyLimit(config.ingress().maxBodyBytes()))
        .handler(ctx -> withSource(ctx, webhooks::receive));
    router.errorHandler(413, ctx -> tooLarge(ctx));
    router.errorHandler(404, ctx -> Errors.send(ctx, 404, "not_found", "no route for " + ctx.request().path()));
    router.errorHandler(405, ctx -> Errors.send(ctx, 405, "method_not_allowed",
        ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router.errorHandler(500, ctx -> Errors.send(ctx, 500, "internal_error", "unexpected error; see the logs"));
    return vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(false))
        .requestHandler(router)
        .listen(config.http().port(), config.http().host());
  }

  private void withSource(RoutingContext ctx, BiConsumer<RoutingContext, Source> handler) {
    String name = ctx.pathParam("source");
    config.source(name).ifPresentOrElse(source -> handler.accept(ctx, source), () -> {
      meters.ingressRequest("unknown", "unknown_source");
      Errors.send(ctx, 404, "unknown_source", "no source named '" + name + "' is configured");
    });
  }

  private void tooLarge(RoutingContext ctx) {
    String source = config.source(ctx.pathParam("source")).map(Source::name).orElse("unknown");
    meters.ingressRequest(source, "too_large");
    Errors.send(ctx, 413, "payload_too_large", "body exceeds ingress.maxBodyBytes = " + config.ingress().maxBodyBytes());
  }

  /** Ready once storage answers: migrations ran before this verticle deployed, and the pool can reach Postgres. */
  private void ready(RoutingContext ctx) {
    vertx.eventBus().request(Bus.STORAGE_PING, null, new DeliveryOptions().setSendTimeout(2000))
        .onSuccess(ok -> ctx.json(new JsonObject().put("status", "ready")))
        .onFailure(e -> Errors.send(ctx, 503, "not_ready", "storage is not reachable: " + e.getMessage()));
  }

  private void requireAdminKey(RoutingContext ctx) {
    String given = ctx.request().getHeader("x-api-key");
    boolean allowed = config.admin().apiKeys().stream().anyMatch(key -> WebhookAuth.tokenMatches(key, given));
    if (allowed) {
      ctx.next();
    } else {
      Errors.send(ctx, 401, "unauthorized", "a valid X-API-Key header is required");
    }
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
