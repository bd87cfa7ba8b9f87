package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.SwitchboardConfig.AckMode;
import io.switchboard.config.SwitchboardConfig.SourceKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Configuration: defaults, environment, validation")
class ConfigLoaderTest {

  @Test
  @DisplayName("an empty file gives the documented defaults")
  void defaults() {
    SwitchboardConfig c = ConfigLoader.fromTree(new JsonObject(), Map.of());
    assertEquals(8080, c.http().port());
    assertEquals(AckMode.DURABLE, c.ingress().ack());
    assertEquals(1_048_576, c.ingress().maxBodyBytes());
    assertEquals(200, c.ingress().ringSize());
    assertEquals(9, c.delivery().schedule().size());
    assertEquals(Duration.ofSeconds(5), c.delivery().schedule().get(0));
    assertEquals(Duration.ofHours(12), c.delivery().schedule().get(8));
    assertEquals("./data/pg", c.storage().embedded().dataDir());
    assertNull(c.storage().url());
    assertEquals(30, c.storage().retentionDays());
  }

  @Test
  @DisplayName("SWITCHBOARD_* variables override any key, list items by index, lists as comma text")
  void environmentOverrides() {
    JsonObject file = new JsonObject().put("sources", new JsonArray()
        .add(new JsonObject().put("name", "meta").put("kind", "meta")));
    SwitchboardConfig c = ConfigLoader.fromTree(file, Map.of(
        "SWITCHBOARD_HTTP_PORT", "9090",
        "SWITCHBOARD_INGRESS_MAX_BODY_BYTES", "2048",
        "SWITCHBOARD_STORAGE_URL", "postgresql://u:p@db:5432/sb",
        "SWITCHBOARD_SOURCES_0_APP_SECRET", "from-env",
        "SWITCHBOARD_DELIVERY_SCHEDULE", "1s,2s"));
    assertEquals(9090, c.http().port());
    assertEquals(2048, c.ingress().maxBodyBytes());
    assertEquals("postgresql://u:p@db:5432/sb", c.storage().url());
    assertEquals("from-env", c.sources().get(0).appSecret());
    assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), c.delivery().schedule());
  }

  @Test
  @DisplayName("the seed's variables are aliases, creating the source when the file has none")
  void seedAliases() {
    SwitchboardConfig c = ConfigLoader.fromTree(new JsonObject(), Map.of(
        "WHATSAPP_WEBHOOK_VERIFY_TOKEN", "tok", "WHATSAPP_APP_SECRET", "sec",
        "D360_WEBHOOK_BASIC_USER", "u", "D360_WEBHOOK_BASIC_PASS", "p", "WEBHOOK_RING_SIZE", "7"));
    var meta = c.source("meta").orElseThrow();
    assertEquals(SourceKind.META, meta.kind());
    assertEquals("tok", meta.verifyToken());
    assertEquals("sec", meta.appSecret());
    var d360 = c.source("360dialog").orElseThrow();
    assertEquals("u", d360.basicAuth().user());
    assertEquals("p", d360.basicAuth().pass());
    assertEquals(7, c.ingress().ringSize());
  }

  @Test
  @DisplayName("subscriptions inherit the delivery defaults")
  void subscriptionDefaults() {
    JsonObject file = new JsonObject().put("delivery", new JsonObject().put("timeout", "5s").put("schedule", "1m"))
        .put("subscriptions", new JsonArray().add(new JsonObject().put("name", "crm")
            .put("url", "https://crm.example/hooks").put("secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")));
    var s = ConfigLoader.fromTree(file, Map.of()).subscriptions().get(0);
    assertEquals(List.of("*"), s.events());
    assertEquals(Duration.ofSeconds(5), s.timeout());
    assertEquals(List.of(Duration.ofMinutes(1)), s.schedule());
    assertEquals(10, s.maxConcurrency());
    assertTrue(s.enabled());
  }

  static Stream<Arguments> badConfigs() {
    JsonObject sub = new JsonObject().put("name", "crm").put("url", "https://crm.example/h").put("secret", "s");
    return Stream.of(
        Arguments.of(new JsonObject().put("delivery", new JsonObject().put("timeout", "soon")), "delivery.timeout: must be a positive duration"),
        Arguments.of(new JsonObject().put("http", new JsonObject().put("port", 70000)), "http.port: must be between 0 and 65535"),
        Arguments.of(new JsonObject().put("htp", new JsonObject()), "htp: unknown key"),
        Arguments.of(new JsonObject().put("ingress", new JsonObject().put("ack", "later")), "ingress.ack: must be one of [durable, immediate]"),
        Arguments.of(sources(new JsonObject().put("name", "x").put("kind", "telegram")), "sources[0].kind: must be meta or 360dialog"),
        Arguments.of(sources(new JsonObject().put("name", "x").put("kind", "meta"), new JsonObject().put("name", "x").put("kind", "meta")),
            "sources[1].name: 'x' is used twice"),
        Arguments.of(subs(sub.copy().put("url", "ftp://crm.example/h")), "subscriptions[0].url: must be an absolute http(s) URL"),
        Arguments.of(subs(sub.copy().put("secret", "whsec_%%%")), "subscriptions[0].secret: whsec_ secrets must be base64"),
        Arguments.of(subs(sub.copy().putNull("secret")), "subscriptions[0].secret: is required"),
        Arguments.of(new JsonObject().put("storage", new JsonObject().put("url", "mysql://x")), "storage.url: must look like postgresql://"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badConfigs")
  @DisplayName("a bad config fails with one line naming the key and what is wrong")
  void badConfig(JsonObject file, String expected) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.fromTree(file, Map.of()));
    assertEquals(1, e.problems().size(), e.problems().toString());
    assertTrue(e.problems().get(0).startsWith(expected), e.problems().get(0));
  }

  @Test
  @DisplayName("the file comes from --config, else SWITCHBOARD_CONFIG, else conf/config.yaml")
  void configFile() {
    assertEquals("a.yaml", ConfigLoader.configFile(new String[] {"--config", "a.yaml"}, Map.of("SWITCHBOARD_CONFIG", "b.yaml")));
    assertEquals("c.yaml", ConfigLoader.configFile(new String[] {"--config=c.yaml"}, Map.of()));
    assertEquals("b.yaml", ConfigLoader.configFile(new String[0], Map.of("SWITCHBOARD_CONFIG", "b.yaml")));
    assertEquals("conf/config.yaml", ConfigLoader.configFile(new String[0], Map.of()));
  }

  private static JsonObject sources(JsonObject... items) {
    return new JsonObject().put("sources", new JsonArray(List.of((Object[]) items)));
  }

  private static JsonObject subs(JsonObject... items) {
    return new JsonObject().put("subscriptions", new JsonArray(List.of((Object[]) items)));
  }
}
