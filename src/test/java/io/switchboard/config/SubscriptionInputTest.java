package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Subscriptions that would fail later, or pin a loop, are refused when read")
class SubscriptionInputTest {

  private static JsonObject file(JsonObject subscription) {
    return new JsonObject().put("subscriptions", new JsonArray().add(subscription));
  }

  private static JsonObject crm() {
    return new JsonObject().put("name", "crm").put("url", "https://crm.example.com/hook").put("secret", "s3cret");
  }

  private static JsonObject events(String... globs) {
    return crm().put("events", new JsonArray(List.of((Object[]) globs)));
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("empty glob", events("message.*", ""), "subscriptions[0].events[1]", "must not be empty"),
        Arguments.of("forty stars then x", events("*".repeat(40) + "x"), "subscriptions[0].events[0]",
            "at most 8 '*' (got 40)"),
        Arguments.of("a glob longer than any event type", events("message." + "a".repeat(200)),
            "subscriptions[0].events[0]", "at most 128 characters"),
        Arguments.of("a NUL in a glob", events("message.\u0000received"), "subscriptions[0].events[0]",
            "only letters, digits, '.', '_', '-' and '*' (got 'message.\\u0000received')"),
        Arguments.of("CRLF in a header value", crm().put("headers", new JsonObject().put("X-Team", "crm\r\nX-Evil: 1")),
            "subscriptions[0].headers.X-Team", "must not hold CR, LF"),
        Arguments.of("a header name with a space", crm().put("headers", new JsonObject().put("X Team", "crm")),
            "subscriptions[0].headers", "'X Team' is not a header name"),
        Arguments.of("port 99999", crm().put("url", "https://crm.example.com:99999/hook"),
            "subscriptions[0].url", "port must be between 1 and 65535 (got 99999)"),
        Arguments.of("port 0", crm().put("url", "https://crm.example.com:0/hook"),
            "subscriptions[0].url", "port must be between 1 and 65535 (got 0)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  @DisplayName("the config file: one problem line naming the key")
  void configFile(String name, JsonObject subscription, String key, String what) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.fromTree(file(subscription), Map.of()));

    assertEquals(1, e.problems().size(), e.problems()::toString);
    String line = e.problems().get(0);
    assertTrue(line.startsWith(key + ": ") && line.contains(what), line);
  }

  @Test
  @DisplayName("ordinary globs, headers and ports pass")
  void ordinaryInputPasses() {
    JsonObject ok = events("*", "message.*", "message.status.*", "*.failed", "call.status.ringing")
        .put("url", "https://crm.example.com:8443/hook")
        .put("headers", new JsonObject().put("Authorization", "Bearer a.b-c_d\tx").put("X-Team", "crm"));
    SwitchboardConfig config = ConfigLoader.fromTree(file(ok), Map.of());
    assertEquals(5, config.subscriptions().get(0).events().size());
  }
}
