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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
  private static final long FAILED_PASS_RETRY_MS = 1000;
  private static final int SEQUENCES_PER_PASS = 500;
  /** A body received since this start and unclassified longer than this no longer holds ordered delivery back. */
  private static final Duration FRONTIER_MAX_WAIT = Duration.ofSeconds(60);
  private static final Duration ATTEMPTS_LINGER = Duration.ofMillis(20);
  private static final Duration STOP_DRAIN = Duration.ofSeconds(5);
  private static final long SAMPLE_EVERY_NANOS = 100_000_000;

  private final PgConnectOptions options;
  private final SwitchboardConfig.Storage config;
  private final Meters meters;
  /** Attempt records, claims and releases: planned at every execution. */
  private Pool pool;
  /** The events transactions, which only append. */
  private Pool eventsPool;
  /** Ordered delivery's own connections: its frontier reads and head leases never queue the events writes. */
  private Pool orderingPool;
  private GroupCommit<PlannedWebhook, EventSql.Stored> eventCommits;
  private GroupCommit<AttemptRecord, Void> attemptCommits;
  /** Every body below it is classified: ordered heads are leased only below it (docs/ordering.md). */
  private long frontier;
  /**
   * The id sequence's last value as frontier reads and the headless sweep saw it: an invisible id a grace old is
   * a gap.
   */
  private final ArrayDeque<long[]> idSamples = new ArrayDeque<>();
  /** Every id up to this was handed out at least a grace ago. */
  private long gapsUpTo;
  private final Instant startedAt = Instant.now();
  /** Sequences whose next head waits for the frontier to pass it, by {@link OrderingSql.Sequence#id()}. */
  private final Map<String, OrderingSql.Sequence> waiting = new LinkedHashMap<>();
  private DuplicateReports duplicates;
  private boolean serving;
  private boolean serveAgain;
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
    duplicates = new DuplicateReports(vertx);
    pool = Pools.relaxed(vertx, options, 3, "pipeline");
    eventsPool = Pools.appending(vertx, options, 1, "events");
    orderingPool = Pools.ordering(vertx, options, 2);
    int batch = config.maxBatchSize();
    // One events write in flight: groups grow while it commits (19 -> 34 webhooks at saturation) and cost less
    // per webhook on both sides. A group Postgres refuses for its data is written again body by body, so one
    // bad body does not hold back the rest; on a lost connection every retry would fail as well.
    eventCommits = new GroupCommit<>(batch, 1, Pools::refusedData, size -> meters.storageBatch("events", size),
        this::writeEvents);
    // Attempt records wait a little for company: nobody waits on them but the log, and at a moderate rate each
    // turn of dispatch's loop would otherwise be a statement of its own, planned afresh (BENCHMARKS.md). An
    // ordered head's record goes at once: its sequence's next message waits for it.
    attemptCommits = new GroupCommit<>(vertx, batch, 2, Pools::refusedData,
        size -> meters.storageBatch("attempts", size), this::writeAttempts, ATTEMPTS_LINGER, AttemptRecord::sequenced);
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
    return eventsPool.withTransaction(c -> EventSql.storeEvents(c, rows)).map(group -> {
      List<DeliveryJob> leased = new ArrayList<>();
      group.perRequest().forEach(s -> leased.addAll(s.jobs()));
      duplicates.record(group.perRequest());
      group.supersededFor().forEach(name -> meters.delivery(name, "superseded"));
      if (!leased.isEmpty()) {
        vertx.eventBus().send(Bus.DELIVERIES_LEASED, new DeliveryBatch(leased));
      }
      vertx.eventBus().publish(Bus.OUTCOMES_RECORDED,
          new OutcomesRecorded(rows.stream().map(r -> r.classified().inboundId()).toList()));
      if (!group.sequences().isEmpty()) {
        group.sequences().forEach(this::await);
        serveSequences();
      }
      return group.perRequest();
    });
  }

  /**
   * Logs a batch of attempts; where one ended the head of an ordered sequence, the sequence goes to the next pass
   * for its next head.
   */
  private Future<List<Void>> writeAttempts(List<AttemptRecord> rows) {
    return DeliverySql.recordAttempts(pool, rows).map(ended -> {
      if (!ended.isEmpty()) {
        ended.forEach(this::await);
        serveSequences();
      }
      return Collections.nCopies(rows.size(), null);
    });
  }

  /**
   * One pass at a time over every sequence that may need a head: moves the frontier up, then leases, in one
   * transaction, the next head of each below it. Sequences that come meanwhile (commits, ended heads) are served
   * by the next pass, at once; those still above the frontier are looked at again shortly, backing off while it
   * stays put (a crash's leftover waits for the sweep). Should a pass fail, its sequences wait for the next, or
   * for {@link #wakeHeadless}.
   */
  private void serveSequences() {
    if (serving) {
      serveAgain = true;
      return;
    }
    serving = true;
    serveAgain = false;
    long before = frontier;
    // A bounded pass: each sequence takes an advisory lock, and Postgres's lock table is finite.
    List<OrderingSql.Sequence> pass = new ArrayList<>(Math.min(waiting.size(), SEQUENCES_PER_PASS));
    for (var it = waiting.values().iterator(); it.hasNext() && pass.size() < SEQUENCES_PER_PASS; ) {
      pass.add(it.next());
      it.remove();
    }
    boolean leftOver = !waiting.isEmpty();
    readFrontier()
        .compose(below -> {
          retryMillis = below > before ? FRONTIER_RETRY_MS : Math.min(retryMillis * 2, FRONTIER_MAX_RETRY_MS);
          return orderingPool.withTransaction(c -> OrderingSql.leaseNextHeads(c, pass, below));
        })
        .onSuccess(leased -> {
          if (!leased.jobs().isEmpty()) {
            vertx.eventBus().send(Bus.DELIVERIES_LEASED, new DeliveryBatch(leased.jobs()));
          }
          leased.waiting().forEach(this::await);
          if (leftOver && (!leased.jobs().isEmpty() || frontier > before)) {
            serveAgain = true; // more than a pass's worth, and it got somewhere: the rest at once, not after a wait
          }
        })
        .onFailure(e -> {
          if (!stopping) {
            LOG.warn("leasing the next head of {} ordered sequence(s) failed; the next pass tries again in {} ms: {}",
                pass.size(), FAILED_PASS_RETRY_MS, e.getMessage());
            pass.forEach(this::await);
            retryMillis = FAILED_PASS_RETRY_MS;
            // Postgres may have restarted and lost relaxed outcomes: read the frontier again from the watermark.
            frontier = 0;
          }
        })
        .onComplete(done -> {
          serving = false;
          if (serveAgain) {
            serveSequences();
          } else if (!waiting.isEmpty() && !stopping) {
            vertx.setTimer(retryMillis, id -> serveSequences());
          }
        });
  }

  private void await(OrderingSql.Sequence sequence) {
    waiting.putIfAbsent(sequence.id(), sequence);
  }

  /** Moves the frontier up from where it stands; ids handed out a grace ago and still invisible are gaps. */
  private Future<Long> readFrontier() {
    long now = System.nanoTime();
    ageSamples(now);
    return OrderingSql.frontier(orderingPool, frontier, gapsUpTo, FRONTIER_MAX_WAIT, startedAt).map(read -> {
      frontier = Math.max(frontier, read.value());
      sample(now, read.lastId());
      return frontier;
    });
  }

  /** Samples a grace old or older raise {@link #gapsUpTo} and are dropped. */
  private void ageSamples(long now) {
    while (!idSamples.isEmpty() && now - idSamples.peekFirst()[0] >= config.recoveryGrace().toNanos()) {
      gapsUpTo = Math.max(gapsUpTo, idSamples.pollFirst()[1]);
    }
  }

  /** Keeps the id sequence's value as it stood at {@code now}, at most one sample per interval. */
  private void sample(long now, long lastId) {
    ageSamples(now);
    if (idSamples.isEmpty() || now - idSamples.peekLast()[0] >= SAMPLE_EVERY_NANOS) {
      idSamples.addLast(new long[] {now, lastId});
    }
  }

  /** Sequences left with no head (an instance died between two steps) get their next row due now; claims take them. */
  private void wakeHeadless() {
    if (waking) {
      return;
    }
    waking = true;
    OrderingSql.headlessCandidates(orderingPool)
        .compose(found -> {
          sample(System.nanoTime(), found.lastId());
          return found.waiting()
              ? readFrontier().compose(below -> OrderingSql.wakeHeadless(orderingPool, HEADLESS_PER_SWEEP, below))
              : Future.succeededFuture(0);
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
    // Attempt records still lingering are written first: dropped, their deliveries would be sent again.
    return attemptCommits.drain().timeout(STOP_DRAIN.toMillis(), TimeUnit.MILLISECONDS)
        .recover(e -> Future.succeededFuture())
        .compose(v -> Pools.close(orderingPool))
        .compose(v -> Pools.close(eventsPool))
        .compose(v -> Pools.close(pool));
  }
}
