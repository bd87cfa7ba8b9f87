package io.switchboard.delivery;

import io.switchboard.api.AttemptResult;
import io.switchboard.api.Bus;
import io.switchboard.api.ClaimDeliveries;
import io.switchboard.api.DeliveryBatch;
import io.switchboard.api.DeliveryJob;
import io.switchboard.api.FinishedAttempt;
import io.switchboard.api.FinishedAttempts;
import io.switchboard.api.ReleaseDeliveries;
import io.switchboard.api.StoredSubscription;
import io.switchboard.config.SwitchboardConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-endpoint dispatch: takes leased jobs (fresh from the pipeline, or claimed from Postgres), sends them
 * within each endpoint's concurrency, rate and circuit, and hands every finished attempt to the outcomes
 * verticle. What an endpoint cannot take now goes back to Postgres, to be claimed when it has room.
 */
final class Dispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final Vertx vertx;
  private final Sender sender;
  private final SwitchboardConfig.Delivery config;
  private final Map<Long, Endpoint> endpoints = new HashMap<>();
  private final List<FinishedAttempt> finished = new ArrayList<>();

  Dispatcher(Vertx vertx, Sender sender, SwitchboardConfig.Delivery config) {
    this.vertx = vertx;
    this.sender = sender;
    this.config = config;
  }

  /**
   * Swaps in a new subscription set. An endpoint whose subscription is unchanged keeps its state (held jobs,
   * in-flight count); a changed one starts fresh, and jobs still running finish on the old object.
   */
  void useSubscriptions(List<StoredSubscription> subscriptions) {
    Map<Long, Endpoint> next = new HashMap<>();
    for (StoredSubscription s : subscriptions) {
      if (s.spec().enabled()) {
        Endpoint existing = endpoints.get(s.id());
        next.put(s.id(), existing != null && existing.subscription.equals(s)
            ? existing : new Endpoint(s, config, System.nanoTime()));
      }
    }
    endpoints.forEach((id, old) -> {
      if (next.get(id) != old) {
        old.retired = true;
        release(old, Instant.now());
      }
    });
    endpoints.clear();
    endpoints.putAll(next);
    claimAll();
  }

  /** Jobs leased by the pipeline's commit: held and sent at once where there is room, handed back where not. */
  void accept(List<DeliveryJob> jobs) {
    long now = System.nanoTime();
    Set<Endpoint> touched = new LinkedHashSet<>();
    for (DeliveryJob job : jobs) {
      Endpoint endpoint = endpoints.get(job.subscriptionId());
      // Disabled or deleted since it was planned: dropped here, due again in Postgres when its lease ends.
      if (endpoint != null) {
        endpoint.held.add(endpoint.hold(job, now));
        touched.add(endpoint);
      }
    }
    touched.forEach(endpoint -> {
      send(endpoint);
      shed(endpoint, now);
    });
  }

  /**
   * Beyond its room an endpoint keeps nothing in memory: the newest held jobs go back to Postgres, due now, and a
   * claim brings them back once it has room. While its circuit is open they are simply dropped: each is due
   * again when its lease ends (a lease is longer than the first cooldown), which costs Postgres no write.
   */
  private void shed(Endpoint endpoint, long now) {
    if (!endpoint.circuit.allowsRequest(now)) {
      endpoint.held.clear();
      endpoint.backlog = true;
      return;
    }
    int excess = -endpoint.room(now);
    if (excess <= 0) {
      return;
    }
    List<DeliveryJob> shed = new ArrayList<>();
    for (int i = 0; i < excess && !endpoint.held.isEmpty(); i++) {
      shed.add(0, endpoint.held.pollLast().job());
    }
    endpoint.backlog = true;
    release(shed, Instant.now(), "endpoint " + endpoint.name() + " has no room");
  }

  /** The poll: due retries, a backlog, another instance's released work. */
  void claimAll() {
    endpoints.values().forEach(this::claim);
  }

  /** An operator's retry or replay: claim now, and let an open circuit probe at once (the endpoint is fixed). */
  void deliveriesDue() {
    long now = System.nanoTime();
    endpoints.values().forEach(endpoint -> {
      endpoint.circuit.probeNow(now);
      endpoint.backlog = true;
      claim(endpoint);
    });
  }

  private void claim(Endpoint endpoint) {
    if (endpoint.claiming) {
      endpoint.claimAgain = true;
      return;
    }
    int room = endpoint.room(System.nanoTime());
    if (room <= 0) {
      return;
    }
    endpoint.claiming = true;
    endpoint.claimAgain = false;
    vertx.eventBus().<DeliveryBatch>request(Bus.CLAIM_DELIVERIES,
            new ClaimDeliveries(endpoint.id(), room, Endpoint.lease(endpoint.subscription.spec())))
        .onComplete(reply -> {
          endpoint.claiming = false;
          if (reply.failed()) {
            LOG.warn("claiming deliveries for {} failed; next poll retries: {}", endpoint.name(), reply.cause().getMessage());
            return;
          }
          List<DeliveryJob> jobs = reply.result().body().jobs();
          if (endpoint.retired) { // replaced while the claim was out: hand the jobs back for its successor
            release(jobs, Instant.now(), "endpoint " + endpoint.name() + " was replaced");
            return;
          }
          long now = System.nanoTime();
          jobs.forEach(job -> endpoint.held.add(endpoint.hold(job, now)));
          endpoint.backlog = jobs.size() == room;
          send(endpoint);
          if (endpoint.backlog || endpoint.claimAgain) {
            claim(endpoint);
          }
        });
  }

  private void send(Endpoint endpoint) {
    long now = System.nanoTime();
    List<DeliveryJob> tooLate = new ArrayList<>();
    while (endpoint.canSend(now)) {
      Endpoint.Held held = endpoint.held.poll();
      if (endpoint.tooLate(held, now)) {
        tooLate.add(held.job());
        continue;
      }
      if (endpoint.expired(held.job(), Instant.now())) {
        finished(endpoint, new FinishedAttempt(held.job(), new AttemptResult.Expired("not accomplished within "
            + endpoint.subscription.spec().expireAfter() + " of its receipt (expireAfter)"), null, Instant.now(), 0));
        continue;
      }
      start(endpoint, held.job());
    }
    if (!tooLate.isEmpty()) {
      endpoint.backlog = true;
      release(tooLate, Instant.now(), "their lease is too short for another attempt");
    }
    // Only the rate can hold these jobs back now: a full concurrency or an open circuit wakes them otherwise.
    if (!endpoint.held.isEmpty() && endpoint.rate != null && endpoint.inFlight < endpoint.maxConcurrency()
        && endpoint.circuit.allowsRequest(now) && endpoint.rate.available(now) < 1) {
      wakeAfter(endpoint, endpoint.rate.nanosUntilNext(now));
    }
  }

  private void start(Endpoint endpoint, DeliveryJob job) {
    endpoint.inFlight++;
    endpoint.circuit.started();
    if (endpoint.rate != null) {
      endpoint.rate.tryAcquire(System.nanoTime());
    }
    Instant startedAt = Instant.now();
    long started = System.nanoTime();
    sender.send(endpoint, job).onComplete(done -> {
      endpoint.inFlight--;
      long latency = System.nanoTime() - started;
      endpoint.answeredIn(latency);
      finished(endpoint, new FinishedAttempt(job, done.result().result(), done.result().body(), startedAt,
          latency / 1_000_000));
      send(endpoint);
      if (endpoint.backlog && endpoint.held.isEmpty()) {
        claim(endpoint);
      }
    });
  }

  /**
   * The circuit hears of every answer; the outcomes verticle gets the attempts finished in this turn of the
   * event loop as one message.
   */
  private void finished(Endpoint endpoint, FinishedAttempt attempt) {
    if (attempt.result() instanceof AttemptResult.Delivered) {
      endpoint.circuit.succeeded();
      endpoint.lastSuccessAt = Instant.now();
    } else if (attempt.result() instanceof AttemptResult.Retryable) {
      endpoint.lastFailureAt = Instant.now();
      endpointFailed(endpoint);
    } else if (attempt.result() instanceof AttemptResult.Rejected r && r.status() != null) {
      endpoint.circuit.succeeded(); // it answered (a 4xx about this delivery): the endpoint itself is up
    } else {
      endpoint.circuit.probeAbandoned(); // refused before any request: no verdict on the endpoint
    }
    if (finished.isEmpty()) {
      vertx.runOnContext(v -> {
        vertx.eventBus().send(Bus.ATTEMPTS_FINISHED, new FinishedAttempts(finished));
        finished.clear();
      });
    }
    finished.add(attempt);
  }

  /**
   * A retryable failure counts against the circuit. When it opens, held jobs go back to Postgres unsent
   * (due when the circuit may close), so another instance can never send what this one still holds.
   */
  private void endpointFailed(Endpoint endpoint) {
    long now = System.nanoTime();
    if (endpoint.circuit.failed(now)) {
      long openNanos = endpoint.circuit.openUntilNanos() - now;
      LOG.warn("circuit opened for {} after repeated failures; probing again in {} ms", endpoint.name(),
          openNanos / 1_000_000);
      release(endpoint, Instant.now().plusNanos(openNanos));
      wakeAfter(endpoint, openNanos);
    }
    Duration disableAfter = config.disableAfter();
    if (disableAfter != null && !endpoint.disabling && endpoint.circuit.failingFor(now).compareTo(disableAfter) >= 0) {
      endpoint.disabling = true;
      LOG.warn("subscription {} disabled: its endpoint has failed for {} (delivery.disableAfter)", endpoint.name(),
          disableAfter);
      vertx.eventBus().send(Bus.DISABLE_SUBSCRIPTION, endpoint.id());
    }
  }

  /** Every active endpoint as {@link Endpoint#describe} shows it, keyed by subscription id. */
  JsonObject describe() {
    long now = System.nanoTime();
    JsonObject all = new JsonObject();
    endpoints.forEach((id, endpoint) -> all.put(Long.toString(id), endpoint.describe(now)));
    return all;
  }

  /** One timer per endpoint at a time: resume sending and claiming when the rate or the circuit allows. */
  private void wakeAfter(Endpoint endpoint, long nanos) {
    if (endpoint.wakeScheduled) {
      return;
    }
    endpoint.wakeScheduled = true;
    vertx.setTimer(Math.max(1, nanos / 1_000_000), id -> {
      endpoint.wakeScheduled = false;
      send(endpoint);
      claim(endpoint);
    });
  }

  private void release(Endpoint endpoint, Instant dueAt) {
    List<DeliveryJob> jobs = endpoint.held.stream().map(Endpoint.Held::job).toList();
    endpoint.held.clear();
    endpoint.backlog = true;
    release(jobs, dueAt, "endpoint " + endpoint.name() + " stopped sending");
  }

  /** Each job is handed back only if its row is still this lease's (same attempt number). */
  private void release(List<DeliveryJob> jobs, Instant dueAt, String why) {
    if (jobs.isEmpty()) {
      return;
    }
    vertx.eventBus().request(Bus.RELEASE_DELIVERIES, new ReleaseDeliveries(
            jobs.stream().map(DeliveryJob::deliveryId).toList(), jobs.stream().map(DeliveryJob::attempt).toList(), dueAt))
        .onFailure(e -> LOG.warn("handing back {} deliveries ({}) failed; their lease expires instead: {}",
            jobs.size(), why, e.getMessage()));
  }
}
