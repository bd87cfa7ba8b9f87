package io.switchboard.storage;

import io.switchboard.api.AttemptRecord;
import io.switchboard.api.Bus;
import io.switchboard.api.ClaimDeliveries;
import io.switchboard.api.DeliveryBatch;
import io.switchboard.api.PlannedWebhook;
import io.switchboard.api.ReceivedWebhooks;
import io.switchboard.api.ReleaseDeliveries;
import io.switchboard.api.StoreEvents;
import io.switchboard.api.StoreWebhook;
import io.switchboard.api.StoredSubscription;
import io.switchboard.api.SubscriptionSet;
import io.switchboard.api.WebhookReceived;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns Postgres: boots the embedded server when no URL is configured, migrates the schema, holds the one
 * reactive pool, and answers every storage request on the bus. Writes on the hot path are group-committed.
 */
public final class StorageVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(StorageVerticle.class);
  private static final int RECOVERY_BATCH = 500;
  private static final long RECOVERY_TIMEOUT_MS = 60_000;
  private static final long PENDING_REFRESH_MILLIS = 5_000;
  private static final long RETENTION_INTERVAL_MS = 60 * 60 * 1000;
  /**
   * Committed bodies wait this long for company before going to the parser as one message. At a moderate rate
   * each commit holds a few bodies (~10 at 5 000 webhooks/s), and a group costs the parser, delivery and the
   * events transaction about the same whatever its size: waiting cut JVM + Postgres CPU per webhook at that
   * rate from ~245 to ~195 µs, and the acknowledgements' p99 with it, as they share the cores. At saturation
   * the groups only grow (~150). Once maxBatchSize have gathered they go at once. The bodies are committed
   * already: any a crash (or a stop) leaves here is found by the recovery sweep.
   */
  private static final long CLASSIFY_LINGER_MS = 10;

  private final SwitchboardConfig.Storage config;
  private final Meters meters;
  private final AtomicLong pendingDeliveries = new AtomicLong();
  private PostgresServer server;
  private Pool pool;
  private Pool relaxedPool;
  private GroupCommit<StoreWebhook, Long> webhookCommits;
  private GroupCommit<PlannedWebhook, Integer> eventCommits;
  private GroupCommit<AttemptRecord, Void> attemptCommits;
  private final List<WebhookReceived> toClassify = new ArrayList<>();
  private long classifyTimer = -1;
  private long recoveryTimer = -1;
  private long pendingTimer = -1;
  private long retentionTimer = -1;
  private boolean sweeping;
  private final DeliveryOptions recoveryOptions = new DeliveryOptions().setSendTimeout(RECOVERY_TIMEOUT_MS);

  public StorageVerticle(SwitchboardConfig.Storage config, Meters meters) {
    this.config = config;
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
        .map(migrated -> {
          // The ack's pool insists on a flushed commit even if the server or role default says otherwise.
          pool = pool(server.connectOptions().addProperty("synchronous_commit", "on"));
          // Everything after the inbound row is re-derivable: a lost event commit is re-parsed by the
          // recovery sweep, a lost claim or attempt record means one more (at-least-once) attempt. Only
          // the acknowledged body needs its own WAL flush, so the rest skips waiting for one.
          relaxedPool = pool(server.connectOptions().addProperty("synchronous_commit", "off"));
          int batch = config.maxBatchSize();
          // One inbound write at a time: the next group takes every request that arrived during this commit.
          // Bigger groups cost less per webhook in the JVM and in Postgres; a second write in flight only
          // competed for the same cores (2 cores, 64 connections: 14.4k vs 14.0k req/s, p99 at 5k/s 8 vs
          // 11 ms; see BENCHMARKS.md).
          webhookCommits = new GroupCommit<>(batch, 1, size -> meters.storageBatch("webhooks", size),
              rows -> WebhookSql.insertWebhooks(pool, rows).onSuccess(ids -> announce(rows, ids)));
          // Likewise for events: one write in flight doubles the groups (19 -> 34 webhooks at saturation) and
          // cuts both sides' cost per webhook (JVM 50 -> 46 µs, Postgres 60 -> 56 µs).
          // A group Postgres refuses is retried webhook by webhook: one bad body (or a delivery for a subscription
          // deleted meanwhile) must not hold back the bodies beside it. Only for errors in the data (SQLSTATE
          // classes 22, 23): on a lost connection or a server going down every retry would fail as well.
          eventCommits = new GroupCommit<>(batch, 1, StorageVerticle::refusedData,
              size -> meters.storageBatch("events", size),
              rows -> relaxedPool.withTransaction(c -> EventSql.storeEvents(c, rows)));
          attemptCommits = new GroupCommit<>(batch, 2, size -> meters.storageBatch("attempts", size),
              rows -> relaxedPool.withTransaction(c -> DeliverySql.recordAttempts(c, rows)));
          meters.deliveryPending(pendingDeliveries::get);
          pendingTimer = vertx.setPeriodic(PENDING_REFRESH_MILLIS, id -> refreshPending());
          registerConsumers(vertx.eventBus());
          new ManagementQueries(vertx.eventBus(), pool).register();
          recoveryTimer = vertx.setPeriodic(config.recoveryInterval().toMillis(), id -> recoverUnprocessed());
          retentionTimer = vertx.setPeriodic(RETENTION_INTERVAL_MS, id -> purgeExpired());
          return null;
        })
        .compose(v -> pool.query("SELECT 1").execute())
        .onSuccess(v -> purgeExpired());
  }

  private void registerConsumers(EventBus bus) {
    bus.<StoreWebhook>consumer(Bus.STORE_WEBHOOK,
        m -> Replies.answer(m, webhook -> webhookCommits.submit(webhook, !webhook.acknowledged())));
    bus.<StoreEvents>consumer(Bus.STORE_EVENTS, m -> Replies.answer(m, this::storeEvents));
    bus.<AttemptRecord>consumer(Bus.RECORD_ATTEMPT, m -> Replies.answer(m, attemptCommits::submit));
    bus.<ClaimDeliveries>consumer(Bus.CLAIM_DELIVERIES,
        m -> Replies.answer(m, claim -> DeliverySql.claimDueDeliveries(relaxedPool, claim).map(DeliveryBatch::new)));
    bus.<SubscriptionSet>consumer(Bus.SYNC_SUBSCRIPTIONS, m -> Replies.answer(m, this::syncSubscriptions));
    bus.<ReleaseDeliveries>consumer(Bus.RELEASE_DELIVERIES,
        m -> Replies.answer(m, release -> DeliverySql.releaseDeliveries(relaxedPool, release)));
    bus.<Long>consumer(Bus.DISABLE_SUBSCRIPTION,
        m -> Replies.answer(m, id -> SubscriptionSql.disableSubscription(pool, id)));
    bus.<Void>consumer(Bus.PURGE_EXPIRED, m -> Replies.answer(m, v -> purgeExpired()));
    bus.<Void>consumer(Bus.PIPELINE_DEPLOYED, m -> recoverUnprocessed());
    bus.<Void>consumer(Bus.STORAGE_PING, m -> Replies.answer(m, v -> pool.query("SELECT 1").execute().mapEmpty()));
  }

  /** Committed bodies go on to the parser (Postgres first, then the fast path), a group at a time. */
  private void announce(List<StoreWebhook> rows, List<Long> ids) {
    for (int i = 0; i < rows.size(); i++) {
      StoreWebhook row = rows.get(i);
      if (row.valid()) {
        toClassify.add(new WebhookReceived(ids.get(i), row.source(), row.receivedAt(), row.body()));
      }
    }
    if (toClassify.size() >= config.maxBatchSize()) {
      handToParser();
    } else if (!toClassify.isEmpty() && classifyTimer < 0) {
      classifyTimer = vertx.setTimer(CLASSIFY_LINGER_MS, id -> {
        classifyTimer = -1;
        handToParser();
      });
    }
  }

  private void handToParser() {
    if (classifyTimer >= 0) {
      vertx.cancelTimer(classifyTimer);
      classifyTimer = -1;
    }
    if (!toClassify.isEmpty()) {
      vertx.eventBus().send(Bus.WEBHOOKS_RECEIVED, new ReceivedWebhooks(toClassify)); // the record copies
      toClassify.clear();
    }
  }

  /** Each webhook joins the next events group; the reply counts the new deliveries of all of them. */
  private Future<Integer> storeEvents(StoreEvents request) {
    List<Future<Integer>> stored = new ArrayList<>(request.webhooks().size());
    request.webhooks().forEach(webhook -> stored.add(eventCommits.submit(webhook)
        .recover(e -> refusedForGood(e) ? refuse(webhook.classified().inboundId(), e) : Future.failedFuture(e))));
    return Future.all(stored).map(all -> stored.stream().mapToInt(Future::result).sum());
  }

  /**
   * Postgres refused this body's events on their own (its group was retried body by body): the same body
   * would be refused again at every sweep, holding the recovery watermark below it for good. It gets the
   * outcome {@code refused} with Postgres's error; the body stays for inspection. No delivery was created.
   */
  private Future<Integer> refuse(long inboundId, Throwable cause) {
    LOG.error("events of inbound webhook {} refused by Postgres; body kept, outcome refused: {}", inboundId,
        cause.getMessage());
    return WebhookSql.recordRefused(relaxedPool, inboundId, cause.getMessage())
        .<Integer>map(0)
        .recover(e -> Future.failedFuture(cause));
  }

  /**
   * A data error (SQLSTATE class 22 or 23) is the body's own and comes back every time, except a foreign key
   * (23503): a delivery for a subscription deleted meanwhile, planned afresh by the next sweep.
   */
  private static boolean refusedForGood(Throwable e) {
    return refusedData(e) && !"23503".equals(((PgException) e).getSqlState());
  }

  private Pool pool(PgConnectOptions options) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(config.poolSize()))
        .connectingTo(options)
        .using(vertx)
        .build();
  }

  private Future<SubscriptionSet> syncSubscriptions(SubscriptionSet fromConfig) {
    var specs = fromConfig.subscriptions().stream().map(StoredSubscription::spec).toList();
    return pool.withTransaction(c -> SubscriptionSql.syncConfigSubscriptions(c, specs))
        .compose(v -> SubscriptionSql.allSubscriptions(pool))
        .map(SubscriptionSet::new);
  }

  /** Retention: rows older than storage.retentionDays go, in short slices (see RetentionSql). */
  private Future<JsonObject> purgeExpired() {
    return RetentionSql.purgeExpired(pool, config.retentionDays())
        .onSuccess(deleted -> LOG.info("retention purge done retentionDays={} deleted={}", config.retentionDays(), deleted))
        .onFailure(e -> LOG.warn("retention purge failed, next try in 1h: {}", e.getMessage()));
  }

  /**
   * Bodies that were acknowledged but never classified (the process died, or storage failed after the
   * ack) go back to the parser. The grace period leaves bodies that are in flight right now alone.
   */
  private void recoverUnprocessed() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    WebhookSql.unprocessedWebhooks(pool, config.recoveryGrace(), RECOVERY_BATCH)
        .timeout(RECOVERY_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .compose(found -> recover(found.webhooks(), found.scanTo()))
        .onComplete(done -> sweeping = false)
        .onFailure(e -> LOG.warn("recovery sweep failed, next try in {}: {}", config.recoveryInterval(), e.getMessage()));
  }

  /**
   * Sends one batch to the parser and waits for the answer, which comes once its events are stored (parser
   * and delivery answer in turn), so one recovered batch is in the pipeline at a time. A full batch means a
   * backlog (a crash, an outage, an overload that outran classification): the next batch is read and sent
   * at once, from just past this one, instead of an interval later.
   */
  private Future<Void> recover(List<WebhookReceived> webhooks, long scanTo) {
    if (webhooks.isEmpty()) {
      return Future.succeededFuture();
    }
    LOG.info("recovering unclassified webhooks count={} firstInboundId={}", webhooks.size(),
        webhooks.get(0).inboundId());
    Future<Void> stored = vertx.eventBus().request(Bus.WEBHOOKS_RECEIVED, new ReceivedWebhooks(webhooks), recoveryOptions)
        .<Void>mapEmpty()
        // A body Postgres refused fails the answer, not the others: the drain goes on past it.
        .recover(e -> {
          LOG.warn("recovered webhooks not all stored from inboundId={}: {}", webhooks.get(0).inboundId(),
              e.getMessage());
          return Future.succeededFuture();
        });
    if (webhooks.size() < RECOVERY_BATCH) {
      return stored;
    }
    long last = webhooks.get(webhooks.size() - 1).inboundId();
    return stored
        .compose(v -> WebhookSql.unprocessedAfter(pool, config.recoveryGrace(), RECOVERY_BATCH, last, scanTo)
            .timeout(RECOVERY_TIMEOUT_MS, TimeUnit.MILLISECONDS))
        .compose(next -> recover(next, scanTo));
  }

  private static boolean refusedData(Throwable e) {
    return e instanceof PgException pg && pg.getSqlState() != null
        && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"));
  }

  /** The backlog gauge reads a number refreshed here, so a scrape never waits on Postgres. */
  private void refreshPending() {
    DeliverySql.countPending(pool).onSuccess(pendingDeliveries::set);
  }

  private static Future<Void> close(Pool pool) {
    return pool == null ? Future.succeededFuture() : pool.close();
  }

  @Override
  public Future<?> stop() {
    handToParser();
    vertx.cancelTimer(recoveryTimer);
    vertx.cancelTimer(pendingTimer);
    vertx.cancelTimer(retentionTimer);
    Future<Void> closed = Future.all(close(pool), close(relaxedPool)).mapEmpty();
    return closed.eventually(() -> server == null
        ? Future.succeededFuture()
        : vertx.executeBlocking(() -> {
          server.close();
          return null;
        }));
  }
}
