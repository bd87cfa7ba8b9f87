package io.switchboard.api;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import java.util.List;

/**
 * The event-bus contract in one place: every address and the record it carries. Published facts are
 * named {@code switchboard.<noun>.<past participle>}; requests to an owner {@code switchboard.<owner>.<verb>}.
 * Bodies are immutable records passed by reference through one local codec (no clustering, no JSON).
 */
public final class Bus {

  // The pipeline, in the order a webhook travels it. Every hop is one way: a stage hands its batch on and
  // answers only its own caller; nothing travels back up.
  /** {@link StoreWebhook} → {@code Long} inbound id, replied once the row is committed (ingress → storage intake). */
  public static final String STORE_WEBHOOK = "switchboard.storage.store-webhook";
  /** {@link ReceivedWebhooks}: committed bodies to classify, sent so parser instances share them (intake, recovery → parser). */
  public static final String WEBHOOKS_RECEIVED = "switchboard.webhooks.received";
  /** {@link ClassifiedWebhooks}: the events of those bodies (parser → planner). */
  public static final String WEBHOOKS_CLASSIFIED = "switchboard.webhooks.classified";
  /** {@link StoreEvents}, no reply: events, leased deliveries and outcomes to commit (planner → storage pipeline writes). */
  public static final String STORE_EVENTS = "switchboard.storage.store-events";
  /** {@link DeliveryBatch}: deliveries just committed leased to this instance, bodies in memory (storage → dispatch). */
  public static final String DELIVERIES_LEASED = "switchboard.deliveries.leased";
  /** {@link FinishedAttempts}: what each HTTP try came to (dispatch → outcomes). */
  public static final String ATTEMPTS_FINISHED = "switchboard.attempts.finished";
  /** {@link AttemptRecords}, no reply: attempts to log, deliveries to move on (outcomes → storage pipeline writes). */
  public static final String RECORD_ATTEMPTS = "switchboard.storage.record-attempts";
  /** {@link OutcomesRecorded}, published: bodies whose events and deliveries committed (storage → recovery sweep). */
  public static final String OUTCOMES_RECORDED = "switchboard.outcomes.recorded";

  // Dispatch's own requests to storage: work Postgres holds (retries, backlog past the memory bound).
  /** {@link ClaimDeliveries} → {@link DeliveryBatch}: due deliveries leased to this instance, bodies read back. */
  public static final String CLAIM_DELIVERIES = "switchboard.storage.claim-deliveries";
  /** {@link ReleaseDeliveries} → {@code null}: leased deliveries handed back unsent. */
  public static final String RELEASE_DELIVERIES = "switchboard.storage.release-deliveries";

  // Subscriptions: storage owns the rows and publishes the whole set after every change; delivery only reads it.
  /** {@link SubscriptionSet}, published: every stored subscription, after any change (storage → planner, dispatch, outcomes). */
  public static final String SUBSCRIPTIONS_CHANGED = "switchboard.subscriptions.changed";
  /** {@link SubscriptionSet}, published: the config file's subscriptions after the file changed, ids 0 (config watcher → storage). */
  public static final String CONFIG_SUBSCRIPTIONS_CHANGED = "switchboard.config.subscriptions-changed";
  /** {@code Long} subscription id, no reply: switch it off, its endpoint failed too long (dispatch → storage). */
  public static final String DISABLE_SUBSCRIPTION = "switchboard.storage.disable-subscription";
  /** {@code null} → {@link SubscriptionSet} of every stored subscription (delivery at start, the management API). */
  public static final String LIST_SUBSCRIPTIONS = "switchboard.storage.list-subscriptions";

  /**
   * {@code null}, published once every verticle is deployed: the first recovery sweep waits for it, as
   * bodies it re-sends before the parser and delivery listen would go nowhere.
   */
  public static final String PIPELINE_DEPLOYED = "switchboard.pipeline.deployed";
  /** {@code null} → {@code null} while Postgres has not been unreachable longer than storage.maxDowntime; fails 503 past it (liveness). */
  public static final String STORAGE_LIVENESS = "switchboard.storage.liveness";
  /** {@code null} → {@code null} once a trivial query succeeds (readiness). */
  public static final String STORAGE_PING = "switchboard.storage.ping";

