package io.switchboard;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts Switchboard: {@code java -jar switchboard.jar [--config FILE]}. */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = Switchboard.vertx(registry);
    String file = ConfigLoader.configFile(args, System.getenv());
    ConfigLoader.load(vertx, file, System.getenv())
        .compose(config -> start(vertx, config, new Meters(registry))
            .onSuccess(v -> {
              if (java.nio.file.Files.isRegularFile(java.nio.file.Path.of(file))) {
                Switchboard.watchSubscriptions(vertx, file, config);
              }
            }))
        .onFailure(e -> exit(vertx, e));
  }

  private static Future<Void> start(Vertx vertx, SwitchboardConfig config, Meters meters) {
    LogSetup.apply(config.logging());
    warnUnsigned(config);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(vertx), "switchboard-shutdown"));
    return Switchboard.deploy(vertx, config, meters)
        .onSuccess(v -> LOG.info("switchboard ready http={}:{} sources={} subscriptions={} ack={}",
            config.http().host(), config.http().port(), config.sources().size(), config.subscriptions().size(),
            config.ingress().ack()));
  }

  /** Allowed (a provider may offer no signing), but never silently: anyone who finds the URL can post to it. */
  private static void warnUnsigned(SwitchboardConfig config) {
    config.sources().stream().filter(source -> !source.checksAuth()).forEach(source -> LOG.warn(
        "source={} accepts unsigned webhooks: anyone who finds /webhooks/{} can post to it; set {}", source.name(),
        source.name(), source.kind() == SwitchboardConfig.SourceKind.META ? "appSecret" : "basicAuth"));
  }

  /** Undeploying stops the embedded Postgres cleanly; bounded so a stuck close cannot hang the exit. */
  private static void stop(Vertx vertx) {
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("shutdown did not finish cleanly: {}", e.getMessage());
    }
  }

  private static void exit(Vertx vertx, Throwable e) {
    if (e instanceof ConfigException config) {
      config.problems().forEach(p -> System.err.println("config error: " + p));
    } else {
      LOG.error("switchboard failed to start: {}", e.getMessage(), e);
    }
    vertx.close().onComplete(v -> System.exit(1));
  }
}
