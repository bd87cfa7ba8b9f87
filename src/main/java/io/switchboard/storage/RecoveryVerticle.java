package io.switchboard.storage;

import io.switchboard.api.Bus;
import io.switchboard.api.OutcomesRecorded;
import io.switchboard.api.ReceivedWebhooks;
import io.switchboard.api.WebhookReceived;
import io.switchboard.config.SwitchboardConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recovery sweep: bodies that were acknowledged but never classified (the process died, or storage failed
 * after the ack) go back to the parser, through the same pipeline as fresh ones. A batch is done when its own
 * outcome rows commit ({@link Bus#OUTCOMES_RECORDED}), so one recovered batch is in the pipeline at a time.
 */
final class RecoveryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RecoveryVerticle.class);
  private static final int BATCH = 500;
  private static final long READ_TIMEOUT_MS = 60_000;
  /** A body whose events are not stored by then (storage refused them, or is down) waits for a later sweep. */
  private static final long OUTCOMES_TIMEOUT_MS = 30_000;

  private final PgConnectOptions options;
  private final SwitchboardConfig.Storage config;
  private Pool pool;
  private boolean sweeping;
  private boolean startedUp;
  private boolean stopping;
  private long timer = -1;
  private final Set<Long> awaited = new HashSet<>();
  private Promise<Void> batchDone;
  /** What was received before is the start-up sweep's; what comes after, this instance's own pipeline's. */
  private final Instant startedAt = Instant.now();

  RecoveryVerticle(PgConnectOptions options, SwitchboardConfig.Storage config) {
    this.options = options;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    pool = Pools.durable(vertx, options, 2, "recovery");
    vertx.eventBus().<OutcomesRecorded>consumer(Bus.OUTCOMES_RECORDED, m -> outcomesRecorded(m.body()));
    // The first sweep waits for the whole pipeline: bodies re-sent before the parser listens would go nowhere.
    vertx.eventBus().<Void>consumer(Bus.PIPELINE_DEPLOYED, m -> startUpSweep());
    timer = vertx.setPeriodic(config.recoveryInterval().toMillis(), id -> sweep());
    return Future.succeededFuture();
  }

  /**
   * Classifies at once what an earlier run acknowledged and left, however recent, instead of a grace later:
   * ordered delivery waits for those bodies (they were received before anything this run receives).
   */
  private void startUpSweep() {
    sweeping = true;
    Instant startedAt = this.startedAt;
    WebhookSql.receivedBefore(pool, startedAt, BATCH)
        .timeout(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .compose(found -> recover(found.webhooks(),
            last -> WebhookSql.receivedBefore(pool, startedAt, BATCH, last, found.scanTo())))
        .onComplete(done -> {
          sweeping = false;
          startedUp = true;
        })
        .onFailure(e -> LOG.warn("start-up recovery sweep failed; the periodic sweep retries: {}", e.getMessage()));
  }

  private void sweep() {
    if (sweeping || !startedUp) { // the start-up sweep first: two sweeps would share one batch's bookkeeping
      return;
    }
    sweeping = true;
    WebhookSql.unprocessedWebhooks(pool, config.recoveryGrace(), BATCH)
        .timeout(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .compose(found -> recover(found.webhooks(),
            last -> WebhookSql.unprocessedAfter(pool, config.recoveryGrace(), BATCH, last, found.scanTo())))
        .onComplete(done -> sweeping = false)
        .onFailure(e -> {
          if (!stopping) { // a sweep cut off by the pool closing at shutdown is not a failure
            LOG.warn("recovery sweep failed, next try in {}: {}", config.recoveryInterval(), e.getMessage());
          }
        });
  }

  /**
   * Sends one batch to the parser and waits for its outcomes. A full batch means a backlog (a crash, an
   * outage, an overload that outran classification): the next batch is read and sent at once, from just past
   * this one, instead of an interval later.
   */
  private Future<Void> recover(List<WebhookReceived> webhooks, Function<Long, Future<List<WebhookReceived>>> after) {
    if (webhooks.isEmpty()) {
      return Future.succeededFuture();
    }
    LOG.info("recovering unclassified webhooks count={} firstInboundId={}", webhooks.size(),
        webhooks.get(0).inboundId());
    Future<Void> stored = classify(webhooks);
    if (webhooks.size() < BATCH) {
      return stored;
    }
    long last = webhooks.get(webhooks.size() - 1).inboundId();
    return stored
        .compose(v -> after.apply(last).timeout(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS))
        .compose(next -> recover(next, after));
  }

  /** Completes once every body of the batch has an outcome, or after a timeout: the drain goes on either way. */
  private Future<Void> classify(List<WebhookReceived> webhooks) {
    batchDone = Promise.promise();
    awaited.clear();
    webhooks.forEach(w -> awaited.add(w.inboundId()));
    long timer = vertx.setTimer(OUTCOMES_TIMEOUT_MS, id -> {
      LOG.warn("recovered webhooks not all stored from inboundId={}: {} still without an outcome; a later sweep"
          + " retries them", webhooks.get(0).inboundId(), awaited.size());
      finishBatch();
    });
    vertx.eventBus().send(Bus.WEBHOOKS_RECEIVED, new ReceivedWebhooks(webhooks));
    return batchDone.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  private void outcomesRecorded(OutcomesRecorded recorded) {
    if (batchDone != null && awaited.removeAll(recorded.inboundIds()) && awaited.isEmpty()) {
      finishBatch();
    }
  }

  private void finishBatch() {
    Promise<Void> done = batchDone;
    batchDone = null;
    awaited.clear();
    if (done != null) {
      done.complete();
    }
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timer);
    return Pools.close(pool);
  }
}
