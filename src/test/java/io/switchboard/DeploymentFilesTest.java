package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Dockerfile and compose.yaml carry no secret, and compose starts Switchboard only on a healthy Postgres. */
@DisplayName("Deployment files")
class DeploymentFilesTest {

  /** Compose's "required variable" form: {@code ${NAME:?message}} fails `up` when NAME is unset. */
  private static final Pattern REQUIRED = Pattern.compile(".*\\$\\{[A-Z0-9_]+:\\?[^}]+}.*");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> service(String name) throws Exception {
    Map<String, Object> compose = new Yaml(new SafeConstructor(new LoaderOptions()))
        .load(Files.readString(Path.of("compose.yaml")));
    return (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get(name);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> env(Map<String, Object> service) {
    return (Map<String, String>) service.get("environment");
  }

  @Test
  @DisplayName("compose.yaml takes every secret from the environment, required, with no fallback value")
  void composeSecretsFromEnvironment() throws Exception {
    Map<String, String> switchboard = env(service("switchboard"));
    for (String key : List.of("WHATSAPP_WEBHOOK_VERIFY_TOKEN", "WHATSAPP_APP_SECRET", "D360_WEBHOOK_BASIC_PASS",
        "SWITCHBOARD_ADMIN_API_KEYS", "SWITCHBOARD_STORAGE_URL")) {
      assertTrue(REQUIRED.matcher(switchboard.get(key)).matches(), () -> key + " = " + switchboard.get(key));
    }
    assertTrue(REQUIRED.matcher(env(service("postgres")).get("POSTGRES_PASSWORD")).matches());
    assertTrue(REQUIRED.matcher(env(service("grafana")).get("GF_SECURITY_ADMIN_PASSWORD")).matches());
    assertFalse(Files.readString(Path.of("compose.yaml")).contains("change-me"));
  }

  @Test
  @DisplayName("compose.yaml waits for a healthy Postgres and restarts Switchboard when it exits on failure")
  @SuppressWarnings("unchecked")
  void composeWaitsAndRestarts() throws Exception {
    Map<String, Object> postgres = service("postgres");
    assertTrue(String.valueOf(((Map<String, Object>) postgres.get("healthcheck")).get("test")).contains("pg_isready"));
    Map<String, Object> switchboard = service("switchboard");
    assertEquals(Map.of("postgres", Map.of("condition", "service_healthy")), switchboard.get("depends_on"));
    assertEquals("on-failure", switchboard.get("restart"));
  }

  @Test
  @DisplayName("compose.yaml provisions Grafana from conf/grafana: Prometheus as data source, the Switchboard dashboard")
  @SuppressWarnings("unchecked")
  void grafanaProvisioned() throws Exception {
    List<String> volumes = (List<String>) service("grafana").get("volumes");
    assertTrue(volumes.contains("./conf/grafana/provisioning:/etc/grafana/provisioning:ro"), volumes::toString);
    assertTrue(volumes.contains("./conf/grafana/dashboards:/var/lib/grafana/dashboards:ro"), volumes::toString);
    Map<String, Object> datasources = new Yaml(new SafeConstructor(new LoaderOptions()))
        .load(Files.readString(Path.of("conf/grafana/provisioning/datasources/prometheus.yml")));
    assertEquals("http://prometheus:9090",
        ((List<Map<String, Object>>) datasources.get("datasources")).get(0).get("url"));
    io.vertx.core.json.JsonObject dashboard = new io.vertx.core.json.JsonObject(
        Files.readString(Path.of("conf/grafana/dashboards/switchboard.json")));
    assertEquals("switchboard", dashboard.getString("uid"));
    assertTrue(dashboard.getJsonArray("panels").size() >= 10);
  }

  @Test
  @DisplayName("The Dockerfile sets no secret: only the listening address comes from its ENV")
  void dockerfileHasNoSecrets() throws Exception {
    List<String> envLines = Files.readAllLines(Path.of("Dockerfile")).stream().filter(l -> l.startsWith("ENV ")).toList();
    assertEquals(List.of("ENV SWITCHBOARD_HTTP_HOST=0.0.0.0"), envLines);
    assertFalse(Files.readString(Path.of("Dockerfile")).contains("change-me"));
  }
}
