package io.switchboard.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.ClassifiedWebhook;
import io.switchboard.api.NormalizedEvent;
import io.switchboard.api.WebhookReceived;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Property: any body yields at least one event or one parse error, and nothing escapes")
class ClassifierPropertyTest {

  private static final long SEED = 20250609L;
  private static final int CASES = 20_000;

  private final WebhookClassifier classifier = new WebhookClassifier();

  @Test
  @DisplayName("20 000 random trees, mutated fixtures, damaged bytes and deep nesting")
  void everyBodyIsAccountedFor() throws IOException {
    RandomBodies bodies = new RandomBodies(SEED, fixtureTrees());
    int events = 0;
    int errors = 0;
    for (int i = 0; i < CASES; i++) {
      byte[] body = bodies.next();
      ClassifiedWebhook result = classifyOrFail(i, body);
      if (result.events().isEmpty() && result.parseErrors().isEmpty()) {
        fail("case " + i + " yielded nothing: " + Base64.getEncoder().encodeToString(body));
      }
      for (String error : result.parseErrors()) {
        // Only unparseable bodies may give errors; anything else is a classifier bug caught by its safety net.
        assertTrue(error.startsWith("body is"), "case " + i + ": " + error);
      }
      if (i % 10 == 0) {
        checkEvents(i, body, result);
      }
      events += result.events().size();
      errors += result.parseErrors().size();
    }
    // Guards the generator itself: both outcomes must be exercised in bulk.
    assertTrue(events > CASES / 2, "events " + events);
    assertTrue(errors > CASES / 20, "parse errors " + errors);
  }

  private ClassifiedWebhook classifyOrFail(int i, byte[] body) {
    try {
      return classifier.classify(new WebhookReceived(i, "meta", Instant.EPOCH, body));
    } catch (Throwable t) {
      return fail("case " + i + " threw; body (base64) " + Base64.getEncoder().encodeToString(body), t);
    }
  }

  // Every tenth case also proves the events read back as JSON and that ids are deterministic.
  private void checkEvents(int i, byte[] body, ClassifiedWebhook result) throws IOException {
    for (NormalizedEvent event : result.events()) {
      JsonNode json = Catalogue.MAPPER.readTree(event.json());
      assertEquals(event.id(), json.get("id").asText(), "case " + i);
    }
    List<String> again = classifier.classify(new WebhookReceived(i + 1, "meta", Instant.now(), body))
        .events().stream().map(NormalizedEvent::id).toList();
    assertEquals(result.events().stream().map(NormalizedEvent::id).toList(), again, "case " + i);
  }

  private static List<JsonNode> fixtureTrees() throws IOException {
    List<JsonNode> trees = new ArrayList<>();
    for (Catalogue.Case c : Catalogue.all()) {
      trees.add(Catalogue.MAPPER.readTree(c.body()));
    }
    return trees;
  }
}
