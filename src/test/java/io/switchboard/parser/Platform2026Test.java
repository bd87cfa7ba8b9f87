package io.switchboard.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The 2025-2026 platform (SPEC 5.1): business-scoped ids, groups, calls and the new fields")
class Platform2026Test {

  private static final String BSUID = "US.13491208655302741918";
  private static final String OTHER = "US.20831770193846152031";
  private static final String GROUP = "Y2FwaV9ncm91cDoxNzA1";

  private final WebhookClassifier classifier = new WebhookClassifier();

  @Test
  @DisplayName("a message with only a user_id gets it as contact_key, and no phone number is an error")
  void onlyUserId() throws Exception {
    JsonNode data = only(change("messages", """
        {"contacts":[{"profile":{"name":"Sheena","username":"sheena"},"user_id":"%s"}],
         "messages":[{"from_user_id":"%s","id":"wamid.B1","type":"text","text":{"body":"hi"}}]}"""
        .formatted(BSUID, BSUID)));
    assertEquals(BSUID, data.get("contact_key").asText());
    assertEquals(BSUID, data.get("from_user_id").asText());
    assertTrue(data.get("from").isNull());
    assertTrue(data.at("/contact/wa_id").isNull());
    assertEquals("sheena", data.at("/contact/username").asText());
    assertEquals("Sheena", data.at("/contact/name").asText());
  }

  @Test
  @DisplayName("the key is the user_id when both are given, the wa_id when only a phone number is")
  void keyPrefersUserId() throws Exception {
    JsonNode both = only(change("messages", """
        {"contacts":[{"wa_id":"16505551234","user_id":"%s"}],
         "messages":[{"from":"16505551234","id":"wamid.B2","type":"text"}]}""".formatted(BSUID)));
    assertEquals(BSUID, both.get("contact_key").asText());
    assertEquals("16505551234", both.at("/contact/wa_id").asText());
    JsonNode phone = only(change("messages", """
        {"contacts":[{"wa_id":"16505551234"}],"messages":[{"from":"16505551234","id":"wamid.B3","type":"text"}]}"""));
    assertEquals("16505551234", phone.get("contact_key").asText());
    assertTrue(phone.at("/contact/user_id").isNull());
  }

  @Test
  @DisplayName("with several contacts and none matching, the contact is what the message itself says")
  void noMatchAmongSeveral() throws Exception {
    JsonNode data = only(change("messages", """
        {"contacts":[{"wa_id":"1","profile":{"name":"One"}},{"wa_id":"2","user_id":"%s"}],
         "messages":[{"from":"3","id":"wamid.B4","type":"text"}]}""".formatted(BSUID)));
    assertEquals("3", data.get("contact_key").asText());
    assertTrue(data.at("/contact/name").isNull());
    assertEquals("One", data.get("contact_name").asText(), "contact_name keeps its SPEC 5 rule");
  }

  @Test
  @DisplayName("a group status webhook with two participants gives two events, each with its participant")
  void groupStatusPerParticipant() throws Exception {
    String body = change("messages", """
        {"contacts":[{"wa_id":"16505551234","user_id":"%s"},{"user_id":"%s","profile":{"name":"Pablo"}}],
         "statuses":[%s,%s]}""".formatted(OTHER, BSUID,
        groupStatus("\"recipient_participant_id\":\"16505551234\",\"recipient_participant_user_id\":\"" + OTHER + "\""),
        groupStatus("\"recipient_participant_user_id\":\"" + BSUID + "\"")));
    List<NormalizedEvent> events = classify(body).events();
    assertEquals(List.of("message.status.read", "message.status.read"), types(events));
    assertNotEquals(events.get(0).id(), events.get(1).id());
    assertEquals(OTHER, data(events.get(0)).get("contact_key").asText());
    assertEquals(BSUID, data(events.get(1)).get("contact_key").asText());
    assertEquals("Pablo", data(events.get(1)).at("/contact/name").asText());
    for (NormalizedEvent event : events) {
      assertEquals(GROUP, data(event).get("group_id").asText());
    }
    assertEquals(ids(body), ids(body), "the same group statuses delivered again keep their ids");
  }

