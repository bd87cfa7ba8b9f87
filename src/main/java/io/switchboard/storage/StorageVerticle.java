package io.switchboard.storage;

import io.switchboard.api.Bus;
import io.switchboard.api.ReplyCodes;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.Meters;
import io.switchboard.runtime.AckLoops;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import java.time.Clock;
import java.util.List;

/**
 * The Postgres lifecycle: boots the embedded server when no URL is configured, migrates the schema, deploys
 * the storage verticles (each with one job and its own pool), and watches the server: an embedded one that
 * dies is started again, and liveness fails if Postgres stays unreachable. Undeploying it undeploys the
 * storage verticles first, then stops the server.
 */
public final class StorageVerticle extends VerticleBase {

  private final SwitchboardConfig.Storage config;
  private final List<SwitchboardConfig.Subscription> configured;
  private final AckLoops ackLoops;
  private final Meters meters;
  private PostgresServer server;
  private StorageWatch watch;
  private long watchTimer = -1;

  public StorageVerticle(SwitchboardConfig.Storage config, List<SwitchboardConfig.Subscription> configured,
      AckLoops ackLoops, Meters meters) {
    this.config = config;
    this.configured = configured;
    this.ackLoops = ackLoops;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    // Booting Postgres and running Flyway (JDBC) block: both go to a worker thread.
    return vertx.executeBlocking(() -> PostgresServer.open(config))
        .compose(opened -> {
          server = opened;
          return vertx.executeBlocking(() -> Migrations.migrate(opened));
        })
        .compose(migrated -> deployStorage(server.connectOptions()))
        .onSuccess(deployed -> watch());
  }

  /** Once a second: is Postgres there, and if embedded, is its process alive. Liveness answers from it. */
  private void watch() {
    watch = new StorageWatch(vertx, server, Pools.durable(vertx, server.connectOptions(), 1, "watch"),
        config.maxDowntime(), Clock.systemUTC());
    watchTimer = vertx.setPeriodic(1000, id -> watch.check());
    vertx.eventBus().<Void>consumer(Bus.STORAGE_LIVENESS, m -> {
      String notLive = watch.notLive();
      if (notLive == null) {
        m.reply(null);
      } else {
        m.fail(ReplyCodes.STORAGE_UNAVAILABLE, notLive);
      }
    });
  }

  /** Subscriptions first: the set delivery reads at start must already hold the config file's. */
  private Future<?> deployStorage(PgConnectOptions options) {
    return vertx.deployVerticle(new SubscriptionsVerticle(options, configured))
        .compose(id -> vertx.deployVerticle(new PipelineWritesVerticle(options, config, meters)))
        .compose(id -> vertx.deployVerticle(new IntakeVerticle(options, config, ackLoops, meters)))
        .compose(id -> vertx.deployVerticle(new RecoveryVerticle(options, config)))
        .compose(id -> vertx.deployVerticle(new HousekeepingVerticle(options, config, meters)))
        .compose(id -> vertx.deployVerticle(new ManagementVerticle(options, config)));
  }

  @Override
  public Future<?> stop() {
    // The watch first: a server stopped below must not look dead to it and be started again.
    vertx.cancelTimer(watchTimer);
    Future<Void> watched = watch == null ? Future.succeededFuture() : watch.close();
    return watched.transform(v -> server == null
        ? Future.succeededFuture()
        : vertx.executeBlocking(() -> {
          server.close();
          return null;
        }));
  }
}
