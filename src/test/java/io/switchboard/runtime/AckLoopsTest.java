package io.switchboard.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
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

  /**
   * Starts on an ack loop an HTTP server that answers with the handling thread's name, a bus consumer and a
   * periodic timer; stops there too. Each thread it ran on is recorded.
   */
  private static final class PinnedServer extends VerticleBase {
    private final AckLoops loops;
    private final Set<String> threads;
    private final String address;
    private Context ack;
    private HttpServer server;
    private long timer;

    PinnedServer(AckLoops loops, Set<String> threads, String address) {
      this.loops = loops;
      this.threads = threads;
      this.address = address;
    }

    @Override
    public Future<?> start() {
      return loops.pin(context).compose(pinned -> {
        ack = pinned;
        return AckLoops.on(pinned, () -> {
          threads.add(Thread.currentThread().getName());
          timer = vertx.setPeriodic(60_000, id -> {});
          vertx.eventBus().consumer(address, m -> m.reply(Thread.currentThread().getName()));
          server = vertx.createHttpServer()
              .requestHandler(request -> request.response().end(Thread.currentThread().getName()));
          return server.listen(0, "127.0.0.1");
        });
      });
    }

    @Override
    public Future<?> stop() {
      return AckLoops.on(ack, () -> {
        threads.add("stop on " + Thread.currentThread().getName());
        return Future.succeededFuture();
      });
    }

    int port() {
      return server.actualPort();
    }
  }

  /** Two pinned servers over {@code size} ack loops, recording their threads in one set. */
  private record Servers(AckLoops loops, Set<String> threads, PinnedServer first, PinnedServer second) {
    static Servers over(Vertx vertx, int size) {
      AckLoops loops = new AckLoops(vertx, size);
      Set<String> threads = ConcurrentHashMap.newKeySet();
      return new Servers(loops, threads, new PinnedServer(loops, threads, "first"),
          new PinnedServer(loops, threads, "second"));
    }
  }

  private static Future<String> threadNameFrom(HttpClient client, int port) {
    return client.request(HttpMethod.GET, port, "127.0.0.1", "/")
        .compose(request -> request.send())
        .compose(response -> response.body())
        .map(body -> body.toString());
  }

  @Test
  @DisplayName("a pinned verticle's start, requests and bus messages run on an ack loop, one loop after another")
  void pinned(Vertx vertx, VertxTestContext test) {
    Servers servers = Servers.over(vertx, 2);
    HttpClient client = vertx.createHttpClient();
    vertx.deployVerticle(servers.first())
        .compose(id -> vertx.deployVerticle(servers.second()))
        .compose(id -> Future.all(threadNameFrom(client, servers.first().port()),
            threadNameFrom(client, servers.second().port()),
            vertx.eventBus().<String>request("first", "").map(reply -> reply.body())))
        .onComplete(test.succeeding(names -> test.verify(() -> {
          List<String> served = names.list();
          served.forEach(name -> assertTrue(name.startsWith(ACK_LOOP), "ran on " + name));
          assertEquals(served.get(0), served.get(2), "the consumer runs where its verticle's server does");
          Set<String> started = servers.threads();
          assertEquals(2, started.size(), "two verticles pinned over two loops take one each: " + started);
          assertTrue(started.stream().allMatch(name -> name.startsWith(ACK_LOOP)), "started on " + started);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("undeploying stops on the ack loop and closes the server, consumer and timer its start made; the "
      + "loops stop with the last pinned verticle")
  void lifecycle(Vertx vertx, VertxTestContext test) {
    Servers servers = Servers.over(vertx, 1);
    HttpClient client = vertx.createHttpClient();
    vertx.deployVerticle(servers.first())
        .compose(firstId -> vertx.deployVerticle(servers.second()).compose(secondId -> vertx.undeploy(firstId)
            .compose(v -> {
              test.verify(() -> assertTrue(servers.loops().running(), "one pinned verticle is left"));
              return threadNameFrom(client, servers.second().port());
            })
            .compose(served -> vertx.undeploy(secondId))))
        .compose(v -> {
          test.verify(() -> {
            assertFalse(servers.loops().running(), "the last pinned verticle has closed: the loops stop");
            assertTrue(servers.threads().contains("stop on " + ACK_LOOP + "0"), "stopped on " + servers.threads());
            assertFalse(vertx.cancelTimer(servers.first().timer), "the timer its start set is cancelled");
          });
          return vertx.eventBus().request("first", "").transform(reply -> Future.succeededFuture(reply.cause()));
        })
        .compose(noHandler -> {
          test.verify(() -> {
            ReplyException e = assertInstanceOf(ReplyException.class, noHandler, "the consumer is gone");
            assertEquals(ReplyFailure.NO_HANDLERS, e.failureType());
          });
          return threadNameFrom(client, servers.second().port())
              .transform(after -> Future.succeededFuture(after.failed()));
        })
        .onComplete(test.succeeding(refused -> test.verify(() -> {
          assertTrue(refused, "the server its start opened is closed");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a pinned start that throws fails the deployment, and releases the loops")
  void throwingStart(Vertx vertx, VertxTestContext test) {
    AckLoops loops = new AckLoops(vertx, 1);
    VerticleBase throwing = new VerticleBase() {
      @Override
      public Future<?> start() {
        return loops.pin(context).compose(ack -> AckLoops.on(ack, () -> {
          throw new IllegalArgumentException("bad options");
        }));
      }
    };
    vertx.deployVerticle(throwing).onComplete(test.failing(e -> test.verify(() -> {
      assertEquals("bad options", e.getMessage());
      assertFalse(loops.running(), "the failed verticle was undeployed, and with it the loops' last user");
      test.completeNow();
    })));
  }
}
