package io.switchboard.storage;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import java.util.List;

/**
 * The Postgres lifecycle: boots the embedded server when no URL is configured, migrates the schema, then
 * deploys the storage verticles, each with one job and its own pool. Undeploying it undeploys them first,
 * then stops the server.
 */
public final class StorageVerticle extends VerticleBase {

  private final SwitchboardConfig.Storage config;
  private final List<SwitchboardConfig.Subscription> configured;
  private final Meters meters;
  private PostgresServer server;

  public StorageVerticle(SwitchboardConfig.Storage config, List<SwitchboardConfig.Subscription> configured,
      Meters meters) {
    this.config = config;
    this.configured = configured;
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
        .compose(migrated -> deployStorage(server.connectOptions()));
  }

  /** Subscriptions first: the set delivery reads at start must already hold the config file's. */
  private Future<?> deployStorage(PgConnectOptions options) {
    return vertx.deployVerticle(new SubscriptionsVerticle(options, configured))
        .compose(id -> vertx.deployVerticle(new PipelineWritesVerticle(options, config, meters)))
        .compose(id -> vertx.deployVerticle(new IntakeVerticle(options, config, meters)))
        .compose(id -> vertx.deployVerticle(new RecoveryVerticle(options, config)))
        .compose(id -> vertx.deployVerticle(new HousekeepingVerticle(options, config, meters)))
        .compose(id -> vertx.deployVerticle(new ManagementVerticle(options, config)));
  }

  @Override
  public Future<?> stop() {
    return server == null
        ? Future.succeededFuture()
        : vertx.executeBlocking(() -> {
          server.close();
          return null;
        });
  }
}
