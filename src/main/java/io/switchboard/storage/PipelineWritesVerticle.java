package io.switchboard.storage;

import io.switchboard.api.AttemptRecord;
import io.switchboard.api.AttemptRecords;
import io.switchboard.api.Bus;
import io.switchboard.api.ClaimDeliveries;
import io.switchboard.api.DeliveryBatch;
import io.switchboard.api.DeliveryJob;
import io.switchboard.api.OutcomesRecorded;
import io.switchboard.api.PlannedWebhook;
import io.switchboard.api.ReleaseDeliveries;
import io.switchboard.api.StoreEvents;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hot-path writes after the body: each classified webhook's events, leased deliveries and outcome in one
 * group commit, then the new deliveries go to dispatch with their bodies; attempt outcomes in batches; and
 * dispatch's claims and releases of the work Postgres holds.
 */
final class PipelineWritesVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineWritesVerticle.class);
  private static final int HEADLESS_PER_SWEEP = 1000;
  private static final long FRONTIER_RETRY_MS = 5;
  private static final long FRONTIER_MAX_RETRY_MS = 200;

  private final PgConnectOptions options;
  private final SwitchboardConfig.Storage config;
  private final Meters meters;
  private Pool pool;
  private GroupCommit<PlannedWebhook, EventSql.Stored> eventCommits;
  private GroupCommit<AttemptRecord, Void> attemptCommits;
  /** Every body below it is classified: ordered heads are leased only below it (docs/ordering.md). */
  private long frontier;
  /** Sequences whose next head waits for the frontier to pass it. */
  private final Set<OrderingSql.Sequence> waiting = new LinkedHashSet<>();
  private boolean advancing;
  private boolean advanceAgain;
  private long retryMillis = FRONTIER_RETRY_MS;
  private boolean waking;
  private boolean stopping;
  private long wakeTimer = -1;

  PipelineWritesVerticle(PgConnectOptions options, SwitchboardConfig.Storage config, Meters meters) {
    this.options = options;
    this.config = config;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    pool = Pools.relaxed(vertx, options, 4, "pipeline");
    int batch = config.maxBatchSize();
    // One events write in flight: groups grow while it commits (19 -> 34 webhooks at saturation) and cost less
    // per webhook on both sides. A group Postgres refuses for its data is written again body by body, so one
    // bad body does not hold back the rest; on a lost connection every retry would fail as well.
    eventCommits = new GroupCommit<>(batch, 1, Pools::refusedData, size -> meters.storageBatch("events", size),
        this::writeEvents);
    attemptCommits = new GroupCommit<>(batch, 2, Pools::refusedData, size -> meters.storageBatch("attempts", size),
        this::writeAttempts);
    EventBus bus = vertx.eventBus();
    wakeTimer = vertx.setPeriodic(config.recoveryInterval().toMillis(), id -> wakeHeadless());
    bus.<StoreEvents>consumer(Bus.STORE_EVENTS, m -> store(m.body()));
    bus.<AttemptRecords>consumer(Bus.RECORD_ATTEMPTS, m -> record(m.body()));
    bus.<ClaimDeliveries>consumer(Bus.CLAIM_DELIVERIES,
        m -> Replies.answer(m, claim -> DeliverySql.claimDueDeliveries(pool, claim).map(DeliveryBatch::new)));
    return bus.<ReleaseDeliveries>consumer(Bus.RELEASE_DELIVERIES,
        m -> Replies.answer(m, release -> DeliverySql.releaseDeliveries(pool, release))).completion();
  }

  /** Commits one group and hands it on: its new deliveries to dispatch, its outcomes to whoever waits for them. */
  private Future<List<EventSql.Stored>> writeEvents(List<PlannedWebhook> rows) {
    return pool.withTransaction(c -> EventSql.storeEvents(c, rows)).map(group -> {
      List<DeliveryJob> leased = new ArrayList<>();
      group.perRequest().forEach(s -> leased.addAll(s.jobs()));
      logDuplicates(group.perRequest());
      group.supersededFor().forEach(name -> meters.delivery(name, "superseded"));
      if (!leased.isEmpty()) {
        vertx.eventBus().send(Bus.DELIVERIES_LEASED, new DeliveryBatch(leased));
      }
      vertx.eventBus().publish(Bus.OUTCOMES_RECORDED,
          new OutcomesRecorded(rows.stream().map(r -> r.classified().inboundId()).toList()));
      if (!group.sequences().isEmpty()) {
        waiting.addAll(group.sequences());
        advanceFrontier();
      }
      return group.perRequest();
    });
  }

  /**
   * Logs a batch of attempts; where one ended the head of an ordered sequence, the next head is leased at once if
   * the frontier has passed it (it usually has: it waited while the head was tried), else it waits for the
   * frontier. Should leasing fail, the sequence is headless until {@link #wakeHeadless} finds it.
   */
  private Future<List<Void>> writeAttempts(List<AttemptRecord> rows) {
    return DeliverySql.recordAttempts(pool, rows).compose(ended -> {
      if (!ended.isEmpty()) {
        leaseHeads(ended);
      }
      return Future.succeededFuture(Collections.nCopies(rows.size(), null));
    });
  }

  /**
   * Moves the frontier up, then leases the heads that were waiting for it. One pass at a time; a commit meanwhile
   * asks for another, so the sequences of a busy stream are served a pass after their commit.
   */
  private void advanceFrontier() {
    if (advancing) {
      advanceAgain = true;
      return;
    }
    advancing = true;
    advanceAgain = false;
    long before = frontier;
    OrderingSql.frontier(pool, frontier)
        .compose(next -> {
          frontier = Math.max(frontier, next);
          // Stuck below a body still being classified (a crash's leftover waits for the sweep): back off.
          retryMillis = frontier > before ? FRONTIER_RETRY_MS : Math.min(retryMillis * 2, FRONTIER_MAX_RETRY_MS);
          List<OrderingSql.Sequence> ready = new ArrayList<>(waiting);
          waiting.clear();
          return leaseHeads(ready);
        })
        .onFailure(e -> {
          if (!stopping) {
            LOG.warn("moving the ordering frontier failed; ordered sequences wait for the next pass: {}", e.getMessage());
          }
        })
        .onComplete(done -> {
          advancing = false;
          if (advanceAgain || (!waiting.isEmpty() && !stopping)) {
            // Heads still below a body being classified: look again shortly, not in a tight loop.
            vertx.setTimer(advanceAgain ? 1 : retryMillis, id -> advanceFrontier());
          }
        });
  }

  private Future<Void> leaseHeads(List<OrderingSql.Sequence> sequences) {
    if (sequences.isEmpty()) {
      return Future.succeededFuture();
    }
    long below = frontier;
    return pool.withTransaction(c -> OrderingSql.leaseNextHeads(c, sequences, below))
        .onSuccess(leased -> {
          if (!leased.jobs().isEmpty()) {
            vertx.eventBus().send(Bus.DELIVERIES_LEASED, new DeliveryBatch(leased.jobs()));
          }
          if (!leased.waiting().isEmpty()) {
            waiting.addAll(leased.waiting());
            advanceFrontier();
          }
        })
        .onFailure(e -> {
          if (!stopping) {
            LOG.warn("leasing the next head of {} ordered sequence(s) failed; they wait for the next sweep of headless"
                + " sequences: {}", sequences.size(), e.getMessage());
          }
        })
        .mapEmpty();
  }

  /** Sequences left with no head (an instance died between two steps) get their next row due now; claims take them. */
  private void wakeHeadless() {
    if (waking) {
      return;
    }
    waking = true;
    OrderingSql.frontier(pool, frontier)
        .compose(next -> {
          frontier = Math.max(frontier, next);
          return OrderingSql.wakeHeadless(pool, HEADLESS_PER_SWEEP, frontier);
        })
        .onSuccess(woken -> {
          if (woken > 0) {
            LOG.info("{} ordered sequence(s) had no head; their next deliveries are due now", woken);
          }
        })
        .onFailure(e -> {
          if (!stopping) { // cut off by the pool closing at shutdown: not a failure
            LOG.warn("sweep of headless ordered sequences failed; next try in {}: {}", config.recoveryInterval(),
                e.getMessage());
          }
        })
        .onComplete(done -> waking = false);
  }

  /** One line per group, not per webhook: a provider retrying a whole backlog must not flood the log. */
  private static void logDuplicates(List<EventSql.Stored> stored) {
    List<EventSql.Stored> duplicating = stored.stream().filter(s -> !s.duplicates().isEmpty()).toList();
    if (!duplicating.isEmpty()) {
      EventSql.Stored first = duplicating.get(0);
      LOG.info("{} inbound webhook(s) repeat events already stored, not delivered again: inboundId={} duplicate of {}{}",
          duplicating.size(), first.inboundId(), String.join(", ", first.duplicates()),
          duplicating.size() > 1 ? " (and " + (duplicating.size() - 1) + " more)" : "");
    }
  }

  private void store(StoreEvents request) {
    List<Future<?>> stored = new ArrayList<>(request.webhooks().size());
    for (PlannedWebhook webhook : request.webhooks()) {
      stored.add(eventCommits.submit(webhook)
          .recover(e -> Pools.refusedForGood(e) ? refuse(webhook.classified().inboundId(), e) : Future.failedFuture(e)));
    }
    warnIfAnyFailed(stored, "webhooks' events not stored from inboundId="
        + request.webhooks().get(0).classified().inboundId() + "; the recovery sweep retries them");
  }

  /** One line for a message's worth of writes, however many of them failed. */
  private static void warnIfAnyFailed(List<Future<?>> writes, String what) {
    Future.join(writes).onFailure(e -> LOG.warn("{} of {} {}: {}", writes.stream().filter(Future::failed).count(),
        writes.size(), what, e.getMessage()));
  }

  /**
   * Postgres refused this body's events on their own: the same body would be refused again at every sweep,
   * holding the recovery watermark below it for good. It gets the outcome {@code refused} with Postgres's
   * error; the body stays for inspection. No delivery was created.
   */
  private Future<EventSql.Stored> refuse(long inboundId, Throwable cause) {
    LOG.error("events of inbound webhook {} refused by Postgres; body kept, outcome refused: {}", inboundId,
        cause.getMessage());
    return WebhookSql.recordRefused(pool, inboundId, cause.getMessage())
        .onSuccess(v -> vertx.eventBus().publish(Bus.OUTCOMES_RECORDED, new OutcomesRecorded(List.of(inboundId))))
        .map(v -> new EventSql.Stored(inboundId, List.of(), List.of()))
        .recover(e -> Future.failedFuture(cause));
  }

  /**
   * An attempt that is not recorded leaves its delivery leased: when the lease ends it is sent again (at least
   * once), so a refusal here costs a duplicate, never a loss.
   */
  private void record(AttemptRecords records) {
    List<Future<?>> recorded = new ArrayList<>(records.attempts().size());
    records.attempts().forEach(a -> recorded.add(attemptCommits.submit(a)));
    warnIfAnyFailed(recorded, "attempts not recorded from deliveryId=" + records.attempts().get(0).deliveryId()
        + "; their deliveries are sent again when the lease ends");
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(wakeTimer);
    return Pools.close(pool);
  }
}
