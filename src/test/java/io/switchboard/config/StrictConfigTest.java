package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Typos are refused, in the file at any depth and in the environment, instead of silently keeping a default. */
@DisplayName("Strict config")
class StrictConfigTest {

  private static Vertx vertx;
  @TempDir
  Path dir;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private List<String> problems(String yaml, Map<String, String> env) throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, yaml);
    ConfigException e = assertInstanceOf(ConfigException.class, assertThrows(Exception.class,
        () -> ConfigLoader.load(vertx, file.toString(), env).await(10, TimeUnit.SECONDS)));
    return e.problems();
  }

  @Test
  @DisplayName("Unknown keys at the top, in a section, in a list item and in a nested mapping are named, with a did-you-mean")
  void unknownKeysAtEveryDepth() throws Exception {
    List<String> problems = problems("""
        delivry: { timeout: 5s }
        delivery:
          alowHttp: true
        sources:
          - { name: d360, kind: 360dialog, basicAuth: { user: u, pass: p, usr: v } }
        subscriptions:
          - name: crm
            url: https://crm.example.com/hooks
            secret: s3cret
            evnets: ["message.*"]
        storage: { embedded: { dataDri: /tmp/x } }
        """, Map.of());

    assertEquals(List.of(
        "delivery.alowHttp: unknown key; did you mean 'allowHttp'?",
        "delivry: unknown key; did you mean 'delivery'?",
        "sources[0].basicAuth.usr: unknown key; did you mean 'user'?",
        "storage.embedded.dataDri: unknown key; did you mean 'dataDir'?",
        "subscriptions[0].evnets: unknown key; did you mean 'events'?"), problems.stream().sorted().toList());
  }

  @Test
  @DisplayName("An unknown key with nothing close lists the keys that section takes")
  void unknownKeyWithoutSuggestion() throws Exception {
    assertEquals(List.of("http.tls: unknown key (expected one of [host, idleTimeout, port, requestReadTimeout])"),
        problems("http: { tls: true }\n", Map.of()));
  }

  @Test
  @DisplayName("A subscription from the API is checked against the same keys")
  void apiSubscriptionKeys() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigReader.readSubscription(
        new io.vertx.core.json.JsonObject().put("name", "crm").put("url", "https://crm.example.com/h")
            .put("secret", "s").put("evnets", "message.*"), ConfigLoader.fromTree(
                new io.vertx.core.json.JsonObject(), Map.of()).delivery()));
    assertEquals(List.of("subscription.evnets: unknown key; did you mean 'events'?"), e.problems());
  }

  @Test
  @DisplayName("A SWITCHBOARD_* variable that spells no key is refused, with the variable it probably meant")
  void unknownEnvironmentVariables() throws Exception {
    List<String> problems = problems("sources: [ { name: meta, kind: meta } ]\n", Map.of(
        "SWITCHBOARD_DELIVERY_ALOW_HTTP", "true",
        "SWITCHBOARD_SOURCES_0_APP_SECRT", "x",
        "SWITCHBOARD_NOTHING_LIKE_IT", "1"));

    assertEquals(List.of(
        "SWITCHBOARD_DELIVERY_ALOW_HTTP: no config key is spelled this way; did you mean SWITCHBOARD_DELIVERY_ALLOW_HTTP?",
        "SWITCHBOARD_NOTHING_LIKE_IT: no config key is spelled this way",
        "SWITCHBOARD_SOURCES_0_APP_SECRT: no config key is spelled this way; did you mean SWITCHBOARD_SOURCES_0_APP_SECRET?"),
        problems);
  }

  @Test
  @DisplayName("The seed aliases, SWITCHBOARD_CONFIG and SWITCHBOARD_LOG_LEVEL are not unknown variables")
  void aliasesAndNonKeysAccepted(@TempDir Path other) throws Exception {
    Path file = other.resolve("config.yaml");
    Files.writeString(file, "sources: [ { name: meta, kind: meta }, { name: d360, kind: 360dialog } ]\n");
    SwitchboardConfig config = ConfigLoader.load(vertx, file.toString(), Map.of(
        "WHATSAPP_APP_SECRET", "as", "WHATSAPP_WEBHOOK_VERIFY_TOKEN", "vt", "D360_WEBHOOK_BASIC_USER", "u",
        "D360_WEBHOOK_BASIC_PASS", "p", "WEBHOOK_RING_SIZE", "7", "SWITCHBOARD_CONFIG", file.toString(),
        "SWITCHBOARD_LOG_LEVEL", "debug", "SWITCHBOARD_SOURCES_0_APP_SECRETS", "second,third"))
        .await(10, TimeUnit.SECONDS);
    assertEquals(List.of("as", "second", "third"), config.sources().get(0).appSecrets());
    assertEquals(7, config.ingress().ringSize());
    assertEquals("p", config.sources().get(1).basicAuth().pass());
  }

  @Test
  @DisplayName("A YAML syntax error names the line and column")
  void yamlErrorLineAndColumn() throws Exception {
    List<String> problems = problems("http:\n  port: 8080\n  host: [127.0.0.1\ningress: {}\n", Map.of());
    assertEquals(1, problems.size(), problems::toString);
    assertTrue(problems.get(0).matches(".*config\\.yaml: not valid YAML at line 4, column 8: .+"), problems.get(0));
  }
}
