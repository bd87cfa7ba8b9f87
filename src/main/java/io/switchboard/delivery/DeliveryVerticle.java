package io.switchboard.delivery;

import io.switchboard.api.AttemptRecord;
import io.switchboard.api.AttemptRecord.Outcome;
import io.switchboard.api.Bus;
import io.switchboard.api.ClaimDeliveries;
import io.switchboard.api.ClassifiedWebhook;
import io.switchboard.api.ClassifiedWebhooks;
import io.switchboard.api.DeliveryBatch;
import io.switchboard.api.DeliveryJob;
import io.switchboard.api.PlannedDelivery;
import io.switchboard.api.PlannedWebhook;
import io.switchboard.api.ReleaseDeliveries;
import io.switchboard.api.ReplyCodes;
import io.switchboard.api.SendTest;
import io.switchboard.api.StoreEvents;
import io.switchboard.api.StoredSubscription;
import io.switchboard.api.SubscriptionSet;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans events out to subscribers: plans deliveries for each classified webhook, leases due ones from
 * storage, POSTs them signed within each endpoint's concurrency, and records every attempt. Postgres
 * holds the schedule; the timers here only make the next attempt prompt.
 */
public final class DeliveryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(DeliveryVerticle.class);
  private static final long SUBSCRIPTION_REFRESH_MILLIS = 10_000;

  private final SwitchboardConfig.Delivery config;
  private final Meters meters;
  private List<SwitchboardConfig.Subscription> configured;
  private final RetryPolicy retryPolicy;
  private final Map<Long, Endpoint> endpoints = new HashMap<>();
  private SubscriptionMatcher matcher = new SubscriptionMatcher(List.of());
  private List<StoredSubscription> current = List.of();
  private long refreshTimer = -1;
  private WebClient client;
  private Sender sender;
  private long pollTimer = -1;

  public DeliveryVerticle(SwitchboardConfig.Delivery config, List<SwitchboardConfig.Subscription> configured,
      Meters meters) {
    this.config = config;
    this.meters = meters;
    this.configured = configured;
    this.retryPolicy = new RetryPolicy(config.jitter(), () -> ThreadLocalRandom.current().nextDouble());
  }

  @Override
  public Future<?> start() {
    client = WebClient.create(vertx,
        new WebClientOptions().setUserAgent("Switchboard-Webhooks/1.0").setFollowRedirects(false),
        new PoolOptions().setHttp1MaxSize(100));
    sender = new Sender(vertx, client, config);
    return loadSubscriptions().map(v -> {
      vertx.eventBus().<ClassifiedWebhooks>consumer(Bus.WEBHOOKS_CLASSIFIED, m -> plan(m.body())
          .onSuccess(m::reply)
          .onFailure(e -> m.fail(ReplyCodes.STORAGE_UNAVAILABLE, e.getMessage())));
      // Replies once the new set is in use, so the management API can answer after it takes effect.
      vertx.eventBus().consumer(Bus.SUBSCRIPTIONS_CHANGED, m -> reloadSubscriptions().onComplete(r -> m.reply(null)));
      vertx.eventBus().<SubscriptionSet>consumer(Bus.CONFIG_SUBSCRIPTIONS_CHANGED, m -> {
        configured = m.body().subscriptions().stream().map(StoredSubscription::spec).toList();
        reloadSubscriptions();
      });
      // An operator's retry or replay: claim now rather than at the next poll, and let an open circuit
      // probe at once (the operator is saying the endpoint is fixed).
      vertx.eventBus().consumer(Bus.DELIVERIES_DUE, m -> endpoints.values().forEach(endpoint -> {
        endpoint.circuit.probeNow(System.nanoTime());
        claim(endpoint);
      }));
      TestSender tests = new TestSender(sender, config.timeout());
      vertx.eventBus().<SendTest>consumer(Bus.SEND_TEST, m -> tests.send(m.body()).onSuccess(m::reply));
      pollTimer = vertx.setPeriodic(config.pollInterval().toMillis(), id -> endpoints.values().forEach(this::claim));
      refreshTimer = vertx.setPeriodic(SUBSCRIPTION_REFRESH_MILLIS, id -> refreshFromStorage());
      return null;
    });
  }

  /**
   * The bus is not clustered, so another instance's API change or auto-disable only reaches this one
   * through Postgres: re-read the table now and then, and swap only if something changed.
   */
  private void refreshFromStorage() {
    vertx.eventBus().<SubscriptionSet>request(Bus.LIST_SUBSCRIPTIONS, null)
        .onSuccess(reply -> {
          if (!reply.body().subscriptions().equals(current)) {
            LOG.info("subscriptions changed in storage; reloading");
            useSubscriptions(reply.body().subscriptions());
          }
        });
  }

  private Future<Void> reloadSubscriptions() {
    return loadSubscriptions()
        .onSuccess(v -> LOG.info("subscriptions reloaded active={}", endpoints.size()))
        .onFailure(e -> LOG.warn("reloading subscriptions failed; keeping the current set: {}", e.getMessage()));
  }

  /** Upserts the config file's subscriptions, then uses every stored one (config and API alike). */
  private Future<Void> loadSubscriptions() {
    List<StoredSubscription> specs = configured.stream().map(s -> new StoredSubscription(0, "config", s)).toList();
    return vertx.eventBus().<SubscriptionSet>request(Bus.SYNC_SUBSCRIPTIONS, new SubscriptionSet(specs))
        .map(reply -> {
          useSubscriptions(reply.body().subscriptions());
          return null;
        });
  }

  /**
   * Swaps in a new subscription set. An endpoint whose subscription is unchanged keeps its state (leased
   * jobs, in-flight count); a changed one starts fresh, and jobs still running finish on the old object.
   */
  private void useSubscriptions(List<StoredSubscription> subscriptions) {
    matcher = new SubscriptionMatcher(subscriptions);
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
        releaseLeased(old, Instant.now());
      }
    });
    current = subscriptions;
    endpoints.clear();
    endpoints.putAll(next);
    endpoints.values().forEach(this::claim);
  }

  /** Deliveries are stored with their events in one commit; only then is anything sent. Yields the new deliveries. */
  private Future<Integer> plan(ClassifiedWebhooks classified) {
    List<PlannedWebhook> planned = new ArrayList<>(classified.webhooks().size());
    Set<Long> subscriptions = new HashSet<>();
    for (ClassifiedWebhook webhook : classified.webhooks()) {
      List<PlannedDelivery> deliveries = matcher.plan(webhook);
      deliveries.forEach(d -> subscriptions.add(d.subscriptionId()));
      planned.add(new PlannedWebhook(webhook, deliveries));
    }
    return vertx.eventBus().<Integer>request(Bus.STORE_EVENTS, new StoreEvents(planned))
        .map(reply -> {
          if (reply.body() > 0) {
            subscriptions.stream().map(endpoints::get).filter(e -> e != null).forEach(this::claim);
          }
          return reply.body();
        })
        .onFailure(e -> LOG.warn("storing events failed for {} webhooks from inboundId={}; the recovery sweep will"
            + " retry: {}", planned.size(), classified.webhooks().isEmpty() ? null
            : classified.webhooks().get(0).inboundId(), e.getMessage()));
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
    vertx.eventBus().<DeliveryBatch>request(Bus.CLAIM_DELIVERIES, new ClaimDeliveries(endpoint.id(), room, endpoint.lease()))
        .onComplete(reply -> {
          endpoint.claiming = false;
          if (reply.failed()) {
            LOG.warn("claiming deliveries for {} failed; next poll retries: {}", endpoint.name(), reply.cause().getMessage());
            return;
          }
          List<DeliveryJob> jobs = reply.result().body().jobs();
          endpoint.leased.addAll(jobs);
          send(endpoint);
          if (jobs.size() == room || endpoint.claimAgain) {
            claim(endpoint);
          }
        });
  }

  private void send(Endpoint endpoint) {
    while (endpoint.canSend(System.nanoTime())) {
      DeliveryJob job = endpoint.leased.poll();
      endpoint.inFlight++;
      endpoint.circuit.started();
      if (endpoint.rate != null) {
        endpoint.rate.tryAcquire(System.nanoTime());
      }
      Instant startedAt = Instant.now();
      long started = System.nanoTime();
      sender.send(endpoint, job).onComplete(done -> {
        endpoint.inFlight--;
        long latencyMillis = (System.nanoTime() - started) / 1_000_000;
        record(endpoint, job, done.result(), startedAt, latencyMillis);
        send(endpoint);
        if (endpoint.leased.isEmpty()) {
          claim(endpoint);
        }
      });
    }
    if (!endpoint.leased.isEmpty() && endpoint.rate != null) {
      wakeAfter(endpoint, endpoint.rate.nanosUntilNext(System.nanoTime()));
    }
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

  private void record(Endpoint endpoint, DeliveryJob job, Sender.Response response, Instant startedAt,
      long latencyMillis) {
    AttemptRecord attempt;
    if (response.result() instanceof AttemptResult.Delivered d) {
      endpoint.circuit.succeeded();
      attempt = new AttemptRecord(job.deliveryId(), job.attempt(), startedAt, latencyMillis, d.status(),
          response.body(), null, Outcome.SUCCEEDED, null);
    } else if (response.result() instanceof AttemptResult.Retryable r) {
      attempt = retry(endpoint, job, r, response.body(), startedAt, latencyMillis);
      endpointFailed(endpoint);
    } else {
      AttemptResult.Rejected r = (AttemptResult.Rejected) response.result();
      LOG.warn("delivery to {} ({}, attempt {}) failed: {}; not retried", endpoint.name(), job.messageId(),
          job.attempt(), r.error());
      attempt = new AttemptRecord(job.deliveryId(), job.attempt(), startedAt, latencyMillis, r.status(),
          response.body(), r.error(), Outcome.FAILED, null);
    }
    meters.delivery(endpoint.name(), attempt.outcome().name().toLowerCase(java.util.Locale.ROOT));
    meters.deliveryAttempt(Duration.ofMillis(latencyMillis));
    vertx.eventBus().request(Bus.RECORD_ATTEMPT, attempt, new DeliveryOptions().setSendTimeout(30_000))
        .onFailure(e -> LOG.warn("recording attempt failed deliveryId={} attempt={}; the lease makes it due again: {}",
            job.deliveryId(), job.attempt(), e.getMessage()));
  }

  private AttemptRecord retry(Endpoint endpoint, DeliveryJob job, AttemptResult.Retryable r, String body,
      Instant startedAt, long latencyMillis) {
    Duration delay = retryPolicy.nextDelay(endpoint.subscription.spec().schedule(), job.attempt(), r.retryAfter());
    if (delay == null) {
      LOG.warn("delivery to {} ({}, attempt {}) got {}; schedule used up, delivery failed", endpoint.name(),
          job.messageId(), job.attempt(), r.error());
      return new AttemptRecord(job.deliveryId(), job.attempt(), startedAt, latencyMillis, r.status(), body,
          r.error(), Outcome.FAILED, null);
    }
    LOG.info("delivery to {} ({}, attempt {}) got {}; retry in {}", endpoint.name(), job.messageId(), job.attempt(),
        r.error(), delay);
    // A little after the row is due, so the claim does not arrive a hair before next_attempt_at.
    vertx.setTimer(delay.toMillis() + 50, id -> claim(endpoint));
    return new AttemptRecord(job.deliveryId(), job.attempt(), startedAt, latencyMillis, r.status(), body, r.error(),
        Outcome.RETRY, Instant.now().plus(delay));
  }

  /**
   * A retryable failure counts against the circuit. When it opens, leased jobs go back to Postgres unsent
   * (due when the circuit may close), so another instance can never send what this one still holds.
   */
  private void endpointFailed(Endpoint endpoint) {
    long now = System.nanoTime();
    if (endpoint.circuit.failed(now)) {
      long openNanos = endpoint.circuit.openUntilNanos() - now;
      LOG.warn("circuit opened for {} after repeated failures; probing again in {} ms", endpoint.name(),
          openNanos / 1_000_000);
      releaseLeased(endpoint, Instant.now().plusNanos(openNanos));
      wakeAfter(endpoint, openNanos);
    }
    Duration disableAfter = config.disableAfter();
    if (disableAfter != null && !endpoint.disabling && endpoint.circuit.failingFor(now).compareTo(disableAfter) >= 0) {
      endpoint.disabling = true;
      LOG.warn("subscription {} disabled: its endpoint has failed for {} (delivery.disableAfter)", endpoint.name(),
          disableAfter);
      vertx.eventBus().request(Bus.DISABLE_SUBSCRIPTION, endpoint.id())
          .onSuccess(v -> vertx.eventBus().publish(Bus.SUBSCRIPTIONS_CHANGED, null));
    }
  }

  private void releaseLeased(Endpoint endpoint, Instant dueAt) {
    List<Long> ids = endpoint.leased.stream().map(DeliveryJob::deliveryId).toList();
    endpoint.leased.clear();
    if (!ids.isEmpty()) {
      vertx.eventBus().request(Bus.RELEASE_DELIVERIES, new ReleaseDeliveries(ids, dueAt))
          .onFailure(e -> LOG.warn("releasing {} deliveries of {} failed; their lease expires instead: {}",
              ids.size(), endpoint.name(), e.getMessage()));
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(refreshTimer);
    client.close();
    return Future.succeededFuture();
  }
}
