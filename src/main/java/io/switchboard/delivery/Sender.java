package io.switchboard.delivery;

import io.switchboard.api.DeliveryJob;
import io.switchboard.config.SwitchboardConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Instant;

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
    String url = endpoint.subscription.spec().url();
    Future<String> refusal = resolveBeforeSend
        ? vertx.executeBlocking(() -> guard.refusal(url), false) // the DNS lookup blocks
        : Future.succeededFuture(guard.refusal(url));
    return refusal.compose(refused -> refused != null
            ? Future.succeededFuture(new Response(new AttemptResult.Rejected(null, refused), null))
            : post(endpoint, job))
        .recover(e -> Future.succeededFuture(new Response(
            new AttemptResult.Retryable(null, null, e.getClass().getSimpleName() + ": " + e.getMessage()), null)));
  }

  private Future<Response> post(Endpoint endpoint, DeliveryJob job) {
    SwitchboardConfig.Subscription spec = endpoint.subscription.spec();
    long timestamp = Instant.now().getEpochSecond();
    var request = client.postAbs(spec.url())
        .timeout(spec.timeout().toMillis())
        .putHeader("content-type", "application/json")
        .putHeader("webhook-id", job.messageId())
        .putHeader("webhook-timestamp", Long.toString(timestamp))
        .putHeader("webhook-signature", endpoint.signer.sign(job.messageId(), timestamp, job.body()));
    spec.headers().forEach(request::putHeader);
    return request.sendBuffer(Buffer.buffer(job.body())).map(this::toResponse);
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
