package io.switchboard.parser;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.switchboard.api.ClassifiedWebhook;
import io.switchboard.api.NormalizedEvent;
import io.switchboard.api.WebhookReceived;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Classifies one inbound WhatsApp webhook into normalized events (SPEC section 5). Pure and safe to share
 * between threads: it keeps no state but an immutable mapper, and it never throws: what cannot be read
 * becomes {@code whatsapp.unclassified} or a parse error, so every body yields at least one of them.
 */
public final class WebhookClassifier {

  // Below Jackson's default of 1000 so the events we write (the body nested two levels deeper) can
  // still be read back by any default Jackson reader downstream.
  private static final int MAX_BODY_DEPTH = 900;
  private static final int MAX_ERROR_LENGTH = 300;

  private final ObjectReader reader;
  private final EventIds ids;
  private final EventJson json;

  public WebhookClassifier() {
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_BODY_DEPTH).build())
        .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_BODY_DEPTH + 10).build())
        .build();
    ObjectMapper mapper = JsonMapper.builder(factory)
        // "{...} trailing garbage" is not the JSON the provider signed: treat it as malformed.
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
    this.reader = mapper.readerFor(JsonNode.class);
    this.ids = new EventIds(mapper);
    this.json = new EventJson(mapper);
  }

  public ClassifiedWebhook classify(WebhookReceived webhook) {
    List<NormalizedEvent> events = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    try {
      JsonNode body = parse(webhook.body(), errors);
      if (body != null) {
        classifyBody(webhook, body, events, errors);
      }
    } catch (RuntimeException | StackOverflowError e) {
      // Unreachable by design (depth is bounded, reads are lenient); kept so one body can never stop the parser.
      events.clear();
      errors.add("classifier failed on inbound " + webhook.inboundId() + ": " + describe(e));
    }
    return new ClassifiedWebhook(webhook.inboundId(), webhook.source(), events, errors);
  }

  private JsonNode parse(byte[] body, List<String> errors) {
    try {
      JsonNode tree = reader.readTree(body);
      if (tree == null || tree.isMissingNode()) {
        errors.add("body is empty");
        return null;
      }
      return tree;
    } catch (IOException e) {
      // Covers malformed JSON and StreamConstraintsException (too deep, too long a number or string).
      errors.add("body is not valid JSON: " + describe(e));
      return null;
    }
  }

  private void classifyBody(WebhookReceived webhook, JsonNode body, List<NormalizedEvent> events,
                            List<String> errors) {
    List<Change> changes = MetaEnvelopeReader.changes(body);
    for (int i = 0; i < changes.size(); i++) {
      Change change = changes.get(i);
      try {
        for (Update update : ChangeRouter.route(change)) {
          events.add(toEvent(webhook, change, update));
        }
      } catch (RuntimeException e) {
        // One odd change must not cost the others in the same body their events.
        errors.add("change " + i + " (field " + change.field() + ") could not be classified: " + describe(e));
      }
    }
  }

  private NormalizedEvent toEvent(WebhookReceived webhook, Change change, Update update) {
    String id = ids.eventId(webhook.source(), update.identity());
    Instant occurredAt = occurredAt(webhook, change, update);
    var envelope = new EventJson.Envelope(id, update.type(), webhook.source(), occurredAt, webhook.receivedAt(),
        change.entryId(), change.phoneNumberId(), change.displayPhoneNumber(), webhook.inboundId());
    return new NormalizedEvent(id, update.type(), webhook.source(), occurredAt, webhook.receivedAt(),
        envelope.wabaId(), envelope.phoneNumberId(), envelope.displayPhoneNumber(), webhook.inboundId(),
        Nodes.text(update.data().path("contact_key")), statusOf(update), json.write(envelope, update.data()));
  }

  /** A message status's message and recipient (for a group: the participant), so each person's statuses rank alone. */
  private static String statusOf(Update update) {
    String messageId = update.type().startsWith("message.status.") ? Nodes.text(update.data().path("message_id")) : null;
    return messageId == null ? null : messageId + " " + Nodes.text(update.data().path("contact_key"));
  }

  // The update's own timestamp, else the entry's time (template and account updates), else arrival.
  private static Instant occurredAt(WebhookReceived webhook, Change change, Update update) {
    Instant own = Timestamps.read(update.timestamp());
    if (own != null) {
      return own;
    }
    Instant entryTime = Timestamps.read(change.entryTime());
    return entryTime != null ? entryTime : webhook.receivedAt();
  }

  private static String describe(Throwable e) {
    String text = e.getClass().getSimpleName() + ": " + e.getMessage();
    return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH) + "...";
  }
}
