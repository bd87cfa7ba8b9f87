package io.switchboard.runtime;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.CloseFuture;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.VertxThreadFactory;
import io.vertx.core.spi.transport.Transport;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The acknowledgement path's own event loops. The ingress and the intake's group commit run on them, the fan-out
 * never does, so a webhook's 200 does not wait in a loop's queue behind a batch of callbacks, their responses or
 * the pipeline's writes (BENCHMARKS.md, "Session 11").
 *
 * <p>Vert.x places each verticle instance on the next loop of its own group, so a verticle moves here itself:
 * {@link #pin} gives it a context on the next ack loop that belongs to the same deployment and closes with it, and
 * {@link #on} runs its start (and its stop, if it has one) there. What it creates there (HTTP server, bus
 * consumers, timers, Postgres connections) lives on that loop and is closed when the verticle is undeployed.
 * Choosing a loop takes Vert.x's internal context builder. Vert.x's blocked-thread checker does not watch these
 * loops: it only knows the threads Vert.x made itself.
 *
 * <p>The loops are made for the first verticle pinned and stopped once the last one has closed.
 */
public final class AckLoops {

  private static final long QUIET_MILLIS = 100;
  private static final int IO_RATIO = 50; // Vert.x's default for its own loops
  private static final long SHUTDOWN_SECONDS = 10;

  private final VertxInternal vertx;
  private final int size;
  private EventLoopGroup group;
  private int pinned;

  public AckLoops(Vertx vertx, int size) {
    this.vertx = (VertxInternal) vertx;
    this.size = size;
  }

  /**
   * A context on the next ack loop, of {@code owner}'s deployment and closed with it; failed if {@code owner} is
   * already closing (its verticle was undeployed before it started).
   */
  public synchronized Future<Context> pin(Context owner) {
    ContextInternal verticleContext = (ContextInternal) owner;
    CloseFuture closing = verticleContext.closeFuture();
    if (closing.isClosed()) {
      return Future.failedFuture(new IllegalStateException("the verticle was undeployed before it started"));
    }
    if (group == null) {
      group = newGroup();
    }
    pinned++;
    closing.future().onComplete(closed -> release());
    return Future.succeededFuture(verticleContext.toBuilder().withEventLoop((EventLoop) group.next()).build());
  }

  /** Runs {@code task} on {@code context}: done when its future is, failed if it throws. */
  public static Future<Void> on(Context context, Supplier<? extends Future<?>> task) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      Future<?> result;
      try {
        result = task.get();
      } catch (RuntimeException e) {
        done.fail(e);
        return;
      }
      result.<Void>mapEmpty().onComplete(done);
    });
    return done.future();
  }

  /** Whether loops are up and not stopping: for tests. */
  synchronized boolean running() {
    return group != null && !group.isShuttingDown();
  }

  private EventLoopGroup newGroup() {
    AtomicInteger count = new AtomicInteger();
    return vertx.transport().eventLoopGroup(Transport.IO_EVENT_LOOP_GROUP, size, task -> VertxThreadFactory.INSTANCE
        .newVertxThread(task, "switchboard-ack-loop-" + count.getAndIncrement(), false,
            VertxOptions.DEFAULT_MAX_EVENT_LOOP_EXECUTE_TIME, VertxOptions.DEFAULT_MAX_EVENT_LOOP_EXECUTE_TIME_UNIT),
        IO_RATIO);
  }

  /**
   * A pinned verticle has closed (every close hook done). After the last one, the loops run what is still queued
   * (a quiet period with no new task) and stop; a later pin makes new ones.
   */
  private synchronized void release() {
    if (--pinned == 0) {
      group.shutdownGracefully(QUIET_MILLIS, SHUTDOWN_SECONDS * 1000, TimeUnit.MILLISECONDS);
      group = null;
    }
  }
}
