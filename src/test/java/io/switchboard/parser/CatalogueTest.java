package io.switchboard.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.ClassifiedWebhook;
import io.switchboard.api.NormalizedEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Every published fixture and documented payload produces exactly its expected events")
class CatalogueTest {

  private final WebhookClassifier classifier = new WebhookClassifier();

  static Stream<Catalogue.Case> cases() {
    return Catalogue.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void producesTheExpectedEvents(Catalogue.Case c) throws IOException {
    ClassifiedWebhook result = classifier.classify(c.webhook(42));
    assertEquals(List.of(), result.parseErrors(), c.file());
    assertEquals(typeCounts(c.expectedEvents()), producedCounts(result), c.file() + ": events per type");
    List<JsonNode> produced = new ArrayList<>();
    for (NormalizedEvent event : result.events()) {
      produced.add(Catalogue.MAPPER.readTree(event.json()));
    }
    for (JsonNode expected : c.expectedEvents()) {
      assertTrue(produced.stream().anyMatch(event -> EventMatch.matches(event, expected)),
          c.file() + ": no event matches " + expected + " among " + produced);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void envelopeColumnsAgreeWithTheJson(Catalogue.Case c) throws IOException {
    for (NormalizedEvent event : classifier.classify(c.webhook(7)).events()) {
      JsonNode json = Catalogue.MAPPER.readTree(event.json());
      assertEquals(List.of("id", "type", "source", "occurred_at", "received_at", "waba_id", "phone_number_id",
          "display_phone_number", "inbound_id", "data"), fieldNames(json));
      assertEquals(event.id(), json.get("id").asText());
      assertEquals(event.type(), json.get("type").asText());
      assertEquals(c.source(), json.get("source").asText());
      assertEquals(event.occurredAt().getEpochSecond() + "", Long.toString(
          java.time.Instant.parse(json.get("occurred_at").asText()).getEpochSecond()));
      assertEquals("2025-06-09T08:00:00Z", json.get("received_at").asText());
      assertEquals(7, json.get("inbound_id").asLong());
      assertTrue(event.id().matches("evt_[0-9a-f]{32}"), event.id());
    }
  }

  @Test
  @DisplayName("every body file on disk has an expectation")
  void noBodyWithoutExpectation() throws IOException {
    for (var dir : Catalogue.directories()) {
      List<String> expected = Catalogue.read(dir).stream().map(Catalogue.Case::file).sorted().toList();
      assertEquals(Catalogue.bodyFiles(dir), expected, dir.toString());
    }
  }

  private static Map<String, Integer> typeCounts(JsonNode expectedEvents) {
    Map<String, Integer> counts = new TreeMap<>();
    expectedEvents.forEach(e -> counts.merge(e.path("type").asText(), 1, Integer::sum));
    return counts;
  }

  private static Map<String, Integer> producedCounts(ClassifiedWebhook result) {
    Map<String, Integer> counts = new TreeMap<>();
    result.events().forEach(e -> counts.merge(e.type(), 1, Integer::sum));
    return counts;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
