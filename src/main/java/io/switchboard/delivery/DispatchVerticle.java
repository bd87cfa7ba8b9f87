package io.switchboard.delivery;

import io.switchboard.api.Bus;
import io.switchboard.api.DeliveryBatch;
import io.switchboard.api.SendTest;
import io.switchboard.config.SwitchboardConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/**
 * Sends deliveries: the one HTTP client, per-endpoint concurrency, rate and circuit ({@link Dispatcher}), the
 * poll for work Postgres holds (retries, backlog), and the operator's test sends.
 */
public final class DispatchVerticle extends VerticleBase {

  private final SwitchboardConfig.Delivery config;
  private HttpClient client;

  public DispatchVerticle(SwitchboardConfig.Delivery config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    // Redirects are never followed: a 3xx is the subscriber's answer, and a redirect could lead past the guard.
    client = vertx.createHttpClient(new HttpClientOptions()
            .setName("delivery").setMaxRedirects(0),
        new PoolOptions().setHttp1MaxSize(100));
    Sender sender = new Sender(vertx, client, config);
    Dispatcher dispatcher = new Dispatcher(vertx, sender, config);
    TestSender tests = new TestSender(sender, config.timeout());
    return ActiveSubscriptions.follow(vertx, dispatcher::useSubscriptions).map(v -> {
      EventBus bus = vertx.eventBus();
      bus.<DeliveryBatch>consumer(Bus.DELIVERIES_LEASED, m -> dispatcher.accept(m.body().jobs()));
      bus.<Void>consumer(Bus.DELIVERIES_DUE, m -> dispatcher.deliveriesDue());
      bus.<SendTest>consumer(Bus.SEND_TEST, m -> tests.send(m.body()).onSuccess(m::reply));
      bus.<Void>consumer(Bus.DESCRIBE_ENDPOINTS, m -> m.reply(dispatcher.describe()));
      vertx.setPeriodic(config.pollInterval().toMillis(), id -> dispatcher.claimAll());
      return null;
    });
  }

  @Override
  public Future<?> stop() {
    return client.close();
  }
}
