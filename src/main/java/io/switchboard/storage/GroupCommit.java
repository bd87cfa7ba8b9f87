package io.switchboard.storage;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

/**
 * Turns many small writes into few transactions: requests queue while a batch is being written, and the
 * next batch takes all of them (up to {@code maxBatch}). One commit, one fsync, many acknowledgements;
 * every waiting request is completed or failed with its batch. Confined to the owning verticle's context.
 * With a linger, a batch short of {@code maxBatch} waits up to that long for more, unless an urgent item is in it:
 * for writes nobody waits on, fewer and larger statements cost Postgres less.
 */
final class GroupCommit<T, R> {

  private record Pending<T, R>(T item, Promise<R> promise) {}

  private static final int MAX_QUEUED_BATCHES = 16;

  private final int maxBatch;
  private final int maxInFlight;
  private final Predicate<Throwable> isolateFailures;
  private final Function<List<T>, Future<List<R>>> writer;
  private final IntConsumer batchSizes;
  private final ArrayDeque<Pending<T, R>> queue = new ArrayDeque<>();
  /** Null without a linger: then every batch goes as soon as a write may start. */
  private final Vertx vertx;
  private final long lingerMillis;
  private final Predicate<T> urgent;
  private int inFlight;
  private boolean urgentQueued;
  private boolean lingered;
  private long lingerTimer = -1;
  private Promise<Void> drained;

  GroupCommit(int maxBatch, int maxInFlight, IntConsumer batchSizes, Function<List<T>, Future<List<R>>> writer) {
    this(maxBatch, maxInFlight, e -> false, batchSizes, writer);
  }

  /**
   * A batch that fails with an error {@code isolateFailures} accepts is written again one item at a time, so
   * an item Postgres refuses fails alone instead of taking the rest of its group with it, batch after batch.
   */
  GroupCommit(int maxBatch, int maxInFlight, Predicate<Throwable> isolateFailures, IntConsumer batchSizes,
      Function<List<T>, Future<List<R>>> writer) {
    this(null, maxBatch, maxInFlight, isolateFailures, batchSizes, writer, Duration.ZERO, item -> true);
  }

  /** The same, where a batch short of {@code maxBatch} with no {@code urgent} item waits up to {@code linger}. */
  GroupCommit(Vertx vertx, int maxBatch, int maxInFlight, Predicate<Throwable> isolateFailures, IntConsumer batchSizes,
      Function<List<T>, Future<List<R>>> writer, Duration linger, Predicate<T> urgent) {
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
    this.isolateFailures = isolateFailures;
    this.batchSizes = batchSizes;
    this.writer = writer;
    this.vertx = vertx;
    this.lingerMillis = Math.max(1, linger.toMillis());
    this.urgent = urgent;
  }

  Future<R> submit(T item) {
    return submit(item, true);
  }

  /** {@code refusable} false: the item is queued even past the bound (an already acknowledged webhook). */
  Future<R> submit(T item, boolean refusable) {
    // If Postgres stalls, callers time out but their items would still wait here holding their bodies:
    // past a bound, refuse at once (the webhook gets 503 and the provider retries) rather than grow.
    if (refusable && queue.size() >= maxBatch * MAX_QUEUED_BATCHES) {
      return Future.failedFuture(new IllegalStateException("storage is behind: " + queue.size() + " writes queued"));
    }
    Promise<R> promise = Promise.promise();
    queue.add(new Pending<>(item, promise));
    urgentQueued |= urgent.test(item);
    flushWhenDue();
    return promise.future();
  }

  /** Writes the next batch if a write may start and the batch need not (or may no longer) wait for more. */
  private void flushWhenDue() {
    if (inFlight >= maxInFlight || queue.isEmpty()) {
      return;
    }
    if (vertx == null || urgentQueued || lingered || drained != null || queue.size() >= maxBatch) {
      flush();
    } else if (lingerTimer < 0) {
      lingerTimer = vertx.setTimer(lingerMillis, id -> {
        lingerTimer = -1;
        lingered = true;
        flushWhenDue();
      });
    }
  }

  private void flush() {
    List<Pending<T, R>> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
    while (!queue.isEmpty() && batch.size() < maxBatch) {
      batch.add(queue.poll());
    }
    lingered = false;
    urgentQueued = queue.stream().anyMatch(p -> urgent.test(p.item()));
    if (lingerTimer >= 0) {
      vertx.cancelTimer(lingerTimer);
      lingerTimer = -1;
    }
    inFlight++;
    batchSizes.accept(batch.size());
    write(batch).onComplete(done -> {
      inFlight--;
      flushWhenDue();
      settleDrain();
    });
  }

  /**
   * Writes what is queued without lingering, and completes once nothing is queued or in flight: a stopping
   * verticle's last records are written, not dropped with its timers.
   */
  Future<Void> drain() {
    if (drained == null) {
      drained = Promise.promise();
      flushWhenDue();
      settleDrain();
    }
    return drained.future();
  }

  private void settleDrain() {
    if (drained != null && inFlight == 0 && queue.isEmpty()) {
      drained.tryComplete();
    }
  }

  /** Writes one batch and settles its promises; never fails itself. */
  private Future<Void> write(List<Pending<T, R>> batch) {
    Future<List<R>> written;
    try {
      written = writer.apply(batch.stream().map(Pending::item).toList());
    } catch (RuntimeException e) {
      written = Future.failedFuture(e);
    }
    return written.transform(result -> {
      if (result.failed() && batch.size() > 1 && isolateFailures.test(result.cause())) {
        Future<Void> alone = Future.succeededFuture();
        for (Pending<T, R> pending : batch) {
          alone = alone.compose(v -> write(List.of(pending)));
        }
        return alone;
      }
      for (int i = 0; i < batch.size(); i++) {
        if (result.succeeded() && i < result.result().size()) {
          batch.get(i).promise().complete(result.result().get(i));
        } else {
          batch.get(i).promise().fail(result.succeeded()
              ? new IllegalStateException("the writer returned fewer results than items") : result.cause());
        }
      }
      return Future.succeededFuture();
    });
  }
}
