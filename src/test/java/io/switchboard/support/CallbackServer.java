package io.switchboard.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A real subscriber endpoint on 127.0.0.1 that records every request and answers as the test scripts it. */
public final class CallbackServer {

  /** One request as the subscriber saw it. */
  public record Received(String path, Map<String, String> headers, byte[] body, long atNanos) {
    public JsonObject json() {
      return new JsonObject(new String(body, java.nio.charset.StandardCharsets.UTF_8));
    }

    public String header(String name) {
      return headers.get(name.toLowerCase());
    }
  }

  /** What to answer: status, optional Retry-After, optional delay (to simulate a slow endpoint). */
  public record Answer(int status, String retryAfter, long delayMillis) {
    public static Answer ok() {
      return new Answer(200, null, 0);
    }
  }

  public final List<Received> received = new CopyOnWriteArrayList<>();
  /** The requests answered 2xx: what the subscriber actually accepted. */
  public final List<Received> accepted = new CopyOnWriteArrayList<>();
  public final AtomicInteger inFlight = new AtomicInteger();
  public final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile Function<Received, Answer> script = r -> Answer.ok();
  private final Vertx vertx;
  private HttpServer server;

  public CallbackServer(Vertx vertx) {
    this.vertx = vertx;
  }

  public CallbackServer start() {
    server = Await.result(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
    return this;
  }

  public void script(Function<Received, Answer> script) {
    this.script = script;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  public List<Received> at(String path) {
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  private void handle(HttpServerRequest request) {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    request.body().onSuccess(body -> {
      Map<String, String> headers = new ConcurrentHashMap<>();
      request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
      Received r = new Received(request.path(), headers, body.getBytes(), System.nanoTime());
      received.add(r);
      Answer answer = script.apply(r);
      if (answer.status() < 300) {
        accepted.add(r);
      }
      Runnable respond = () -> {
        inFlight.decrementAndGet();
        var response = request.response().setStatusCode(answer.status());
        if (answer.retryAfter() != null) {
          response.putHeader("retry-after", answer.retryAfter());
        }
        response.end("{\"ok\":" + (answer.status() < 300) + "}");
      };
      if (answer.delayMillis() > 0) {
        vertx.setTimer(answer.delayMillis(), id -> respond.run());
      } else {
        respond.run();
      }
    });
  }
}