  @Test
  @DisplayName("a one-to-one status keeps its SPEC 5 identity and passes pricing, conversation and callback data")
  void oneToOneStatusIdentityAndPricing() throws Exception {
    String status = """
        {"id":"wamid.S1","status":"delivered","recipient_id":"16505551234","recipient_user_id":"%s",
         "biz_opaque_callback_data":"order-7","conversation":{"id":"c1","origin":{"type":"utility"}},
         "pricing":{"billable":true,"pricing_model":"PMP","type":"regular","category":"utility"}}""".formatted(BSUID);
    NormalizedEvent event = classify(change("messages", "{\"statuses\":[" + status + "]}")).events().get(0);
    var sha = java.security.MessageDigest.getInstance("SHA-256");
    byte[] digest = sha.digest("meta\u0000wamid.S1\u0000delivered".getBytes(StandardCharsets.UTF_8));
    assertEquals("evt_" + java.util.HexFormat.of().formatHex(digest, 0, 16), event.id());
    JsonNode data = data(event);
    assertEquals("PMP", data.at("/pricing/pricing_model").asText());
    assertEquals("regular", data.at("/pricing/type").asText());
    assertEquals("c1", data.at("/conversation/id").asText());
    assertEquals("order-7", data.get("biz_opaque_callback_data").asText());
    assertEquals(BSUID, data.get("contact_key").asText());
  }

  @Test
  @DisplayName("a call connect and terminate with a change-level error give call.connect, call.terminate, call.error")
  void callsWithError() throws Exception {
    String body = change("calls", """
        {"contacts":[{"wa_id":"16315551181","user_id":"%s"}],
         "calls":[{"id":"wacid.C1","from":"16315551181","to":"15550783881","event":"connect",
                   "direction":"USER_INITIATED","session":{"sdp_type":"offer","sdp":"v=0"}},
                  {"id":"wacid.C1","from":"16315551181","to":"15550783881","event":"terminate",
                   "direction":"USER_INITIATED","status":"FAILED"}],
         "errors":[{"code":138021,"title":"Call failed"}]}""".formatted(BSUID));
    List<NormalizedEvent> events = classify(body).events();
    assertEquals(List.of("call.connect", "call.terminate", "call.error"), types(events));
    JsonNode connect = data(events.get(0));
    assertEquals("wacid.C1", connect.get("call_id").asText());
    assertEquals("USER_INITIATED", connect.get("direction").asText());
    assertEquals("v=0", connect.at("/call/session/sdp").asText());
    assertEquals("FAILED", data(events.get(1)).get("status").asText());
    for (NormalizedEvent event : events) {
      assertEquals(BSUID, data(event).get("contact_key").asText(), event.type());
    }
    assertEquals(3, events.stream().map(NormalizedEvent::id).distinct().count());
  }

  @Test
  @DisplayName("a business-initiated call is about its callee; a lone call lends its id and user to the change's error")
  void businessInitiatedCall() throws Exception {
    String body = change("calls", """
        {"calls":[{"id":"wacid.C2","from":"15550783881","to":"16315551181","to_user_id":"%s","event":"Terminate",
                   "direction":"BUSINESS_INITIATED","status":"COMPLETED"}],
         "errors":[{"code":12455,"message":"ERROR_TITLE"}]}""".formatted(BSUID));
    List<NormalizedEvent> events = classify(body).events();
    assertEquals(List.of("call.terminate", "call.error"), types(events));
    assertEquals("16315551181", data(events.get(0)).at("/contact/wa_id").asText());
    assertEquals(BSUID, data(events.get(0)).get("contact_key").asText());
    assertEquals("wacid.C2", data(events.get(1)).get("call_id").asText());
    assertEquals(BSUID, data(events.get(1)).get("contact_key").asText());
  }

  @Test
  @DisplayName("call statuses are call.status.<status in lower case>; a call without event is call.unknown")
  void callStatuses() throws Exception {
    String body = change("calls", """
        {"statuses":[{"id":"wacid.C3","type":"call","status":"RINGING","recipient_id":"16315551181"},
                     {"id":"wacid.C3","type":"call","status":"ACCEPTED","recipient_user_id":"%s"}],
         "calls":[{"id":"wacid.C3"}]}""".formatted(BSUID));
    List<NormalizedEvent> events = classify(body).events();
    assertEquals(List.of("call.unknown", "call.status.ringing", "call.status.accepted"), types(events));
    assertEquals("16315551181", data(events.get(1)).get("contact_key").asText());
    assertEquals(BSUID, data(events.get(2)).get("contact_key").asText());
    assertEquals("RINGING", data(events.get(1)).get("status").asText());
  }

