package io.switchboard.delivery;

import io.switchboard.api.AttemptResult;
import io.switchboard.api.DeliveryJob;
import io.switchboard.config.SwitchboardConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Makes one HTTP attempt: the SSRF guard, the Standard Webhooks headers, the POST, and the reading of the
 * answer. Every way an attempt can go wrong comes back as an {@link AttemptResult}, never as a failure.
 */
final class Sender {

  private static final int MAX_LOGGED_BODY = 1024;

  /** The attempt's result and the start of the response body, for the attempt log. */
  record Response(AttemptResult result, String body) {}

  private final Vertx vertx;
  private final WebClient client;
  private final EndpointGuard guard;
  private final boolean resolveBeforeSend;
  private final boolean retryClientErrors;

  Sender(Vertx vertx, WebClient client, SwitchboardConfig.Delivery config) {
    this.vertx = vertx;
    this.client = client;
    this.guard = new EndpointGuard(config.allowPrivateNetworks(), config.allowHttp());
    this.resolveBeforeSend = !config.allowPrivateNetworks();
    this.retryClientErrors = config.retryClientErrors();
  }

  Future<Response> send(Endpoint endpoint, DeliveryJob job) {
    if (job.body() == null) {
      return Future.succeededFuture(new Response(new AttemptResult.Rejected(null, "payload no longer stored"), null));
    }
    return refusal(endpoint.subscription.spec().url()).compose(refused -> refused != null
            ? Future.succeededFuture(new Response(new AttemptResult.Rejected(null, refused), null))
            : post(endpoint, job))
        .recover(e -> Future.succeededFuture(new Response(
            new AttemptResult.Retryable(null, null, e.getClass().getSimpleName() + ": " + e.getMessage()), null)));
  }

  /** Why the SSRF guard refuses this URL now, or null. Resolving the name blocks, so it runs on a worker. */
  Future<String> refusal(String url) {
    return resolveBeforeSend
        ? vertx.executeBlocking(() -> guard.refusal(url), false)
        : Future.succeededFuture(guard.refusal(url));
  }

  /** One POST with the Standard Webhooks headers; shared by deliveries and the operator's test send. */
  Future<HttpResponse<Buffer>> signedPost(String url, Duration timeout, Map<String, String> headers,
      WebhookSigner signer, String messageId, byte[] body) {
    long timestamp = Instant.now().getEpochSecond();
    var request = client.postAbs(url)
        .timeout(timeout.toMillis())
        .putHeader("content-type", "application/json")
        .putHeader("webhook-id", messageId)
        .putHeader("webhook-timestamp", Long.toString(timestamp))
        .putHeader("webhook-signature", signer.sign(messageId, timestamp, body));
    headers.forEach(request::putHeader);
    return request.sendBuffer(Buffer.buffer(body));
  }

  private Future<Response> post(Endpoint endpoint, DeliveryJob job) {
    SwitchboardConfig.Subscription spec = endpoint.subscription.spec();
    return signedPost(spec.url(), spec.timeout(), spec.headers(), endpoint.signer, job.messageId(), job.body())
        .map(this::toResponse);
  }

  private Response toResponse(HttpResponse<Buffer> response) {
    String body = response.body() == null ? null : response.bodyAsString();
    if (body != null && body.length() > MAX_LOGGED_BODY) {
      body = body.substring(0, MAX_LOGGED_BODY);
    }
    AttemptResult result = RetryPolicy.classify(response.statusCode(), response.getHeader("retry-after"), Instant.now());
    if (retryClientErrors && result instanceof AttemptResult.Rejected rejected) {
      result = new AttemptResult.Retryable(rejected.status(), null, rejected.error());
    }
    return new Response(result, body);
  }
}
