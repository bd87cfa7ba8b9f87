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
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.api.Bus;

/**
 * Deploys the four verticles in dependency order: storage (Postgres up and migrated) → parser → delivery →
 * ingress, so nothing is accepted before it can be committed.
 */
public final class Switchboard {

  private Switchboard() {}

  /** A Vertx whose own metrics (event bus, HTTP, pools) and the JVM's land in {@code registry}, codecs registered. */
  public static Vertx vertx(MeterRegistry registry) {
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
            .setJvmMetricsEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    Bus.registerCodecs(vertx);
    return vertx;
  }

  public static Future<Void> deploy(Vertx vertx, SwitchboardConfig config, Meters meters) {
    int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
    RecentRequests recent = new RecentRequests(config.ingress().ringSize());
    return vertx.deployVerticle(new StorageVerticle(config.storage(), meters))
        .compose(id -> vertx.deployVerticle(() -> new ParserVerticle(meters), new DeploymentOptions().setInstances(loops)))
        .compose(id -> vertx.deployVerticle(new DeliveryVerticle(config.delivery(), config.subscriptions(), meters)))
        .compose(id -> vertx.deployVerticle(() -> new IngressVerticle(config, recent, meters),
            new DeploymentOptions().setInstances(loops)))
        .mapEmpty();
  }
}
