package io.switchboard.ingress;

import static io.switchboard.ingress.ApiRequests.handle;
import static io.switchboard.ingress.ApiRequests.instant;
import static io.switchboard.ingress.ApiRequests.integer;
import static io.switchboard.ingress.ApiRequests.string;
import static io.switchboard.ingress.ApiRequests.text;

import io.switchboard.api.Bus;
import io.switchboard.api.DeleteDeliveries;
import io.switchboard.api.FindDeliveries;
import io.switchboard.api.FindWebhooks;
import io.switchboard.api.Lookup;
import io.switchboard.api.ReplayDeliveries;
import io.switchboard.api.SendTest;
import io.switchboard.api.SummarizeDeliveries;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.ingress.ApiRequests.BadParameter;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * The management API under {@code /api} (SPEC section 7), every route behind {@code X-API-Key}: the
 * delivery log, retry and replay, stats, test sends, stored events and raw bodies, and the OpenAPI
 * document. Subscriptions live in {@link SubscriptionsApi}. Every query is asked of storage over the bus.
 */
final class ManagementApi {

  static final int MAX_BODY_BYTES = 256 * 1024;
  private static final Set<String> REPLAY_FIELDS = Set.of("status", "since", "until", "subscription", "dryRun");
  private static final Set<String> INBOUND_STATUSES = Set.of("received", "processed", "parse_error", "invalid", "refused");
  private static final Set<String> DELETE_FIELDS = Set.of("instanceId", "days");
  private static final Set<String> TEST_FIELDS = Set.of("url", "secret");
  /** A classpath resource; Vert.x's file resolver serves it from the jar without blocking the loop. */
  static final String OPENAPI = "openapi.yaml";

