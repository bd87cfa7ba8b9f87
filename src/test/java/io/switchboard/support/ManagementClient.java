package io.switchboard.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

/** Calls the management API of a {@link TestRouter} over HTTP, with the test admin key unless told otherwise. */
public final class ManagementClient {

  public static final String KEY = "test-admin-key";

  private final TestRouter router;
  private final String key;

  public ManagementClient(TestRouter router) {
    this(router, KEY);
  }

  private ManagementClient(TestRouter router, String key) {
    this.router = router;
    this.key = key;
  }

  /** The same client with another key, or none (null). */
  public ManagementClient withKey(String key) {
    return new ManagementClient(router, key);
  }

  public HttpResponse<Buffer> get(String uri) {
    return send(HttpMethod.GET, uri, null);
  }

  public HttpResponse<Buffer> post(String uri, JsonObject body) {
    return send(HttpMethod.POST, uri, body);
  }

  public HttpResponse<Buffer> put(String uri, JsonObject body) {
    return send(HttpMethod.PUT, uri, body);
  }

  public HttpResponse<Buffer> delete(String uri, JsonObject body) {
    return send(HttpMethod.DELETE, uri, body);
  }

  /** The {@code data} of a 2xx answer; fails the test with the body otherwise. */
  public static JsonObject data(HttpResponse<Buffer> response) {
    if (response.statusCode() / 100 != 2) {
      throw new AssertionError("expected 2xx, got " + response.statusCode() + ": " + response.bodyAsString());
    }
    return response.bodyAsJsonObject().getJsonObject("data");
  }

  private HttpResponse<Buffer> send(HttpMethod method, String uri, JsonObject body) {
    var request = router.client.request(method, router.port, "127.0.0.1", uri);
    if (key != null) {
      request.putHeader("X-API-Key", key);
    }
    return Await.result(body == null ? request.send() : request.sendJsonObject(body));
  }
}