  @Test
  @DisplayName("a call event never shares an id with a voicemail message of the same wacid")
  void callAndVoicemailIds() {
    String voicemail = change("messages", "{\"messages\":[{\"id\":\"wacid.V1\",\"from\":\"1\",\"type\":\"audio\"}]}");
    String call = change("calls", "{\"calls\":[{\"id\":\"wacid.V1\",\"from\":\"1\",\"event\":\"terminate\"}]}");
    String status = change("calls", "{\"statuses\":[{\"id\":\"wacid.V1\",\"status\":\"terminate\"}]}");
    assertEquals(3, Stream.of(voicemail, call, status).flatMap(b -> ids(b).stream()).distinct().count());
  }

  static Stream<Arguments> groupFields() {
    return Stream.of(
        Arguments.of("group_lifecycle_update", "group.lifecycle", "group_create"),
        Arguments.of("group_participants_update", "group.participants", "group_participants_add"),
        Arguments.of("group_settings_update", "group.settings", "group_settings_update"),
        Arguments.of("group_status_update", "group.status", "group_suspend"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("groupFields")
  @DisplayName("each group field gives one event per groups[] item, with its type as kind and its group id")
  void groupFields(String field, String type, String kind) throws Exception {
    String body = change(field, """
        {"groups":[{"timestamp":"1771404900","group_id":"G1","type":"%s","subject":"a"},
                   {"timestamp":1771404901,"group_id":"G2","type":"%s"}]}""".formatted(kind, kind));
    List<NormalizedEvent> events = classify(body).events();
    assertEquals(List.of(type, type), types(events));
    assertEquals(List.of("G1", "G2"), events.stream().map(e -> text(e, "group_id")).toList());
    assertEquals(kind, text(events.get(0), "kind"));
    assertEquals("a", text(events.get(0), "subject"));
    assertEquals(field, text(events.get(0), "field"));
    assertEquals(Instant.ofEpochSecond(1771404901), events.get(1).occurredAt());
  }

  static Stream<Arguments> perItemFields() {
    return Stream.of(
        Arguments.of("user_id_update", "user_id_update",
            "{\"wa_id\":\"1\",\"user_id\":{\"previous\":\"US.1\",\"current\":\"US.2\"},\"timestamp\":\"1749419000\"}",
            "user.id_update", null),
        Arguments.of("automatic_events", "automatic_events",
            "{\"id\":\"wamid.A\",\"event_name\":\"Purchase\",\"timestamp\":1749069089}", "automatic.event", "Purchase"),
        Arguments.of("smb_app_state_sync", "state_sync",
            "{\"type\":\"contact\",\"action\":\"add\",\"metadata\":{\"timestamp\":\"1739321024\"}}", "app_state.sync",
            "contact"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("perItemFields")
  @DisplayName("user_id_update, automatic_events and smb_app_state_sync give one event per item")
  void perItemFields(String field, String list, String item, String type, String kind) throws Exception {
    List<NormalizedEvent> events = classify(change(field, "{\"" + list + "\":[" + item + "," + item + "]}")).events();
    assertEquals(List.of(type, type), types(events));
    JsonNode data = data(events.get(0));
    assertEquals(field, data.get("field").asText());
    assertEquals(kind, data.has("kind") ? data.get("kind").asText() : null);
    assertNotEquals(Instant.parse("2025-06-09T08:00:00Z"), events.get(0).occurredAt(), "the item's own time");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"business_username_updates:business.username", "account_settings_update:account.settings",
      "partner_solutions:partner.solution", "payment_configuration_update:payment.configuration",
      "message_template_components_update:template.components"})
  @DisplayName("the newer account and template fields are one event per change, the value kept whole")
  void perChangeFields(String fieldAndType) throws Exception {
    String[] parts = fieldAndType.split(":");
    NormalizedEvent event = only(classify(change(parts[0], "{\"status\":\"APPROVED\",\"n\":7}")));
    assertEquals(parts[1], event.type());
    assertEquals(7, data(event).get("n").asInt());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"business_status_update", "tracking_events", "messaging_handovers"})
  @DisplayName("fields Meta names but has not documented stay whatsapp.unclassified, kept whole")
  void undocumentedFields(String field) throws Exception {
    NormalizedEvent event = only(classify(change(field, "{\"groups\":[{\"type\":\"x\"}],\"calls\":[]}")));
    assertEquals(ChangeRouter.UNCLASSIFIED, event.type());
    assertEquals("x", data(event).at("/value/groups/0/type").asText());
  }

  @Test
  @DisplayName("user_actions beside a message in one change give message.received and user.action")
  void userActions() throws Exception {
    List<NormalizedEvent> events = classify(change("messages", """
        {"messages":[{"from":"1","id":"wamid.U1","type":"text"}],
         "user_actions":[{"action_type":"marketing_messages_link_click","timestamp":"1749421000",
                          "marketing_messages_link_click_data":{"click_id":"c1"}}]}""")).events();
    assertEquals(List.of("message.received", "user.action"), types(events));
    assertEquals("marketing_messages_link_click", text(events.get(1), "kind"));
    assertEquals("c1", data(events.get(1)).at("/marketing_messages_link_click_data/click_id").asText());
  }

  @Test
  @DisplayName("system messages keep kind system with system_type; a user id change is keyed by the new id")
  void systemSubtypes() throws Exception {
    JsonNode number = only(change("messages", """
        {"messages":[{"from":"16505551234","id":"wamid.Y1","type":"system",
          "system":{"type":"user_changed_number","wa_id":"16505559999","body":"changed"}}]}"""));
    assertEquals("system", number.get("kind").asText());
    assertEquals("user_changed_number", number.get("system_type").asText());
    assertEquals("16505551234", number.get("contact_key").asText(), "the sender's number, as the message gives it");
    JsonNode userId = only(change("messages", """
        {"messages":[{"id":"wamid.Y2","type":"system",
          "system":{"type":"user_changed_user_id","user_id":"US.NEW","previous_user_id":"%s"}}]}""".formatted(BSUID)));
    assertEquals("user_changed_user_id", userId.get("system_type").asText());
    assertEquals("US.NEW", userId.get("contact_key").asText());
    assertEquals(BSUID, userId.at("/system/previous_user_id").asText());
  }

  @Test
  @DisplayName("an echo is about its recipient, and a change-level error carries the change's only contact")
  void echoAndErrorContacts() throws Exception {
    JsonNode echo = only(change("smb_message_echoes", """
        {"message_echoes":[{"from":"15550783881","to_user_id":"%s","id":"wamid.E1","type":"text"}]}"""
        .formatted(BSUID)));
    assertEquals(BSUID, echo.get("contact_key").asText());
    assertEquals(BSUID, echo.get("to_user_id").asText());
    JsonNode error = only(change("messages", """
        {"contacts":[{"wa_id":"16505551234"}],"errors":[{"code":131000,"title":"Something went wrong"}]}"""));
    assertEquals("16505551234", error.get("contact_key").asText());
    assertEquals(131000, error.get("code").asInt());
  }

  @Test
  @DisplayName("a call permission reply keeps kind interactive, with the user's answer as its reply")
  void callPermissionReply() throws Exception {
    JsonNode data = only(change("messages", """
        {"messages":[{"from":"972987654321","id":"wamid.P1","type":"interactive","interactive":{
          "type":"call_permission_reply",
          "call_permission_reply":{"response":"reject","response_source":"user_action"}}}]}"""));
    assertEquals("interactive", data.get("kind").asText());
    assertEquals("call_permission_reply", data.at("/interactive/type").asText());
    assertEquals("reject", data.at("/interactive/response").asText());
    assertEquals("user_action", data.at("/interactive/response_source").asText());
  }

  private static String groupStatus(String participant) {
    return "{\"id\":\"wamid.G1\",\"status\":\"read\",\"timestamp\":\"1771419700\",\"recipient_id\":\"" + GROUP
        + "\",\"recipient_type\":\"group\"," + participant + "}";
  }

  private static String change(String field, String value) {
    return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"W\",\"changes\":[{\"field\":\""
        + field + "\",\"value\":" + value + "}]}]}";
  }

  private ClassifiedWebhook classify(String body) {
    ClassifiedWebhook result = classifier.classify(
        new WebhookReceived(1, "meta", Instant.parse("2025-06-09T08:00:00Z"), body.getBytes(StandardCharsets.UTF_8)));
    assertEquals(List.of(), result.parseErrors());
    return result;
  }

  private JsonNode only(String body) throws Exception {
    return data(only(classify(body)));
  }

  private static NormalizedEvent only(ClassifiedWebhook result) {
    assertEquals(1, result.events().size(), result.events().toString());
    return result.events().get(0);
  }

  private List<String> ids(String body) {
    return classify(body).events().stream().map(NormalizedEvent::id).toList();
  }

  private static List<String> types(List<NormalizedEvent> events) {
    return events.stream().map(NormalizedEvent::type).toList();
  }

  private static String text(NormalizedEvent event, String member) {
    try {
      return data(event).get(member).asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode data(NormalizedEvent event) throws Exception {
    return Catalogue.MAPPER.readTree(event.json()).get("data");
  }
}
