package io.switchboard.runtime;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.VertxThreadFactory;
import io.vertx.core.spi.transport.Transport;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Event loops of the acknowledgement path's own: the ingress and the intake's group commit run here and nothing
 * else does, so a webhook's 200 never waits in a loop's queue behind fan-out work (callbacks, their responses,
 * the pipeline's writes), which keeps Vert.x's loops (BENCHMARKS.md, session 11).
 *
 * <p>Vert.x deploys each verticle instance on the next loop of its own group, so a verticle is moved here from its
 * {@code start}: {@link #pin} runs the rest of its start on a context of one of these loops, and everything it then
 * creates (HTTP server, bus consumers, Postgres connections, timers) lives there. This takes Vert.x's internal
 * context builder, the one way it offers to choose a loop. The loops stop once every verticle pinned here is
 * undeployed.
 */
public final class AckLoops {

  private static final long MAX_EXECUTE_SECONDS = 2; // Vert.x's own limit for an event loop
  private static final long QUIET_MILLIS = 200;
  private static final long SHUTDOWN_SECONDS = 10;

  private final VertxInternal vertx;
  private final EventLoopGroup group;
  private final AtomicInteger pinned = new AtomicInteger();

  private AckLoops(VertxInternal vertx, EventLoopGroup group) {
    this.vertx = vertx;
    this.group = group;
  }

  /** {@code size} loops, started with their first task. */
  public static AckLoops open(Vertx vertx, int size) {
    VertxInternal internal = (VertxInternal) vertx;
    AtomicInteger count = new AtomicInteger();
    EventLoopGroup group = internal.transport().eventLoopGroup(Transport.IO_EVENT_LOOP_GROUP, size,
        task -> VertxThreadFactory.INSTANCE.newVertxThread(task, "switchboard-ack-loop-" + count.getAndIncrement(),
            false, MAX_EXECUTE_SECONDS, TimeUnit.SECONDS), 50);
    return new AckLoops(internal, group);
  }

  /**
   * Runs {@code start} on the next of these loops, in a context that closes with {@code owner} (the verticle's own):
   * undeploying the verticle closes what {@code start} created.
   */
  public Future<?> pin(Context owner, Supplier<Future<?>> start) {
    EventLoop loop = (EventLoop) group.next();
    ContextInternal verticleContext = (ContextInternal) owner;
    ContextInternal context = vertx.contextBuilder().withEventLoop(loop)
        .withCloseFuture(verticleContext.closeFuture()).build();
    pinned.incrementAndGet();
    verticleContext.closeFuture().add(completion -> {
      release();
      completion.succeed();
    });
    Promise<Object> started = Promise.promise();
    context.runOnContext(v -> start.get().<Object>map(result -> result).onComplete(started));
    return started.future();
  }

  /**
   * The last pinned verticle is closing: the loops finish what its close hands them (a quiet period with no new
   * task), then stop.
   */
  private void release() {
    if (pinned.decrementAndGet() == 0) {
      group.shutdownGracefully(QUIET_MILLIS, SHUTDOWN_SECONDS * 1000, TimeUnit.MILLISECONDS);
    }
  }
}
