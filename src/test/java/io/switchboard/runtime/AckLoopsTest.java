package io.switchboard.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Ack loops")
class AckLoopsTest {

  private static final String ACK_LOOP = "switchboard-ack-loop-";

  /** An HTTP server started on an ack loop; it answers with the name of the thread that handled the request. */
  private static final class PinnedServer extends VerticleBase {
    private final AckLoops loops;
    private final Set<Thread> threads;
    private HttpServer server;

    PinnedServer(AckLoops loops, Set<Thread> threads) {
      this.loops = loops;
      this.threads = threads;
    }

    @Override
    public Future<?> start() {
      return loops.pin(context, () -> {
        threads.add(Thread.currentThread());
        server = vertx.createHttpServer()
            .requestHandler(request -> request.response().end(Thread.currentThread().getName()));
        return server.listen(0, "127.0.0.1");
      });
    }

    int port() {
      return server.actualPort();
    }
  }

  private static Future<String> threadNameFrom(HttpClient client, int port) {
    return client.request(HttpMethod.GET, port, "127.0.0.1", "/")
        .compose(request -> request.send())
        .compose(response -> response.body())
        .map(body -> body.toString());
  }

  @Test
  @DisplayName("a pinned verticle starts, serves and times on an ack loop, one loop after another")
  void pinned(Vertx vertx, VertxTestContext test) {
    AckLoops loops = AckLoops.open(vertx, 2);
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    PinnedServer first = new PinnedServer(loops, threads);
    PinnedServer second = new PinnedServer(loops, threads);
    HttpClient client = vertx.createHttpClient();
    vertx.deployVerticle(first)
        .compose(id -> vertx.deployVerticle(second))
        .compose(id -> Future.all(threadNameFrom(client, first.port()), threadNameFrom(client, second.port())))
        .onComplete(test.succeeding(names -> test.verify(() -> {
          List<String> served = names.list();
          assertTrue(served.get(0).startsWith(ACK_LOOP), "served on " + served.get(0));
          assertTrue(served.get(1).startsWith(ACK_LOOP), "served on " + served.get(1));
          assertEquals(2, threads.size(), "two verticles pinned to two loops take one each");
          assertTrue(threads.stream().allMatch(t -> t.getName().startsWith(ACK_LOOP)), "started on " + threads);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("undeploying closes what a pinned start created; the loops stop with the last pinned verticle")
  void lifecycle(Vertx vertx, VertxTestContext test) {
    AckLoops loops = AckLoops.open(vertx, 1);
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    PinnedServer first = new PinnedServer(loops, threads);
    PinnedServer second = new PinnedServer(loops, threads);
    HttpClient client = vertx.createHttpClient();
    vertx.deployVerticle(first)
        .compose(firstId -> vertx.deployVerticle(second).compose(secondId -> vertx.undeploy(firstId)
            .compose(v -> {
              test.verify(() -> assertTrue(threads.iterator().next().isAlive(), "one pinned verticle is left"));
              return threadNameFrom(client, second.port());
            })
            .compose(served -> vertx.undeploy(secondId))))
        .compose(v -> threadNameFrom(client, second.port())
            .transform(after -> Future.succeededFuture(after.failed())))
        .onComplete(test.succeeding(refused -> {
          test.verify(() -> assertTrue(refused, "the server a pinned start opened is closed with its verticle"));
          Thread loop = threads.iterator().next();
          // The loop stops after a quiet period: poll until it has, within the test's timeout.
          vertx.setPeriodic(20, id -> {
            if (!loop.isAlive()) {
              vertx.cancelTimer(id);
              test.verify(() -> assertFalse(loop.isAlive()));
              test.completeNow();
            }
          });
        }));
  }
}
