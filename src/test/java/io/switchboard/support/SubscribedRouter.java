package io.switchboard.support;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.function.BiConsumer;

/**
 * The usual management-API test setup: a fresh database, a local subscriber, the router with a config
 * subscription {@code crm} taking every event to {@code /crm} there, and an admin client.
 */
public record SubscribedRouter(CallbackServer callbacks, TestRouter router, ManagementClient api) {

  public static SubscribedRouter start(Vertx vertx) {
    return start(vertx, (callbacks, tree) -> {});
  }

  /** {@code adjust} may change the config tree (add subscriptions, tweak keys) before the router starts. */
  public static SubscribedRouter start(Vertx vertx, BiConsumer<CallbackServer, JsonObject> adjust) {
    TestPostgres.reset();
    CallbackServer callbacks = new CallbackServer(vertx).start();
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonArray("subscriptions").add(TestRouter.subscription("crm", callbacks.url("/crm"), "*"));
    adjust.accept(callbacks, tree);
    TestRouter router = TestRouter.start(vertx, tree);
    return new SubscribedRouter(callbacks, router, new ManagementClient(router));
  }
}
