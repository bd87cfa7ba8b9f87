package io.switchboard.ingress;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Every HTTP error is JSON {@code {code, detail}}: a stable code to branch on, a sentence for people. */
final class Errors {

  private Errors() {}

  static JsonObject body(String code, String detail) {
    return new JsonObject().put("code", code).put("detail", detail);
  }

  static void send(RoutingContext ctx, int status, String code, String detail) {
    send(ctx.response(), status, code, detail);
  }

  static void send(HttpServerResponse response, int status, String code, String detail) {
    if (response.ended()) {
      return;
    }
    response.setStatusCode(status).putHeader("content-type", "application/json").end(body(code, detail).toBuffer());
  }
}
