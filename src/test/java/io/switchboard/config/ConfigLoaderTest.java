package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.SwitchboardConfig.AckMode;
import io.switchboard.config.SwitchboardConfig.BasicAuth;
import io.switchboard.config.SwitchboardConfig.Format;
import io.switchboard.config.SwitchboardConfig.Source;
import io.switchboard.config.SwitchboardConfig.SourceKind;
import io.switchboard.config.SwitchboardConfig.Subscription;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

  private static final List<Duration> DEFAULT_SCHEDULE = List.of(
      Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(10),
      Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(3), Duration.ofHours(6), Duration.ofHours(12));

  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static JsonObject tree(String json) {
    return new JsonObject(json);
  }

  private static SwitchboardConfig load(String json, Map<String, String> env) {
    return ConfigLoader.fromTree(tree(json), env);
  }

  private static JsonObject subscription() {
    return new JsonObject().put("name", "crm").put("url", "https://crm.example.com/hook").put("secret", "s3cret");
  }

  // ---------------------------------------------------------------- defaults

  @Test
  @DisplayName("An empty file gives the documented defaults")
  void defaults() {
    SwitchboardConfig config = load("{}", Map.of());

    assertEquals(8080, config.http().port());
    assertEquals("0.0.0.0", config.http().host());
    assertEquals(AckMode.DURABLE, config.ingress().ack());
    assertEquals(1_048_576, config.ingress().maxBodyBytes());
    assertEquals(200, config.ingress().ringSize());
    assertEquals(Duration.ofSeconds(10), config.ingress().ackTimeout());
    assertEquals(List.of(), config.sources());
    assertEquals(List.of(), config.subscriptions());
    assertEquals(Duration.ofSeconds(30), config.delivery().timeout());
    assertEquals(DEFAULT_SCHEDULE, config.delivery().schedule());
    assertEquals(0.1, config.delivery().jitter());
    assertFalse(config.delivery().allowHttp());
    assertFalse(config.delivery().allowPrivateNetworks());
    assertNull(config.storage().url());
    assertEquals("./data/pg", config.storage().embedded().dataDir());
    assertEquals(0, config.storage().embedded().port());
    assertEquals(30, config.storage().retentionDays());
    assertEquals(List.of(), config.admin().apiKeys());
  }

  @Test
  @DisplayName("File values replace the defaults key by key, leaving siblings alone")
  void fileOverridesDefaults() {
    SwitchboardConfig config = load("""
        {"http": {"port": 7070}, "ingress": {"ack": "immediate"}, "delivery": {"schedule": ["1m", "1h"]}}
        """, Map.of());

    assertEquals(7070, config.http().port());
    assertEquals("0.0.0.0", config.http().host());
    assertEquals(AckMode.IMMEDIATE, config.ingress().ack());
    assertEquals(200, config.ingress().ringSize());
    assertEquals(List.of(Duration.ofMinutes(1), Duration.ofHours(1)), config.delivery().schedule());
    assertEquals(Duration.ofSeconds(30), config.delivery().timeout());
  }

  // ---------------------------------------------------------------- environment

  @Test
  @DisplayName("SWITCHBOARD_* variables override scalar keys, camelCase keys spelled in UPPER_SNAKE")
  void environmentOverridesScalars() {
    SwitchboardConfig config = load("{\"http\": {\"port\": 7070}}", Map.of(
        "SWITCHBOARD_HTTP_PORT", "9090",
        "SWITCHBOARD_INGRESS_MAX_BODY_BYTES", "2048",
        "SWITCHBOARD_STORAGE_URL", "postgresql://sb:pw@db:5432/switchboard",
        "SWITCHBOARD_STORAGE_EMBEDDED_DATA_DIR", "/var/lib/sb",
        "SWITCHBOARD_DELIVERY_ALLOW_HTTP", "true"));

    assertEquals(9090, config.http().port());
    assertEquals(2048, config.ingress().maxBodyBytes());
    assertEquals("postgresql://sb:pw@db:5432/switchboard", config.storage().url());
    assertEquals("/var/lib/sb", config.storage().embedded().dataDir());
    assertTrue(config.delivery().allowHttp());
  }

  @Test
  @DisplayName("A comma list in the environment becomes a list (schedule, apiKeys)")
  void environmentCommaLists() {
    SwitchboardConfig config = load("{}", Map.of(
        "SWITCHBOARD_DELIVERY_SCHEDULE", "1s,2s",
        "SWITCHBOARD_ADMIN_API_KEYS", "k1, k2"));

    assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), config.delivery().schedule());
    assertEquals(List.of("k1", "k2"), config.admin().apiKeys());
  }

  @Test
  @DisplayName("SWITCHBOARD_SOURCES_0_APP_SECRET sets a key on an existing list element")
  void environmentOnListElement() {
    SwitchboardConfig config = load("""
        {"sources": [{"name": "meta", "kind": "meta", "appSecret": "from-file"},
                     {"name": "d360", "kind": "360dialog"}]}
        """, Map.of("SWITCHBOARD_SOURCES_0_APP_SECRET", "from-env",
            "SWITCHBOARD_SOURCES_1_BASIC_AUTH_USER", "u",
            "SWITCHBOARD_SOURCES_1_BASIC_AUTH_PASS", "p"));

    assertEquals("from-env", config.sources().get(0).appSecret());
    assertEquals(new BasicAuth("u", "p"), config.sources().get(1).basicAuth());
    assertEquals(2, config.sources().size());
  }

  @Test
  @DisplayName("A bad value from the environment is reported under the key it overrides")
  void environmentBadValue() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> load("{}", Map.of("SWITCHBOARD_HTTP_PORT", "eighty")));
    assertEquals(List.of("http.port: must be a whole number (got 'eighty')"), e.problems());
  }

  @Test
  @DisplayName("SWITCHBOARD_CONFIG names the file and is not read as a key")
  void switchboardConfigIsNotAKey() {
    SwitchboardConfig config = load("{}", Map.of("SWITCHBOARD_CONFIG", "/etc/sb.yaml"));
    assertEquals(8080, config.http().port());
  }

  // ---------------------------------------------------------------- seed aliases

  @Test
  @DisplayName("WHATSAPP_* aliases set verifyToken and appSecret on every meta source")
  void whatsappAliasesOnExistingMetaSources() {
    SwitchboardConfig config = load("""
        {"sources": [{"name": "meta", "kind": "meta", "verifyToken": "old"},
                     {"name": "meta2", "kind": "meta"},
                     {"name": "d360", "kind": "360dialog"}]}
        """, Map.of("WHATSAPP_WEBHOOK_VERIFY_TOKEN", "vt", "WHATSAPP_APP_SECRET", "as"));

    assertEquals(3, config.sources().size());
    for (Source meta : config.sources().subList(0, 2)) {
      assertEquals("vt", meta.verifyToken(), meta.name());
      assertEquals("as", meta.appSecret(), meta.name());
    }
    assertNull(config.sources().get(2).verifyToken());
    assertNull(config.sources().get(2).appSecret());
  }

  @Test
  @DisplayName("WHATSAPP_APP_SECRET with no meta source creates one named meta")
  void whatsappAliasCreatesMetaSource() {
    SwitchboardConfig config = load("{}", Map.of("WHATSAPP_APP_SECRET", "as", "WHATSAPP_WEBHOOK_VERIFY_TOKEN", "vt"));

    assertEquals(1, config.sources().size());
    Source meta = config.source("meta").orElseThrow();
    assertEquals(SourceKind.META, meta.kind());
    assertEquals("as", meta.appSecret());
    assertEquals("vt", meta.verifyToken());
  }

  @Test
  @DisplayName("D360_WEBHOOK_BASIC_USER/PASS set the 360dialog source's basicAuth")
  void d360Aliases() {
    SwitchboardConfig config = load("""
        {"sources": [{"name": "meta", "kind": "meta"}, {"name": "360dialog", "kind": "360dialog"}]}
        """, Map.of("D360_WEBHOOK_BASIC_USER", "switchboard", "D360_WEBHOOK_BASIC_PASS", "pw"));

    assertEquals(2, config.sources().size());
    assertNull(config.sources().get(0).basicAuth());
    assertEquals(new BasicAuth("switchboard", "pw"), config.source("360dialog").orElseThrow().basicAuth());
  }

  @Test
  @DisplayName("D360 aliases with no 360dialog source create one")
  void d360AliasesCreateSource() {
    SwitchboardConfig config = load("{}", Map.of("D360_WEBHOOK_BASIC_USER", "u", "D360_WEBHOOK_BASIC_PASS", "p"));

    assertEquals(1, config.sources().size());
    Source d360 = config.sources().get(0);
    assertEquals("360dialog", d360.name());
    assertEquals(SourceKind.D360, d360.kind());
    assertEquals(new BasicAuth("u", "p"), d360.basicAuth());
  }

  @Test
  @DisplayName("WEBHOOK_RING_SIZE sets ingress.ringSize")
  void ringSizeAlias() {
    assertEquals(17, load("{}", Map.of("WEBHOOK_RING_SIZE", "17")).ingress().ringSize());
  }

  @Test
  @DisplayName("SWITCHBOARD_* wins over a seed alias for the same key")
  void switchboardVariableWinsOverAlias() {
    SwitchboardConfig config = load("{}", Map.of(
        "WHATSAPP_APP_SECRET", "alias", "SWITCHBOARD_SOURCES_0_APP_SECRET", "explicit",
        "WEBHOOK_RING_SIZE", "5", "SWITCHBOARD_INGRESS_RING_SIZE", "6"));
    assertEquals("explicit", config.sources().get(0).appSecret());
    assertEquals(6, config.ingress().ringSize());
  }

  @Test
  @DisplayName("A seed alias over a malformed sources/ingress is reported as a problem, not a crash")
  void aliasOverMalformedTree() {
    ConfigException sources = assertThrows(ConfigException.class,
        () -> load("{\"sources\": {\"name\": \"meta\"}}", Map.of("WHATSAPP_APP_SECRET", "x")));
    assertEquals(List.of("sources: must be a list"), sources.problems());

    ConfigException ingress = assertThrows(ConfigException.class,
        () -> load("{\"ingress\": \"fast\"}", Map.of("WEBHOOK_RING_SIZE", "5")));
    assertEquals("ingress: must be a mapping", ingress.problems().get(0), ingress.problems()::toString);
  }

  // ---------------------------------------------------------------- subscriptions

  @Test
  @DisplayName("A subscription inherits delivery timeout and schedule, takes all events and 10 in flight")
  void subscriptionDefaults() {
    JsonObject file = new JsonObject()
        .put("delivery", new JsonObject().put("timeout", "45s").put("schedule", "1s,2s,3s"))
        .put("subscriptions", new JsonArray().add(subscription()));
    Subscription s = ConfigLoader.fromTree(file, Map.of()).subscriptions().get(0);

    assertEquals("crm", s.name());
    assertEquals("https://crm.example.com/hook", s.url());
    assertEquals(List.of("*"), s.events());
    assertEquals(Duration.ofSeconds(45), s.timeout());
    assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3)), s.schedule());
    assertEquals(10, s.maxConcurrency());
    assertEquals(Format.NORMALIZED, s.format());
    assertTrue(s.enabled());
    assertNull(s.ratePerMinute());
    assertNull(s.source());
    assertNull(s.phoneNumberId());
    assertEquals(Map.of(), s.headers());
  }

  @Test
  @DisplayName("A subscription's own values win over the delivery defaults")
  void subscriptionOwnValues() {
    JsonObject sub = subscription().put("events", new JsonArray().add("message.*").add("template.status"))
        .put("timeout", "5s").put("schedule", new JsonArray().add("10s")).put("maxConcurrency", 3)
        .put("format", "raw").put("enabled", false).put("ratePerMinute", 60).put("source", "meta")
        .put("phoneNumberId", 1065403522L).put("headers", new JsonObject().put("X-Team", "crm"));
    Subscription s = ConfigLoader.fromTree(new JsonObject().put("subscriptions", new JsonArray().add(sub)), Map.of())
        .subscriptions().get(0);

    assertEquals(List.of("message.*", "template.status"), s.events());
    assertEquals(Duration.ofSeconds(5), s.timeout());
    assertEquals(List.of(Duration.ofSeconds(10)), s.schedule());
    assertEquals(3, s.maxConcurrency());
    assertEquals(Format.RAW, s.format());
    assertFalse(s.enabled());
    assertEquals(60, s.ratePerMinute());
    assertEquals("meta", s.source());
    assertEquals("1065403522", s.phoneNumberId());
    assertEquals(Map.of("X-Team", "crm"), s.headers());
  }

  // ---------------------------------------------------------------- bad configs

  static Stream<Arguments> badConfigs() {
    JsonObject okSource = new JsonObject().put("name", "meta").put("kind", "meta");
    return Stream.of(
        Arguments.of("zero timeout",
            new JsonObject().put("delivery", new JsonObject().put("timeout", "0s")),
            "delivery.timeout", "must be a positive duration"),
        Arguments.of("timeout without unit",
            new JsonObject().put("delivery", new JsonObject().put("timeout", "30")),
            "delivery.timeout", "must be a positive duration"),
        Arguments.of("schedule entry not a duration",
            new JsonObject().put("delivery", new JsonObject().put("schedule", new JsonArray().add("5s").add("soon"))),
            "delivery.schedule", "must list positive durations"),
        Arguments.of("jitter above 1",
            new JsonObject().put("delivery", new JsonObject().put("jitter", 1.5)),
            "delivery.jitter", "must be between 0.0 and 1.0"),
        Arguments.of("allowHttp not a boolean",
            new JsonObject().put("delivery", new JsonObject().put("allowHttp", "yes")),
            "delivery.allowHttp", "must be true or false"),
        Arguments.of("port out of range",
            new JsonObject().put("http", new JsonObject().put("port", 70000)),
            "http.port", "must be between 0 and 65535"),
        Arguments.of("negative port",
            new JsonObject().put("http", new JsonObject().put("port", -1)),
            "http.port", "must be between 0 and 65535"),
        Arguments.of("unknown top-level key",
            new JsonObject().put("webhooks", new JsonObject()),
            "webhooks", "unknown key"),
        Arguments.of("maxBodyBytes zero",
            new JsonObject().put("ingress", new JsonObject().put("maxBodyBytes", 0)),
            "ingress.maxBodyBytes", "must be between 1 and"),
        Arguments.of("ack mode unknown",
            new JsonObject().put("ingress", new JsonObject().put("ack", "eventually")),
            "ingress.ack", "must be one of [durable, immediate]"),
        Arguments.of("source kind unknown",
            new JsonObject().put("sources", new JsonArray().add(new JsonObject().put("name", "tw").put("kind", "twilio"))),
            "sources[0].kind", "must be meta or 360dialog"),
        Arguments.of("source kind missing",
            new JsonObject().put("sources", new JsonArray().add(new JsonObject().put("name", "tw"))),
            "sources[0].kind", "must be meta or 360dialog"),
        Arguments.of("source name missing",
            new JsonObject().put("sources", new JsonArray().add(new JsonObject().put("kind", "meta"))),
            "sources[0].name", "is required"),
        Arguments.of("source name not a URL segment",
            new JsonObject().put("sources", new JsonArray().add(new JsonObject().put("name", "a/b").put("kind", "meta"))),
            "sources[0].name", "must be letters, digits"),
        Arguments.of("duplicate source names",
            new JsonObject().put("sources", new JsonArray().add(okSource.copy()).add(okSource.copy())),
            "sources[1].name", "'meta' is used twice"),
        Arguments.of("basicAuth without pass",
            new JsonObject().put("sources", new JsonArray().add(new JsonObject().put("name", "d").put("kind", "360dialog")
                .put("basicAuth", new JsonObject().put("user", "u")))),
            "sources[0].basicAuth.pass", "is required"),
        Arguments.of("sources not a list",
            new JsonObject().put("sources", "meta"),
            "sources", "must be a list"),
        Arguments.of("subscription url not http(s)",
            new JsonObject().put("subscriptions", new JsonArray().add(subscription().put("url", "ftp://crm.example.com/x"))),
            "subscriptions[0].url", "must be an absolute http(s) URL"),
        Arguments.of("subscription url relative",
            new JsonObject().put("subscriptions", new JsonArray().add(subscription().put("url", "/hooks"))),
            "subscriptions[0].url", "must be an absolute http(s) URL"),
        Arguments.of("subscription whsec_ secret not base64",
            new JsonObject().put("subscriptions", new JsonArray().add(subscription().put("secret", "whsec_not base64!"))),
            "subscriptions[0].secret", "whsec_ secrets must be base64"),
        Arguments.of("subscription whsec_ secret with nothing after the prefix",
            new JsonObject().put("subscriptions", new JsonArray().add(subscription().put("secret", "whsec_"))),
            "subscriptions[0].secret", "whsec_ secret has no key after the prefix"),
        Arguments.of("subscription secret missing",
            new JsonObject().put("subscriptions", new JsonArray().add(subscription().copy().put("secret", (String) null))),
            "subscriptions[0].secret", "is required"),
        Arguments.of("duplicate subscription names",
            new JsonObject().put("subscriptions", new JsonArray().add(subscription()).add(subscription())),
            "subscriptions[1].name", "'crm' is used twice"),
        Arguments.of("subscription format unknown",
            new JsonObject().put("subscriptions", new JsonArray().add(subscription().put("format", "xml"))),
            "subscriptions[0].format", "must be one of [normalized, raw]"),
        Arguments.of("subscription maxConcurrency zero",
            new JsonObject().put("subscriptions", new JsonArray().add(subscription().put("maxConcurrency", 0))),
            "subscriptions[0].maxConcurrency", "must be between 1 and 1000"),
        Arguments.of("storage url not postgresql",
            new JsonObject().put("storage", new JsonObject().put("url", "mysql://db:3306/sb")),
            "storage.url", "must look like postgresql://"),
        Arguments.of("http to loopback while neither is allowed",
            new JsonObject().put("subscriptions", new JsonArray().add(new JsonObject().put("name", "crm")
                .put("url", "http://127.0.0.1:9000/hooks").put("secret", "s"))),
            "subscriptions[0].url", "only https is allowed"),
        Arguments.of("a loopback literal while private networks are refused",
            new JsonObject().put("subscriptions", new JsonArray().add(new JsonObject().put("name", "crm")
                .put("url", "https://127.0.0.1:9000/hooks").put("secret", "s"))),
            "subscriptions[0].url", "internal address 127.0.0.1"),
        Arguments.of("localhost. while private networks are refused",
            new JsonObject().put("subscriptions", new JsonArray().add(new JsonObject().put("name", "crm")
                .put("url", "https://localhost.:9000/hooks").put("secret", "s"))),
            "subscriptions[0].url", "is this machine"),
        Arguments.of("retentionDays zero",
            new JsonObject().put("storage", new JsonObject().put("retentionDays", 0)),
            "storage.retentionDays", "must be between 1 and"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badConfigs")
  @DisplayName("A bad config fails with one problem line naming the key and what is wrong")
  void badConfig(String name, JsonObject file, String key, String what) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.fromTree(file, Map.of()));

    assertEquals(1, e.problems().size(), () -> "expected one problem, got " + e.problems());
    String line = e.problems().get(0);
    assertTrue(line.startsWith(key + ": "), () -> "'" + line + "' should start with '" + key + ": '");
    assertTrue(line.contains(what), () -> "'" + line + "' should say '" + what + "'");
    assertEquals(String.join("\n", e.problems()), e.getMessage());
  }

  @Test
  @DisplayName("A section that is not a mapping is named first (its keys then read as missing)")
  void sectionNotAMapping() {
    ConfigException e = assertThrows(ConfigException.class, () -> load("{\"http\": 8080}", Map.of()));
    assertEquals("http: must be a mapping", e.problems().get(0), e.problems()::toString);
  }

  @Test
  @DisplayName("A section left empty in the file (YAML 'ingress:' reads as null) keeps its defaults")
  void nullSectionsKeepDefaults() {
    SwitchboardConfig config = load("""
        {"http": null, "ingress": {"ack": null, "ringSize": 5}, "sources": null, "subscriptions": null,
         "delivery": null, "storage": {"url": null, "embedded": null}, "admin": null}
        """, Map.of());

    assertEquals(8080, config.http().port());
    assertEquals(AckMode.DURABLE, config.ingress().ack());
    assertEquals(5, config.ingress().ringSize());
    assertEquals(1_048_576, config.ingress().maxBodyBytes());
    assertEquals(List.of(), config.sources());
    assertEquals(DEFAULT_SCHEDULE, config.delivery().schedule());
    assertNull(config.storage().url());
    assertEquals("./data/pg", config.storage().embedded().dataDir());
  }

  @Test
  @DisplayName("Seed aliases work when the file's sources/ingress sections are empty")
  void aliasesOnNullSections() {
    SwitchboardConfig config = load("{\"sources\": null, \"ingress\": null}",
        Map.of("WHATSAPP_APP_SECRET", "as", "WEBHOOK_RING_SIZE", "9"));
    assertEquals("as", config.source("meta").orElseThrow().appSecret());
    assertEquals(9, config.ingress().ringSize());
  }

  @Test
  @DisplayName("fromTree leaves the caller's tree as it was")
  void fileTreeNotMutated() {
    JsonObject file = new JsonObject().put("sources",
        new JsonArray().add(new JsonObject().put("name", "meta").put("kind", "meta")));
    JsonObject before = file.copy();
    ConfigLoader.fromTree(file, Map.of("WHATSAPP_APP_SECRET", "as", "SWITCHBOARD_SOURCES_1_NAME", "x",
        "SWITCHBOARD_SOURCES_1_KIND", "360dialog"));
    assertEquals(before, file);
  }

  @Test
  @DisplayName("Every problem is reported at once, one line each")
  void allProblemsAtOnce() {
    ConfigException e = assertThrows(ConfigException.class, () -> load("""
        {"http": {"port": 99999}, "ingress": {"ack": "later"}, "storage": {"url": "mysql://x"}, "extra": 1}
        """, Map.of()));

    assertEquals(4, e.problems().size(), e.problems()::toString);
    assertTrue(e.problems().get(0).startsWith("extra: unknown key"));
    assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("http.port: ")));
    assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("ingress.ack: ")));
    assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("storage.url: ")));
  }

  // ---------------------------------------------------------------- which file

  static Stream<Arguments> configFiles() {
    return Stream.of(
        Arguments.of(new String[] {}, Map.of(), "conf/config.yaml"),
        Arguments.of(new String[] {}, Map.of("SWITCHBOARD_CONFIG", "/etc/sb.yaml"), "/etc/sb.yaml"),
        Arguments.of(new String[] {"--config", "a.yaml"}, Map.of("SWITCHBOARD_CONFIG", "/etc/sb.yaml"), "a.yaml"),
        Arguments.of(new String[] {"--config=b.yaml"}, Map.of("SWITCHBOARD_CONFIG", "/etc/sb.yaml"), "b.yaml"),
        Arguments.of(new String[] {"--verbose", "--config", "c.yaml"}, Map.of(), "c.yaml"),
        Arguments.of(new String[] {"--config"}, Map.of(), "conf/config.yaml"));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("configFiles")
  @DisplayName("The file comes from --config, then SWITCHBOARD_CONFIG, then conf/config.yaml")
  void configFile(String[] args, Map<String, String> env, String expected) {
    assertEquals(expected, ConfigLoader.configFile(args, env));
  }

  // ---------------------------------------------------------------- load() with a real file

  @Test
  @DisplayName("A named file that does not exist fails with 'config file not found'")
  void namedMissingFile(@TempDir Path dir) {
    String file = dir.resolve("missing.yaml").toString();
    ConfigException e = assertInstanceOf(ConfigException.class, assertThrows(Exception.class,
        () -> ConfigLoader.load(vertx, file, Map.of()).await(10, TimeUnit.SECONDS)));
    assertEquals(List.of(file + ": config file not found"), e.problems());
  }

  @Test
  @DisplayName("A YAML file is loaded, laid over the defaults and overridden by the environment")
  void loadsYamlFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, """
        http:
          port: 8181
          host: 127.0.0.1     # the README's example subscription secret is a placeholder: loopback only
        ingress:
          ack: immediate
        sources:
          - name: meta
            kind: meta
            verifyToken: vt
          - name: 360dialog
            kind: 360dialog
            basicAuth: { user: u, pass: p }
        subscriptions:
          - name: crm
            url: https://crm.example.com/hooks
            events: ["message.*"]
            secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
            phoneNumberId: 106540352242922
        delivery:
          timeout: 20s
          schedule: [5s, 1m]
        storage:
          url: null
          retentionDays: 7
        """);

    SwitchboardConfig config = ConfigLoader.load(vertx, file.toString(), Map.of("WHATSAPP_APP_SECRET", "as"))
        .await(10, TimeUnit.SECONDS);

    assertEquals(8181, config.http().port());
    assertEquals(AckMode.IMMEDIATE, config.ingress().ack());
    assertEquals(200, config.ingress().ringSize());
    assertEquals(2, config.sources().size());
    assertEquals(new Source("meta", SourceKind.META, "vt", "as", null,
        SwitchboardConfig.AuthFailureMode.REJECT), config.sources().get(0));
    assertEquals(new BasicAuth("u", "p"), config.sources().get(1).basicAuth());
    Subscription crm = config.subscriptions().get(0);
    assertEquals(List.of("message.*"), crm.events());
    assertEquals("106540352242922", crm.phoneNumberId());
    assertEquals(Duration.ofSeconds(20), crm.timeout());
    assertEquals(List.of(Duration.ofSeconds(5), Duration.ofMinutes(1)), crm.schedule());
    assertNull(config.storage().url());
    assertEquals(7, config.storage().retentionDays());
    assertEquals("./data/pg", config.storage().embedded().dataDir());
  }

  @Test
  @DisplayName("A YAML file with a bad value fails the future with a ConfigException")
  void yamlFileWithProblem(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, "http:\n  port: 123456\n");
    ConfigException e = assertInstanceOf(ConfigException.class, assertThrows(Exception.class,
        () -> ConfigLoader.load(vertx, file.toString(), Map.of()).await(10, TimeUnit.SECONDS)));
    assertEquals(List.of("http.port: must be between 0 and 65535 (got 123456)"), e.problems());
  }

  @Test
  @DisplayName("A file that is not YAML fails with 'not valid YAML'")
  void notYaml(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, "http: [port: 1\n  : : {\n");
    ConfigException e = assertInstanceOf(ConfigException.class, assertThrows(Exception.class,
        () -> ConfigLoader.load(vertx, file.toString(), Map.of()).await(10, TimeUnit.SECONDS)));
    assertEquals(1, e.problems().size());
    assertTrue(e.problems().get(0).startsWith(file + ": not valid YAML"), e.problems().get(0));
  }

  @Test
  @DisplayName("An empty YAML file, or one with only comments and empty sections, gives the defaults")
  void emptyYamlFile(@TempDir Path dir) throws Exception {
    Path empty = dir.resolve("empty.yaml");
    Files.writeString(empty, "");
    Path sparse = dir.resolve("sparse.yaml");
    Files.writeString(sparse, "# nothing yet\nsources:\nsubscriptions:\ningress:\n  # ack: immediate\n");

    for (Path file : List.of(empty, sparse)) {
      SwitchboardConfig config = ConfigLoader.load(vertx, file.toString(), Map.of()).await(10, TimeUnit.SECONDS);
      assertEquals(8080, config.http().port(), file::toString);
      assertEquals(AckMode.DURABLE, config.ingress().ack(), file::toString);
      assertEquals(200, config.ingress().ringSize(), file::toString);
      assertEquals(List.of(), config.sources(), file::toString);
    }
  }

  @Test
  @DisplayName("The shipped conf/config.yaml loads")
  void shippedConfig() throws Exception {
    SwitchboardConfig config = ConfigLoader.load(vertx, ConfigLoader.DEFAULT_FILE, Map.of())
        .await(10, TimeUnit.SECONDS);
    assertEquals(8080, config.http().port());
    assertEquals(List.of("meta", "360dialog"), config.sources().stream().map(Source::name).toList());
    assertEquals(DEFAULT_SCHEDULE, config.delivery().schedule());
  }
}
