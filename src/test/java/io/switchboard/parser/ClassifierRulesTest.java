package io.switchboard.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.ClassifiedWebhook;
import io.switchboard.api.NormalizedEvent;
import io.switchboard.api.WebhookReceived;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Classification rules beyond the catalogue: odd shapes, hostile bodies, time fallbacks")
class ClassifierRulesTest {

  private static final Instant RECEIVED = Instant.parse("2025-06-09T08:00:00Z");
  private static final String U = "whatsapp.unclassified";

  private final WebhookClassifier classifier = new WebhookClassifier();

  static Stream<Arguments> shapes() {
    String msg = "{\"from\":\"1\",\"id\":\"wamid.X\",\"type\":\"text\",\"text\":{\"body\":\"hi\"}}";
    return Stream.of(
        Arguments.of("top-level array", "[1,2,3]", List.of(U)),
        Arguments.of("a number", "42", List.of(U)),
        Arguments.of("a string", "\"hello\"", List.of(U)),
        Arguments.of("null", "null", List.of(U)),
        Arguments.of("empty object", "{}", List.of(U)),
        Arguments.of("entry is an object", "{\"object\":\"x\",\"entry\":{\"id\":\"1\"}}", List.of(U)),
        Arguments.of("entry is empty", "{\"entry\":[]}", List.of(U)),
        Arguments.of("entry without changes", "{\"entry\":[{\"id\":\"1\"}]}", List.of(U)),
        Arguments.of("entry item not an object", "{\"entry\":[3,{\"id\":\"1\",\"changes\":[]}]}", List.of(U, U)),
        Arguments.of("change not an object", "{\"entry\":[{\"id\":\"1\",\"changes\":[\"x\",7]}]}", List.of(U, U)),
        Arguments.of("change without value", "{\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\"}]}]}",
            List.of(U)),
        Arguments.of("messages is a string", change("messages", "{\"messages\":\"oops\"}"), List.of(U)),
        Arguments.of("value is an array", change("messages", "[1]"), List.of(U)),
        Arguments.of("messages value empty", change("messages", "{}"), List.of(U)),
        Arguments.of("a good message beside a bad status list",
            change("messages", "{\"messages\":[" + msg + "],\"statuses\":5}"), List.of("message.received", U)),
        Arguments.of("a message item that is not an object",
            change("messages", "{\"messages\":[" + msg + ",\"junk\"]}"), List.of("message.received", U)),
        Arguments.of("field is a number", "{\"entry\":[{\"changes\":[{\"field\":5,\"value\":{}}]}]}", List.of(U)),
        Arguments.of("per-change value is a string", change("account_update", "\"VERIFIED\""),
            List.of("account.update")),
        Arguments.of("echo list missing", change("smb_message_echoes", "{}"), List.of(U)),
        Arguments.of("message without type is unknown", change("messages", "{\"messages\":[{\"id\":\"wamid.Q\"}]}"),
            List.of("message.received")),
        Arguments.of("status without status", change("messages", "{\"statuses\":[{\"id\":\"wamid.Q\"}]}"),
            List.of("message.status.unknown")),
        Arguments.of("on-premises errors only", "{\"errors\":[{\"code\":1005,\"title\":\"Access denied\"}]}",
            List.of("message.error")),
        Arguments.of("on-premises contacts only", "{\"contacts\":[]}", List.of(U)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  @DisplayName("odd but valid JSON is classified, never dropped")
  void oddShapes(String name, String body, List<String> types) {
    ClassifiedWebhook result = classify("meta", body);
    assertEquals(List.of(), result.parseErrors(), name);
    assertEquals(types, result.events().stream().map(NormalizedEvent::type).toList(), name);
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("truncated", "{\"entry\":[{\"id\":"),
        Arguments.of("not JSON", "hello"),
        Arguments.of("empty", ""),
        Arguments.of("trailing garbage", "{\"a\":1} {\"b\":2}"),
        Arguments.of("10 000 nested arrays", "[".repeat(10_000) + "]".repeat(10_000)),
        Arguments.of("1 000 nested objects", "{\"a\":".repeat(1_000) + "1" + "}".repeat(1_000)),
        Arguments.of("invalid UTF-8", new String(new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'},
            StandardCharsets.ISO_8859_1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  @DisplayName("a body that cannot be parsed gives zero events and one parse error")
  void malformedBodies(String name, String body) {
    ClassifiedWebhook result = classify("meta", body.getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(List.of(), result.events(), name);
    assertEquals(1, result.parseErrors().size(), name);
  }

  @Test
  @DisplayName("nesting just under the limit is kept unclassified, and its event JSON reads back")
  void deepButAllowed() throws Exception {
    String body = "[".repeat(890) + "]".repeat(890);
    ClassifiedWebhook result = classify("meta", body);
    assertEquals(List.of(U), result.events().stream().map(NormalizedEvent::type).toList());
    assertTrue(Catalogue.MAPPER.readTree(result.events().get(0).json()).isObject());
  }

  @Test
  @DisplayName("a 5 MB string is kept, not refused")
  void hugeString() {
    String body = change("brand_new_field", "{\"blob\":\"" + "x".repeat(5_000_000) + "\"}");
    assertEquals(U, classify("meta", body).events().get(0).type());
  }

  @Test
  @DisplayName("occurred_at: the update's timestamp, else entry.time, else received_at")
  void occurredAtFallback() {
    String withTime = "{\"entry\":[{\"id\":\"W\",\"time\":1700000000,\"changes\":["
        + "{\"field\":\"account_update\",\"value\":{\"event\":\"X\"}},"
        + "{\"field\":\"messages\",\"value\":{\"messages\":[{\"id\":\"wamid.1\",\"timestamp\":\"1700000100\"}]}}]}]}";
    List<NormalizedEvent> events = classify("meta", withTime).events();
    assertEquals(Instant.ofEpochSecond(1700000000), events.get(0).occurredAt());
    assertEquals(Instant.ofEpochSecond(1700000100), events.get(1).occurredAt());
    for (String odd : List.of("\"TIMESTAMP\"", "-5", "1.5", "\"\"", "99999999999999999999", "{}", "true")) {
      String body = change("messages", "{\"messages\":[{\"id\":\"wamid.1\",\"timestamp\":" + odd + "}]}");
      NormalizedEvent event = classify("meta", body).events().get(0);
      assertEquals(RECEIVED, event.occurredAt(), odd);
      assertTrue(event.json().contains("\"occurred_at\":\"2025-06-09T08:00:00Z\""), odd);
    }
  }

  @Test
  @DisplayName("the source comes from the endpoint, and on-premises bodies have no WABA or phone metadata")
  void onPremisesEnvelope() throws Exception {
    NormalizedEvent event = classify("360dialog", "{\"messages\":[{\"from\":\"1\",\"id\":\"A\",\"type\":\"text\","
        + "\"text\":{\"body\":\"hi\"}}],\"contacts\":[{\"wa_id\":\"1\",\"profile\":{\"name\":\"K\"}}]}").events().get(0);
    assertEquals("360dialog", event.source());
    assertNull(event.wabaId());
    assertNull(event.phoneNumberId());
    JsonNode data = Catalogue.MAPPER.readTree(event.json()).get("data");
    assertEquals("K", data.get("contact_name").asText());
    assertEquals("hi", data.get("text").asText());
  }

  @Test
  @DisplayName("the contact name is the contact whose wa_id matches the sender, else the first")
  void contactMatching() throws Exception {
    String body = change("messages", "{\"contacts\":[{\"wa_id\":\"1\",\"profile\":{\"name\":\"One\"}},"
        + "{\"wa_id\":\"2\",\"profile\":{\"name\":\"Two\"}}],\"messages\":["
        + "{\"from\":\"2\",\"id\":\"a\",\"type\":\"text\"},{\"from\":\"3\",\"id\":\"b\",\"type\":\"text\"}]}");
    List<NormalizedEvent> events = classify("meta", body).events();
    assertEquals("Two", data(events.get(0)).get("contact_name").asText());
    assertEquals("One", data(events.get(1)).get("contact_name").asText());
    assertEquals("3", data(events.get(1)).get("from").asText());
  }

  @Test
  @DisplayName("the original message is kept whole in data.message, unknown members included")
  void keepsTheOriginal() throws Exception {
    String body = change("messages", "{\"messages\":[{\"id\":\"a\",\"type\":\"hologram\","
        + "\"hologram\":{\"frames\":[1,2]}}]}");
    JsonNode data = data(classify("meta", body).events().get(0));
    assertEquals("hologram", data.get("kind").asText());
    assertEquals(2, data.at("/message/hologram/frames").size());
  }

  private static String change(String field, String value) {
    return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"W\",\"changes\":[{\"field\":\""
        + field + "\",\"value\":" + value + "}]}]}";
  }

  private static JsonNode data(NormalizedEvent event) throws Exception {
    return Catalogue.MAPPER.readTree(event.json()).get("data");
  }

  private ClassifiedWebhook classify(String source, String body) {
    return classify(source, body.getBytes(StandardCharsets.UTF_8));
  }

  private ClassifiedWebhook classify(String source, byte[] body) {
    return classifier.classify(new WebhookReceived(1, source, RECEIVED, body));
  }
}
