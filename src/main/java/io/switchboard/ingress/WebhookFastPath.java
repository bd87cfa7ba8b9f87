package io.switchboard.ingress;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.SwitchboardConfig.Source;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.util.HashMap;
import java.util.Map;

/**
 * The HTTP server's request handler. A provider's {@code POST /webhooks/{source}} to a configured source, by
 * far most of the traffic, is served here without vert.x-web: a routing context per request and every route
 * matched in turn were a large share of the router's CPU at saturation (BENCHMARKS.md). It passes the same steps as
 * on the router (read deadline, {@code nosniff}, the source's rate limit, the body limit, then
 * {@link WebhookHandler#receive}). Anything else, a webhook path that needs decoding or normalizing included,
 * goes to the router, which answers it as before.
 */
final class WebhookFastPath implements Handler<HttpServerRequest> {

  private static final String PREFIX = "/webhooks/";

  private final Router router;
  private final WebhookHandler webhooks;
  private final RequestDeadlines deadlines;
  private final ClientAborts aborts;
  private final long maxBodyBytes;
  private final Map<String, Source> sources = new HashMap<>();

  WebhookFastPath(SwitchboardConfig config, Router router, WebhookHandler webhooks, RequestDeadlines deadlines,
      ClientAborts aborts) {
    this.router = router;
    this.webhooks = webhooks;
    this.deadlines = deadlines;
    this.aborts = aborts;
    this.maxBodyBytes = config.ingress().maxBodyBytes();
    config.sources().forEach(source -> sources.put(source.name(), source));
  }

  @Override
  public void handle(HttpServerRequest request) {
    Source source = request.method() == HttpMethod.POST ? plainSource(request.path()) : null;
    if (source == null || RequestChecks.uriProblem(request.uri()) != null) {
      router.handle(request);
      return;
    }
    try {
      deadlines.track(request);
      request.response().putHeader("x-content-type-options", RequestChecks.NOSNIFF);
      if (!webhooks.admit(request, source)) {
        return;
      }
      RawBody.read(request, maxBodyBytes, aborts)
          .onSuccess(body -> receive(request, body, source))
          .onFailure(e -> refuse(request, source, (RawBody.Refused) e));
    } catch (Throwable e) { // whatever it is, the client is answered, as the router's 500 handler answers
      RequestChecks.unexpected(request, e);
    }
  }

  /** The configured source a path names with nothing to decode or normalize, or null. */
  private Source plainSource(String path) {
    if (path == null || !path.startsWith(PREFIX)) {
      return null;
    }
    for (int i = PREFIX.length(); i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '/' || c == '%' || c == ';') {
        return null;
      }
    }
    return sources.get(path.substring(PREFIX.length()));
  }

  private void receive(HttpServerRequest request, Buffer body, Source source) {
    try {
      webhooks.receive(request, body, source);
    } catch (Throwable e) { // as above
      RequestChecks.unexpected(request, e);
    }
  }

  private void refuse(HttpServerRequest request, Source source, RawBody.Refused refused) {
    if (refused.status == 413) {
      webhooks.tooLarge(request.response(), source.name());
    } else {
      RequestChecks.expectationFailed(request.response());
    }
  }
}
