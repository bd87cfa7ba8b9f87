package io.switchboard;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.delivery.DispatchVerticle;
import io.switchboard.delivery.OutcomesVerticle;
import io.switchboard.delivery.PlannerVerticle;
import io.switchboard.ingress.IngressVerticle;
import io.switchboard.ingress.RateLimits;
import io.switchboard.ingress.RecentRequests;
import io.switchboard.ingress.SignInThrottle;
import io.switchboard.metrics.Meters;
import io.switchboard.parser.ParserVerticle;
import io.switchboard.runtime.AckLoops;
import io.switchboard.storage.StorageVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.Match;
import io.vertx.micrometer.MatchType;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.api.Bus;
import io.switchboard.api.StoredSubscription;
import io.switchboard.api.SubscriptionSet;
import io.switchboard.config.ConfigLoader;
import io.vertx.config.ConfigRetriever;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys the verticles in dependency order: storage (Postgres up and migrated) → delivery (outcomes,
 * dispatch, planner) → parser → ingress, so nothing is accepted before it can be committed and handed on.
 */
public final class Switchboard {

  private static final Logger LOG = LoggerFactory.getLogger(Switchboard.class);
  private static final Duration RELOAD_PERIOD = Duration.ofSeconds(2);
  /**
   * Vert.x names each HTTP client pool after its endpoint, {@code host:port}, whatever labels are enabled:
   * one series per subscriber, and every subscriber's address on /metrics. They are summed under one name;
   * per-subscription figures are the {@code switchboard_deliveries_total{subscription}} meters.
   */
  private static final Match DELIVERY_POOLS = new Match().setDomain(MetricsDomain.NAMED_POOLS).setLabel("pool_name")
      .setType(MatchType.REGEX).setValue(".+:\\d+").setAlias("delivery");

  private Switchboard() {}

  /**
   * A Vertx whose own metrics (HTTP server and client, pools) and the JVM's land in {@code registry}, codecs
   * registered. One event loop per core for the fan-out: its verticles hand every webhook to each other, and a
   * hop between two busy loops is cheaper than waking a third thread (BENCHMARKS.md). The acknowledgement path
   * has loops of its own ({@link AckLoops}, from {@link #deploy}).
   * Event-bus meters are off: they cost a registry lookup per message, several messages per webhook.
   */
  public static Vertx vertx(MeterRegistry registry) {
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions()
            .setEventLoopPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors()))
            .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
                .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
                .addLabelMatch(DELIVERY_POOLS)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    Bus.registerCodecs(vertx);
    return vertx;
  }

  /**
   * Picks up edits to the config file's subscriptions without a restart. Other keys are read at start-up
   * only: a change to them is reported, not applied.
   */
  public static ConfigRetriever watchSubscriptions(Vertx vertx, String file, SwitchboardConfig running) {
    AtomicReference<SwitchboardConfig> current = new AtomicReference<>(running);
    return ConfigLoader.watch(vertx, file, System.getenv(), RELOAD_PERIOD, next -> {
      SwitchboardConfig previous = current.getAndSet(next);
      if (!previous.subscriptions().equals(next.subscriptions())) {
        LOG.info("{} changed: applying {} subscriptions", file, next.subscriptions().size());
        vertx.eventBus().publish(Bus.CONFIG_SUBSCRIPTIONS_CHANGED, new SubscriptionSet(next.subscriptions().stream()
            .map(s -> new StoredSubscription(0, "config", s)).toList()));
      }
      SwitchboardConfig withOldSubscriptions = new SwitchboardConfig(next.http(), next.ingress(), next.sources(),
          previous.subscriptions(), next.delivery(), next.storage(), next.admin(), next.logging());
      if (!withOldSubscriptions.equals(previous)) {
        LOG.warn("{} changed outside subscriptions: restart Switchboard to apply it", file);
      }
    });
  }

  public static Future<Void> deploy(Vertx vertx, SwitchboardConfig config, Meters meters) {
    int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
    RecentRequests recent = new RecentRequests(config.ingress().ringSize());
    RateLimits limits = new RateLimits();
    SignInThrottle throttle = new SignInThrottle();
    AckLoops ackLoops = new AckLoops(vertx, loops);
    // Each stage is deployed before the one that feeds it.
    return vertx.deployVerticle(new StorageVerticle(config.storage(), config.subscriptions(), ackLoops, meters))
        .compose(id -> vertx.deployVerticle(new OutcomesVerticle(config.delivery(), meters)))
        .compose(id -> vertx.deployVerticle(new DispatchVerticle(config.delivery())))
        .compose(id -> vertx.deployVerticle(new PlannerVerticle()))
        .compose(id -> vertx.deployVerticle(() -> new ParserVerticle(meters),
            new DeploymentOptions().setInstances(loops).setThreadingModel(ThreadingModel.WORKER)))
        .compose(id -> vertx.deployVerticle(
            () -> new IngressVerticle(config, recent, limits, throttle, ackLoops, meters),
            new DeploymentOptions().setInstances(loops)))
        .<Void>mapEmpty()
        .onSuccess(v -> vertx.eventBus().publish(Bus.PIPELINE_DEPLOYED, null));
  }
}
