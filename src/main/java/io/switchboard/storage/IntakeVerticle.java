package io.switchboard.storage;

import io.switchboard.api.Bus;
import io.switchboard.api.StoreWebhook;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.Meters;
import io.switchboard.runtime.AckLoops;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;

/**
 * The durable intake: group-commits inbound bodies (the acknowledgement waits for this commit) and hands the
 * committed ones to the parser. The only write that needs its own WAL flush.
 */
final class IntakeVerticle extends VerticleBase {

  private final PgConnectOptions options;
  private final SwitchboardConfig.Storage config;
  private final AckLoops ackLoops;
  private final Meters meters;
  private Pool pool;
  private ParserHandOff handOff;
  private Context ackContext;

  IntakeVerticle(PgConnectOptions options, SwitchboardConfig.Storage config, AckLoops ackLoops, Meters meters) {
    this.options = options;
    this.config = config;
    this.ackLoops = ackLoops;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    return ackLoops.pin(context).compose(ack -> {
      ackContext = ack;
      return AckLoops.on(ack, this::startOnAckLoop);
    });
  }

  /** Its connections, consumer and group commits live on an ack loop, beside the ingress. */
  private Future<?> startOnAckLoop() {
    pool = Pools.durableAppending(vertx, options, 2, "intake");
    handOff = new ParserHandOff(vertx, config.maxBatchSize());
    // One write in flight: the next group takes every request that arrived during this commit (bigger groups
    // cost less per webhook in the JVM and in Postgres; see BENCHMARKS.md).
    GroupCommit<StoreWebhook, Long> commits = new GroupCommit<>(config.maxBatchSize(), 1,
        size -> meters.storageBatch("webhooks", size),
        rows -> WebhookSql.insertWebhooks(pool, rows).onSuccess(ids -> handOff.committed(rows, ids)));
    return vertx.eventBus().<StoreWebhook>consumer(Bus.STORE_WEBHOOK,
            m -> Replies.answer(m, webhook -> commits.submit(webhook, !webhook.acknowledged())))
        .completion();
  }

  @Override
  public Future<?> stop() {
    // The hand-off and the pool are the ack loop's: the last hand-off and the close run there too.
    return ackContext == null ? Future.succeededFuture() : AckLoops.on(ackContext, () -> {
      if (handOff != null) {
        handOff.flush();
      }
      return Pools.close(pool);
    });
  }
}