  // The management API (ingress → storage, delivery). Read models come back as JsonObject: they only
  // travel to an HTTP response, so a record per view would add types without adding safety.
  /** {@link FindDeliveries} → {@code JsonObject {data: [...], next_cursor}}. */
  public static final String FIND_DELIVERIES = "switchboard.storage.find-deliveries";
  /** {@link Lookup} of a delivery id → {@code JsonObject} with its attempts and event payload; fails 404. */
  public static final String GET_DELIVERY = "switchboard.storage.get-delivery";
  /** {@link Lookup} of a delivery id → {@code JsonObject} once it is due now; fails 404, or 409 when its subscription is disabled. */
  public static final String RETRY_DELIVERY = "switchboard.storage.retry-delivery";
  /** {@link ReplayDeliveries} → {@code Integer} count made due now. */
  public static final String REPLAY_DELIVERIES = "switchboard.storage.replay-deliveries";
  /** {@link SummarizeDeliveries} → {@code JsonObject} counts, top event types, latency percentiles. */
  public static final String SUMMARIZE_DELIVERIES = "switchboard.storage.summarize-deliveries";
  /** {@link DeleteDeliveries} → {@code Integer} count deleted. */
  public static final String DELETE_DELIVERIES = "switchboard.storage.delete-deliveries";
  /** {@link Lookup} of an event id → {@code JsonObject} with its payload; fails 404. */
  public static final String GET_EVENT = "switchboard.storage.get-event";
  /** {@link Lookup} of an inbound id → {@code JsonObject} with the raw body as text, its events and their deliveries; fails 404. */
  public static final String GET_WEBHOOK = "switchboard.storage.get-webhook";
  /** {@link FindWebhooks} → {@code JsonObject {data: [...], next_cursor}}: raw inbound webhooks, bodies left out. */
  public static final String FIND_WEBHOOKS = "switchboard.storage.find-webhooks";
  /** {@link ReplayDeliveries} → {@code Integer}: how many deliveries a replay would make due, changing nothing. */
  public static final String COUNT_REPLAY = "switchboard.storage.count-replay";
  /**
   * {@code null} → {@code JsonObject} keyed by subscription id: each endpoint's circuit, in-flight count and last
   * success and failure as this instance's dispatch saw them (ingress → dispatch).
   */
  public static final String DESCRIBE_ENDPOINTS = "switchboard.delivery.describe-endpoints";
  /** {@link Lookup} → {@link StoredSubscription}; fails 404. */
  public static final String GET_SUBSCRIPTION = "switchboard.storage.get-subscription";
  /** {@link SaveSubscription} → {@link StoredSubscription} once committed and published; fails 404, or 409 (name taken, or config-owned). */
  public static final String SAVE_SUBSCRIPTION = "switchboard.storage.save-subscription";
  /** {@link RotateSecret} → {@link StoredSubscription} once committed and published; fails 404, or 409 for a config-owned one. */
  public static final String ROTATE_SECRET = "switchboard.storage.rotate-secret";
  /** {@link DeleteSubscription} → {@code null} once committed and published; fails 404, or 409 (config-owned, or a log without purge). */
  public static final String DELETE_SUBSCRIPTION = "switchboard.storage.delete-subscription";
  /** {@code null} → {@code JsonObject} of rows deleted per table: the retention purge, also run hourly. */
  public static final String PURGE_EXPIRED = "switchboard.storage.purge-expired";
  /** {@code null}, published after deliveries were made due now (retry, replay): dispatch claims at once. */
  public static final String DELIVERIES_DUE = "switchboard.deliveries.due";
  /** {@link SendTest} → {@code JsonObject {status, latency_ms, body, error}}: what the endpoint answered. */
  public static final String SEND_TEST = "switchboard.delivery.send-test";

  private static final List<Class<?>> RECORDS = List.of(
      StoreWebhook.class, ReceivedWebhooks.class, ClassifiedWebhooks.class, StoreEvents.class,
      DeliveryBatch.class, FinishedAttempts.class, AttemptRecords.class, OutcomesRecorded.class,
      SubscriptionSet.class, ClaimDeliveries.class, ReleaseDeliveries.class,
      StoredSubscription.class, Lookup.class, FindDeliveries.class, ReplayDeliveries.class,
      SummarizeDeliveries.class, DeleteDeliveries.class, SaveSubscription.class, DeleteSubscription.class,
      RotateSecret.class, SendTest.class, FindWebhooks.class);

  private Bus() {}

  /** Called once from Main, before anything deploys. */
  public static void registerCodecs(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    RECORDS.forEach(type -> register(bus, type));
  }

  private static <T> void register(EventBus bus, Class<T> type) {
    bus.registerDefaultCodec(type, new LocalCodec<>(type));
  }

  /** Passes the record itself: safe because every bus record is immutable, and nothing leaves the JVM. */
  private record LocalCodec<T>(Class<T> type) implements MessageCodec<T, T> {

    @Override
    public void encodeToWire(Buffer buffer, T value) {
      throw new UnsupportedOperationException(type.getSimpleName() + " is local-only: Switchboard does not cluster");
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException(type.getSimpleName() + " is local-only: Switchboard does not cluster");
    }

    @Override
    public T transform(T value) {
      return value;
    }

    @Override
    public String name() {
      return "local:" + type.getName();
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
