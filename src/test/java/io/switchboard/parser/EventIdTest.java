package io.switchboard.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.switchboard.api.NormalizedEvent;
import io.switchboard.api.WebhookReceived;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Event ids are deterministic: one upstream update, one id")
class EventIdTest {

  private static final String TEXT = """
      {"object":"whatsapp_business_account","entry":[{"id":"WABA","changes":[{"field":"messages","value":{
        "metadata":{"phone_number_id":"PN","display_phone_number":"155"},
        "messages":[{"from":"1","id":"wamid.A","timestamp":"1700000000","type":"text","text":{"body":"hi"}}],
        "statuses":[{"id":"wamid.B","status":"sent","timestamp":"1700000001","recipient_id":"1"},
                    {"id":"wamid.B","status":"delivered","timestamp":"1700000002","recipient_id":"1"}]}}]}]}""";

  // The same message A, delivered in another batch beside another message.
  private static final String OTHER_BATCH = """
      {"object":"whatsapp_business_account","entry":[{"id":"WABA","changes":[{"field":"messages","value":{
        "messages":[{"from":"2","id":"wamid.Z","timestamp":"1700000009","type":"text","text":{"body":"yo"}},
                    {"from":"1","id":"wamid.A","timestamp":"1700000000","type":"text","text":{"body":"hi"}}]}}]}]}""";

  private static final String TEMPLATE = """
      {"object":"whatsapp_business_account","entry":[{"id":"WABA","time":1700000000,"changes":[
        {"field":"message_template_status_update","value":{"event":"APPROVED","message_template_id":7,"reason":"NONE"}}]}]}""";

  private static final String TEMPLATE_REORDERED = """
      {"entry":[{"changes":[{"value":{"reason":"NONE","message_template_id":7,"event":"APPROVED"},
        "field":"message_template_status_update"}],"time":1700000000,"id":"WABA"}],
       "object":"whatsapp_business_account"}""";

  private final WebhookClassifier classifier = new WebhookClassifier();

  @Test
  @DisplayName("the same body received twice gives the same ids, in the same order")
  void sameBodyTwice() {
    assertEquals(ids("meta", TEXT, 1), ids("meta", TEXT, 2));
  }

  @Test
  @DisplayName("the same message in two different bodies gives the same id")
  void sameMessageInAnotherBody() {
    assertEquals(ids("meta", TEXT, 1).get(0), ids("meta", OTHER_BATCH, 2).get(1));
  }

  @Test
  @DisplayName("different sources give different ids for the same update")
  void sourceIsPartOfTheId() {
    assertNotEquals(ids("meta", TEXT, 1), ids("360dialog", TEXT, 1));
  }

  @Test
  @DisplayName("each status of one message is its own update")
  void statusIsPartOfTheIdentity() {
    List<String> ids = ids("meta", TEXT, 1);
    assertEquals(3, ids.stream().distinct().count());
  }

  @Test
  @DisplayName("a message id is the SHA-256 of source, NUL, wamid")
  void idRule() throws Exception {
    var sha = java.security.MessageDigest.getInstance("SHA-256");
    byte[] digest = sha.digest("meta\u0000wamid.A".getBytes(StandardCharsets.UTF_8));
    assertEquals("evt_" + java.util.HexFormat.of().formatHex(digest, 0, 16), ids("meta", TEXT, 1).get(0));
  }

  @Test
  @DisplayName("an update without an upstream id hashes canonically: member order and whitespace do not matter")
  void contentHashIsCanonical() {
    assertEquals(ids("meta", TEMPLATE, 1), ids("meta", TEMPLATE_REORDERED, 9));
    assertNotEquals(ids("meta", TEMPLATE, 1), ids("meta", TEMPLATE.replace("APPROVED", "REJECTED"), 1));
  }

  @Test
  @DisplayName("a message without an id falls back to the content hash, stable across deliveries")
  void messageWithoutId() {
    String noId = TEXT.replace("\"id\":\"wamid.A\",", "");
    assertEquals(ids("meta", noId, 1), ids("meta", noId, 2));
    assertNotEquals(ids("meta", TEXT, 1).get(0), ids("meta", noId, 1).get(0));
  }

  private List<String> ids(String source, String body, long inboundId) {
    var webhook = new WebhookReceived(inboundId, source, Instant.now(), body.getBytes(StandardCharsets.UTF_8));
    return classifier.classify(webhook).events().stream().map(NormalizedEvent::id).toList();
  }
}
