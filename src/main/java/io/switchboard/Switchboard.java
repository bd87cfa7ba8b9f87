package io.switchboard;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.delivery.DeliveryVerticle;
import io.switchboard.ingress.IngressVerticle;
import io.switchboard.ingress.RecentRequests;
import io.switchboard.metrics.Meters;
import io.switchboard.parser.ParserVerticle;
import io.switchboard.storage.StorageVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Deploys the four verticles in dependency order: storage (Postgres up and migrated) → parser → delivery →
 * ingress, so nothing is accepted before it can be committed.
 */
public final class Switchboard {

  private Switchboard() {}

  public static Future<Void> deploy(Vertx vertx, SwitchboardConfig config, Meters meters) {
    int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
    RecentRequests recent = new RecentRequests(config.ingress().ringSize());
    return vertx.deployVerticle(new StorageVerticle(config.storage()))
        .compose(id -> vertx.deployVerticle(ParserVerticle::new, new DeploymentOptions().setInstances(loops)))
        .compose(id -> vertx.deployVerticle(new DeliveryVerticle(config.delivery(), config.subscriptions())))
        .compose(id -> vertx.deployVerticle(() -> new IngressVerticle(config, recent, meters),
            new DeploymentOptions().setInstances(loops)))
        .mapEmpty();
  }
}
