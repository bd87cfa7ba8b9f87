package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.RouterProcess;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the router says and refuses at start-up, run as an operator runs it: {@code Main --config FILE}. */
@DisplayName("Start-up safety")
class StartupSafetyTest {

  private static final Duration EXIT = Duration.ofSeconds(60);

  private static Path config(Path dir, String host, int port, String sources, String apiKey) throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, """
        http: { port: %d, host: %s }
        sources: %s
        admin: { apiKeys: [ %s ] }
        storage: { url: "%s" }
        """.formatted(port, host, sources, apiKey, TestPostgres.url()));
    return file;
  }

  private static List<String> lines(Path log, String containing) throws Exception {
    return Files.readAllLines(log).stream().filter(l -> l.contains(containing)).toList();
  }

  @Test
  @DisplayName("The shipped placeholder secrets on 0.0.0.0 stop start-up with one line naming where they are")
  void placeholdersRefusedOffLoopback(@TempDir Path dir) throws Exception {
    Path config = config(dir, "0.0.0.0", TestRouter.freePort(),
        "[ { name: meta, kind: meta, verifyToken: real-token-1, appSecret: change-me-app-secret } ]",
        "change-me-admin-key");
    Path log = dir.resolve("router.log");

    assertEquals(1, new RouterProcess(config, log, 0).runUntilExit(EXIT));
    assertEquals(List.of("config error: http.host: 0.0.0.0 is not a loopback address, and the shipped placeholder"
        + " secrets are in use at sources[0].appSecret, admin.apiKeys[0]: set real secrets (in the environment) or"
        + " listen on 127.0.0.1"), lines(log, "config error"), Files.readString(log));
  }

  @Test
  @DisplayName("A mistyped key in the file or a mistyped SWITCHBOARD_* variable stops start-up, each named on its line")
  void typosStopStartUp(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, """
        http: { port: %d, host: 127.0.0.1 }
        delivery: { alowHttp: true }
        storage: { url: "%s" }
        """.formatted(TestRouter.freePort(), TestPostgres.url()));
    Path log = dir.resolve("router.log");

    int exit = new RouterProcess(config, log, 0).withEnv(Map.of("SWITCHBOARD_STORAGE_UR", "x")).runUntilExit(EXIT);
    assertEquals(1, exit);
    assertEquals(List.of(
        "config error: SWITCHBOARD_STORAGE_UR: no config key is spelled this way; did you mean SWITCHBOARD_STORAGE_URL?",
        "config error: delivery.alowHttp: unknown key; did you mean 'allowHttp'?"), lines(log, "config error"));
  }

  /** What the Dockerfile and compose.yaml give the shipped conf/config.yaml, storage aside. */
  private static Map<String, String> containerEnv(int port) {
    return Map.of("SWITCHBOARD_HTTP_HOST", "0.0.0.0", "SWITCHBOARD_HTTP_PORT", String.valueOf(port),
        "SWITCHBOARD_STORAGE_URL", TestPostgres.url());
  }

  @Test
  @DisplayName("The shipped config in a container (0.0.0.0) is refused until every placeholder is replaced")
  void shippedConfigInContainerNeedsSecrets(@TempDir Path dir) throws Exception {
    Path shipped = Path.of("conf/config.yaml").toAbsolutePath();
    Path log = dir.resolve("router.log");

    int exit = new RouterProcess(shipped, log, 0).withEnv(containerEnv(TestRouter.freePort())).runUntilExit(EXIT);
    assertEquals(1, exit);
    assertEquals(List.of("config error: http.host: 0.0.0.0 is not a loopback address, and the shipped placeholder"
        + " secrets are in use at sources[0].verifyToken, sources[0].appSecret, sources[1].basicAuth.pass,"
        + " admin.apiKeys[0]: set real secrets (in the environment) or listen on 127.0.0.1"), lines(log, "config error"));
  }

  @Test
  @DisplayName("Real secrets from the environment (as compose.yaml passes them) replace the placeholders, and 0.0.0.0 starts")
  void environmentSecretsAllowAnyHost(@TempDir Path dir) throws Exception {
    TestPostgres.reset();
    int port = TestRouter.freePort();
    Map<String, String> env = new java.util.HashMap<>(containerEnv(port));
    env.putAll(Map.of("WHATSAPP_WEBHOOK_VERIFY_TOKEN", "a-real-token", "WHATSAPP_APP_SECRET", "a-real-secret",
        "D360_WEBHOOK_BASIC_USER", "d360", "D360_WEBHOOK_BASIC_PASS", "a-real-pass",
        "SWITCHBOARD_ADMIN_API_KEYS", "a-real-admin-key"));
    Path log = dir.resolve("router.log");
    RouterProcess router = new RouterProcess(Path.of("conf/config.yaml").toAbsolutePath(), log, port).withEnv(env);
    try {
      router.start();
    } finally {
      router.stop();
    }
    assertEquals(List.of(), lines(log, "config error"));
    assertTrue(lines(log, "switchboard ready").get(0).contains("http=0.0.0.0:" + port), Files.readString(log));
  }

  @Test
  @DisplayName("Placeholders on 127.0.0.1 start, and every source that accepts unsigned webhooks is named in a WARN")
  void loopbackStartsAndUnsignedSourcesWarn(@TempDir Path dir) throws Exception {
    TestPostgres.reset();
    int port = TestRouter.freePort();
    Path config = config(dir, "127.0.0.1", port, """
        [ { name: meta, kind: meta, verifyToken: change-me-verify-token },
          { name: signed, kind: meta, appSecret: change-me-app-secret },
          { name: d360, kind: 360dialog },
          { name: d360-auth, kind: 360dialog, basicAuth: { user: u, pass: change-me } } ]""", "change-me-admin-key");
    Path log = dir.resolve("router.log");
    RouterProcess router = new RouterProcess(config, log, port);
    try {
      router.start();
    } finally {
      router.stop();
    }
    List<String> warnings = lines(log, "accepts unsigned");
    assertEquals(2, warnings.size(), warnings::toString);
    assertTrue(warnings.stream().allMatch(w -> w.contains(" WARN ")), warnings::toString);
    assertTrue(warnings.get(0).contains("source=meta accepts unsigned webhooks"), warnings::toString);
    assertTrue(warnings.get(0).endsWith("set appSecret"), warnings::toString);
    assertTrue(warnings.get(1).contains("source=d360 accepts unsigned webhooks"), warnings::toString);
    assertTrue(warnings.get(1).endsWith("set basicAuth"), warnings::toString);
    assertFalse(Files.readString(log).contains("config error"));
  }
}
