package io.switchboard.storage;

import io.vertx.core.Future;
import io.vertx.core.Promise;
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
  private int inFlight;

  GroupCommit(int maxBatch, int maxInFlight, IntConsumer batchSizes, Function<List<T>, Future<List<R>>> writer) {
    this(maxBatch, maxInFlight, e -> false, batchSizes, writer);
  }

  /**
   * A batch that fails with an error {@code isolateFailures} accepts is written again one item at a time, so
   * an item Postgres refuses fails alone instead of taking the rest of its group with it, batch after batch.
   */
  GroupCommit(int maxBatch, int maxInFlight, Predicate<Throwable> isolateFailures, IntConsumer batchSizes,
      Function<List<T>, Future<List<R>>> writer) {
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
    this.isolateFailures = isolateFailures;
    this.batchSizes = batchSizes;
    this.writer = writer;
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
    if (inFlight < maxInFlight) {
      flush();
    }
    return promise.future();
  }

  private void flush() {
    if (queue.isEmpty()) {
      return;
    }
    List<Pending<T, R>> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
    while (!queue.isEmpty() && batch.size() < maxBatch) {
      batch.add(queue.poll());
    }
    inFlight++;
    batchSizes.accept(batch.size());
    write(batch).onComplete(done -> {
      inFlight--;
      flush();
    });
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
