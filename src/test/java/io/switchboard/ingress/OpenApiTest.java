package io.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigLoader;
import io.switchboard.support.ManagementClient;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.Yaml;

@ExtendWith(VertxExtension.class)
@DisplayName("The OpenAPI document")
class OpenApiTest {

  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

  @Test
  @DisplayName("is served at /api/openapi.yaml and documents exactly the routes the management router has")
  void matchesTheRoutes(Vertx vertx) {
    TestPostgres.reset();
    TestRouter router = TestRouter.start(vertx, TestRouter.baseConfig());
    var response = new ManagementClient(router).get("/api/openapi.yaml");
    assertEquals(200, response.statusCode());
    assertTrue(response.getHeader("content-type").startsWith("application/yaml"));
    Map<String, Object> document = new Yaml().load(response.bodyAsString());
    assertTrue(String.valueOf(document.get("openapi")).startsWith("3.1"));

    assertEquals(routed(vertx), documented(document));
  }

  /** "GET /api/webhook/logs/{id}" for each method of each path in the document. */
  @SuppressWarnings("unchecked")
  private static Set<String> documented(Map<String, Object> document) {
    Set<String> operations = new TreeSet<>();
    ((Map<String, Map<String, Object>>) document.get("paths")).forEach((path, item) -> item.keySet().stream()
        .filter(METHODS::contains).forEach(method -> operations.add(method.toUpperCase() + " " + path)));
    return operations;
  }

  /** The same for the routes of the router IngressVerticle mounts at /api, with :id written {id}. */
  private static Set<String> routed(Vertx vertx) {
    Router api = ManagementApi.router(vertx, ConfigLoader.fromTree(TestRouter.baseConfig(), Map.of()), ctx -> ctx.next(),
        new ClientAborts());
    Set<String> operations = new TreeSet<>();
    for (Route route : api.getRoutes()) {
      if (route.getPath() == null) {
        continue; // the key check and body handler, on every path
      }
      String path = "/api" + route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      route.methods().forEach(method -> operations.add(method.name() + " " + path));
    }
    assertTrue(operations.size() > 10, "routes found: " + operations);
    return operations;
  }
}
