package io.switchboard.parser;

import io.switchboard.api.Bus;
import io.switchboard.api.ClassifiedWebhook;
import io.switchboard.api.ClassifiedWebhooks;
import io.switchboard.api.ReceivedWebhooks;
import io.switchboard.api.WebhookReceived;
import io.switchboard.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Classifies committed inbound bodies into normalized events and hands them on to the planner, a batch at a time. */
public final class ParserVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ParserVerticle.class);

  private final WebhookClassifier classifier = new WebhookClassifier();
  private final Meters meters;
  private MessageConsumer<ReceivedWebhooks> consumer;

  public ParserVerticle(Meters meters) {
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(Bus.WEBHOOKS_RECEIVED, this::classifyAll);
    return consumer.completion();
  }

  private void classifyAll(Message<ReceivedWebhooks> message) {
    List<WebhookReceived> received = message.body().webhooks();
    List<ClassifiedWebhook> classified = new ArrayList<>(received.size());
    for (WebhookReceived webhook : received) {
      classified.add(classify(webhook));
    }
    vertx.eventBus().send(Bus.WEBHOOKS_CLASSIFIED, new ClassifiedWebhooks(classified));
  }

  private ClassifiedWebhook classify(WebhookReceived webhook) {
    // The raw body rides along for raw subscriptions: they are sent it without reading it back.
    ClassifiedWebhook classified = classifier.classify(webhook).withBody(webhook.body());
    if (!classified.parseErrors().isEmpty()) {
      LOG.warn("parse errors inboundId={} source={} errors={}", webhook.inboundId(), webhook.source(),
          classified.parseErrors());
    }
    classified.events().forEach(e -> meters.event(e.type()));
    return classified;
  }
}