  private final Vertx vertx;
  private final SwitchboardConfig config;
  private ManagementApi(Vertx vertx, SwitchboardConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /** The router to mount at {@code /api}; {@code adminKey} runs first on every route. */
  static Router router(Vertx vertx, SwitchboardConfig config, Handler<RoutingContext> adminKey, ClientAborts aborts) {
    ManagementApi api = new ManagementApi(vertx, config);
    Router router = Router.router(vertx);
    // The key is checked before any body is read: an unauthenticated caller cannot make us buffer 256 KiB.
    router.route().handler(adminKey);
    router.route().handler(new RawBody(MAX_BODY_BYTES, aborts));
    router.get("/openapi.yaml").handler(ctx -> ctx.response()
        .putHeader("content-type", "application/yaml; charset=utf-8").sendFile(OPENAPI));
    router.get("/webhook/logs").handler(api::logs);
    router.delete("/webhook/logs").handler(api::deleteLogs);
    router.get("/webhook/logs/:id").handler(api::log);
    router.post("/webhook/retry/:id").handler(api::retry);
    router.post("/webhook/replay").handler(api::replay);
    router.get("/webhook/stats").handler(api::stats);
    router.post("/webhook/test").handler(api::test);
    router.get("/events/:id").handler(ctx -> handle(ctx, () -> api.ask(Bus.GET_EVENT, new Lookup(ctx.pathParam("id")))));
    router.get("/inbound").handler(api::inbound);
    router.get("/endpoints").handler(ctx -> handle(ctx, () -> api.ask(Bus.DESCRIBE_ENDPOINTS, null)));
    router.get("/inbound/:id").handler(
        ctx -> handle(ctx, () -> api.ask(Bus.GET_WEBHOOK, Lookup.of(ApiRequests.id(ctx, "id")))));
    new SubscriptionsApi(vertx, config).mount(router);
    return router;
  }

  private void logs(RoutingContext ctx) {
    handle(ctx, () -> {
      String cursor = text(ctx, "cursor");
      FindDeliveries query = new FindDeliveries(text(ctx, "instanceId"), ApiRequests.status(text(ctx, "status")),
          text(ctx, "event"), text(ctx, "subscription"), integer("limit", text(ctx, "limit"), 50, 1, 500),
          cursor == null ? null : cursor(cursor));
      return ask(Bus.FIND_DELIVERIES, query);
    });
  }

  private void inbound(RoutingContext ctx) {
    handle(ctx, () -> {
      String status = text(ctx, "status");
      if (status != null && !INBOUND_STATUSES.contains(status)) {
        throw new BadParameter("status must be one of received, processed, parse_error, invalid, refused (got '"
            + status + "')");
      }
      String cursor = text(ctx, "cursor");
      FindWebhooks query = new FindWebhooks(text(ctx, "source"), status, instant("since", text(ctx, "since")),
          instant("until", text(ctx, "until")), integer("limit", text(ctx, "limit"), 50, 1, 500),
          cursor == null ? null : cursor(cursor));
      return ask(Bus.FIND_WEBHOOKS, query);
    });
  }

  private static long cursor(String cursor) {
    try {
      return Long.parseLong(cursor);
    } catch (NumberFormatException e) {
      throw new BadParameter("cursor must be a next_cursor value from a previous page (got '" + cursor + "')");
    }
  }

  private void log(RoutingContext ctx) {
    handle(ctx, () -> ask(Bus.GET_DELIVERY, Lookup.of(ApiRequests.id(ctx, "id"))));
  }

  private void retry(RoutingContext ctx) {
    handle(ctx, () -> ask(Bus.RETRY_DELIVERY, Lookup.of(ApiRequests.id(ctx, "id"))));
  }

  /**
   * {@code status} defaults to failed: replaying the dead letters is what an operator does after a fix.
   * {@code dryRun: true} only counts them ({@code {"matching": n}}), so the count can be shown before confirming.
   */
  private void replay(RoutingContext ctx) {
    handle(ctx, () -> {
      JsonObject body = ApiRequests.body(ctx, REPLAY_FIELDS);
      String status = ApiRequests.status(body.getValue("status") == null ? "failed" : String.valueOf(body.getValue("status")));
      ReplayDeliveries replay = new ReplayDeliveries(status, instant("since", string(body, "since")),
          instant("until", string(body, "until")), string(body, "subscription"));
      Object dryRun = body.getValue("dryRun", false);
      if (!(dryRun instanceof Boolean)) {
        throw new BadParameter("dryRun must be true or false");
      }
      return (Boolean) dryRun
          ? ask(Bus.COUNT_REPLAY, replay).map(matching -> new JsonObject().put("matching", matching))
          : ask(Bus.REPLAY_DELIVERIES, replay).map(queued -> new JsonObject().put("queued", queued));
    });
  }

  private void stats(RoutingContext ctx) {
    handle(ctx, () -> ask(Bus.SUMMARIZE_DELIVERIES, new SummarizeDeliveries(text(ctx, "instanceId"),
        integer("days", text(ctx, "days"), 7, 1, 36_500))));
  }

  /**
   * Parameters come in the JSON body (as SPEC writes them) or the query string, whichever is given. {@code days}
   * has no default: a bare DELETE would otherwise wipe every finished delivery, one keystroke from a typo.
   */
  private void deleteLogs(RoutingContext ctx) {
    handle(ctx, () -> {
      JsonObject body = ApiRequests.body(ctx, DELETE_FIELDS);
      String instanceId = body.getValue("instanceId") != null ? String.valueOf(body.getValue("instanceId")) : text(ctx, "instanceId");
      String days = body.getValue("days") != null ? String.valueOf(body.getValue("days")) : text(ctx, "days");
      if (days == null) {
        throw new BadParameter("days is required: deliveries finished more than that many days ago are deleted"
            + " (0 = every finished delivery)");
      }
      DeleteDeliveries request = new DeleteDeliveries(instanceId, integer("days", days, 0, 0, 36_500));
      return ask(Bus.DELETE_DELIVERIES, request).map(deleted -> new JsonObject().put("deleted", deleted));
    });
  }

  /** The secret is optional: without one a throwaway secret signs the test, and the answer shows it. */
  private void test(RoutingContext ctx) {
    handle(ctx, () -> {
      JsonObject body = ApiRequests.body(ctx, TEST_FIELDS);
      String url = httpUrl(body.getValue("url"));
      String given = string(body, "secret");
      String secret = given == null ? SubscriptionsApi.newSecret() : given;
      DeliveryOptions options = new DeliveryOptions().setSendTimeout(config.delivery().timeout().toMillis() + 5_000);
      return vertx.eventBus().<JsonObject>request(Bus.SEND_TEST, new SendTest(url, secret), options)
          .map(reply -> given == null ? reply.body().copy().put("secret", secret) : reply.body());
    });
  }

  static String httpUrl(Object value) {
    if (!(value instanceof String url) || url.isBlank()) {
      throw new BadParameter("url is required");
    }
    try {
      URI uri = new URI(url);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new BadParameter("url must be an absolute http(s) URL (got '" + url + "')");
      }
      if (uri.getPort() == 0 || uri.getPort() > 65535) {
        throw new BadParameter("url port must be between 1 and 65535 (got " + uri.getPort() + ")");
      }
      return url;
    } catch (URISyntaxException e) {
      throw new BadParameter("url is not a valid URL: " + e.getMessage());
    }
  }

  private <T> Future<T> ask(String address, Object request) {
    return vertx.eventBus().<T>request(address, request).map(Message::body);
  }
}
