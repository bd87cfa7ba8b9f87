package io.switchboard.delivery;

import io.switchboard.api.AttemptResult;
import io.switchboard.api.DeliveryJob;
import io.switchboard.config.SwitchboardConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes one HTTP attempt: the SSRF guard, the Standard Webhooks headers, the POST, and the reading of the
 * answer. One deadline covers the whole attempt (connect, send, the answer to its last byte), and at most
 * {@link #MAX_READ} bytes of an answer are read, so a subscriber that trickles or floods costs one timeout
 * and a few KiB. Every way an attempt can go wrong comes back as an {@link AttemptResult}, never as a failure.
 */
final class Sender {

  /** What the attempt log keeps of an answer. */
  static final int MAX_LOGGED_BODY = 1024;
  /** Past this the answer is not read on: the connection is dropped, the status and the first KiB stand. */
  static final int MAX_READ = 64 * 1024;

  /** The attempt's result and the start of the response body, for the attempt log. */
  record Response(AttemptResult result, String body) {}

  /** What an endpoint answered: status, Retry-After, and the start of its body. */
  record Answer(int status, String retryAfter, String body) {}

  private final Vertx vertx;
  private final HttpClient client;
  private final EndpointGuard guard;
  private final boolean retryClientErrors;

  Sender(Vertx vertx, HttpClient client, SwitchboardConfig.Delivery config) {
    this(vertx, client, new EndpointGuard(config.allowPrivateNetworks(), config.allowHttp()), config.retryClientErrors());
  }

  Sender(Vertx vertx, HttpClient client, EndpointGuard guard, boolean retryClientErrors) {
    this.vertx = vertx;
    this.client = client;
    this.guard = guard;
    this.retryClientErrors = retryClientErrors;
  }

  Future<Response> send(Endpoint endpoint, DeliveryJob job) {
    if (job.body() == null) {
      return Future.succeededFuture(new Response(new AttemptResult.Rejected(null, "payload no longer stored"), null));
    }
    SwitchboardConfig.Subscription spec = endpoint.subscription.spec();
    return signedPost(spec.url(), spec.timeout(), spec.headers(), endpoint.signer, job.messageId(), job.body())
        .map(this::toResponse)
        .recover(e -> Future.succeededFuture(e instanceof Refused refused
            ? new Response(new AttemptResult.Rejected(null, refused.getMessage()), null)
            : new Response(new AttemptResult.Retryable(null, null, e.getClass().getSimpleName() + ": " + e.getMessage()),
                null)));
  }

  /** Thrown (as a failed Future) when the guard refuses the URL: not worth retrying. */
  static final class Refused extends RuntimeException {
    Refused(String why) {
      super(why, null, false, false);
    }
  }

  /** One POST with the Standard Webhooks headers; shared by deliveries and the operator's test send. */
  Future<Answer> signedPost(String url, Duration timeout, Map<String, String> headers, WebhookSigner signer,
      String messageId, byte[] body) {
    // One deadline for the whole attempt, the name's resolution included.
    long deadline = System.nanoTime() + timeout.toNanos();
    return verdict(url).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).compose(verdict -> {
      if (verdict.refusal() != null) {
        return Future.failedFuture(verdict.unresolved() ? new java.net.UnknownHostException(verdict.refusal())
            : new Refused(verdict.refusal()));
      }
      long timestamp = Instant.now().getEpochSecond();
      RequestOptions options = options(url, verdict)
          .putHeader("content-type", "application/json")
          .putHeader("user-agent", "Switchboard-Webhooks/1.0")
          .putHeader("webhook-id", messageId)
          .putHeader("webhook-timestamp", Long.toString(timestamp))
          .putHeader("webhook-signature", signer.sign(messageId, timestamp, body));
      headers.forEach(options::putHeader);
      return exchange(options, Buffer.buffer(body), Duration.ofNanos(Math.max(1, deadline - System.nanoTime())),
          timeout);
    });
  }

  /** Resolving a name blocks, so it runs on a worker; with private networks allowed nothing is resolved here. */
  private Future<EndpointGuard.Verdict> verdict(String url) {
    return guard.resolves()
        ? vertx.executeBlocking(() -> guard.check(url), false)
        : Future.succeededFuture(guard.check(url));
  }

  /** The URL's host goes in Host and the TLS SNI; the connection goes to the address the guard checked. */
  private static RequestOptions options(String url, EndpointGuard.Verdict verdict) {
    URI uri = URI.create(url);
    boolean tls = "https".equals(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setSsl(tls)
        .setHost(uri.getHost()).setPort(port)
        .setURI(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery())
        .setFollowRedirects(false);
    if (verdict.address() != null) {
      options.setServer(SocketAddress.inetSocketAddress(port, verdict.address().getHostAddress()));
    }
    return options;
  }

  /** Sends and reads the answer under one deadline; the request is reset when it passes. */
  private Future<Answer> exchange(RequestOptions options, Buffer body, Duration left, Duration timeout) {
    Promise<Answer> answer = Promise.promise();
    long leftMillis = Math.max(1, (left.toNanos() + 999_999) / 1_000_000); // rounded up: never short of the timeout
    long deadline = vertx.setTimer(leftMillis, id -> answer.tryFail(
        new TimeoutException("no complete answer within " + timeout.toMillis() + " ms")));
    client.request(options).onSuccess(request -> {
      answer.future().onFailure(e -> request.reset());
      request.send(body).onSuccess(response -> read(request, response, answer)).onFailure(answer::tryFail);
    }).onFailure(answer::tryFail);
    return answer.future().onComplete(done -> vertx.cancelTimer(deadline));
  }

  /** Keeps the first KiB; stops reading (and drops the connection) past {@link #MAX_READ}. */
  private static void read(HttpClientRequest request, HttpClientResponse response, Promise<Answer> answer) {
    Buffer kept = Buffer.buffer();
    long[] seen = {0};
    response.handler(chunk -> {
      if (kept.length() < MAX_LOGGED_BODY) {
        kept.appendBuffer(chunk, 0, Math.min(chunk.length(), MAX_LOGGED_BODY - kept.length()));
      }
      seen[0] += chunk.length();
      if (seen[0] > MAX_READ && answer.tryComplete(answer(response, kept))) {
        request.reset();
      }
    });
    response.exceptionHandler(answer::tryFail);
    response.endHandler(v -> answer.tryComplete(answer(response, kept)));
  }

  private static Answer answer(HttpClientResponse response, Buffer kept) {
    return new Answer(response.statusCode(), response.getHeader("retry-after"),
        kept.length() == 0 ? null : kept.toString(StandardCharsets.UTF_8));
  }

  private Response toResponse(Answer answer) {
    AttemptResult result = RetryPolicy.classify(answer.status(), answer.retryAfter(), Instant.now());
    if (retryClientErrors && result instanceof AttemptResult.Rejected rejected) {
      result = new AttemptResult.Retryable(rejected.status(), null, rejected.error());
    }
    return new Response(result, answer.body());
  }
}
