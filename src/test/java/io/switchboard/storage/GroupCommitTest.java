package io.switchboard.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The writer here records each batch it is given; timing is only ever checked as "before the linger ended". */
@ExtendWith(VertxExtension.class)
@DisplayName("Group commit with a linger")
class GroupCommitTest {

  private static final Duration LINGER = Duration.ofSeconds(30);

  private final List<List<String>> batches = new CopyOnWriteArrayList<>();

  private GroupCommit<String, String> commits(Vertx vertx) {
    return new GroupCommit<>(vertx, 3, 1, e -> false, size -> {}, items -> {
      batches.add(items);
      return Future.succeededFuture(new ArrayList<>(items));
    }, LINGER, item -> item.startsWith("!"));
  }

  @Test
  @DisplayName("a short batch waits for company; an urgent item or a full batch goes at once, taking the waiting ones")
  void urgentOrFull(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(v -> {
      GroupCommit<String, String> commits = commits(vertx);
      commits.submit("a");
      commits.submit("b");
      assertEquals(List.of(), batches, "two of three, nothing urgent: they linger");
      commits.submit("!head").onComplete(test.succeeding(r -> test.verify(() -> {
        assertEquals(List.of(List.of("a", "b", "!head")), batches);
        commits.submit("c");
        commits.submit("d");
        commits.submit("e").onComplete(test.succeeding(full -> test.verify(() -> {
          assertEquals(List.of("c", "d", "e"), batches.get(1), "a full batch does not wait");
          test.completeNow();
        })));
      })));
    });
  }

  @Test
  @DisplayName("drain writes what lingers at once and completes when nothing is left")
  void drain(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(v -> {
      GroupCommit<String, String> commits = commits(vertx);
      Future<String> lingering = commits.submit("a");
      commits.drain().onComplete(test.succeeding(done -> test.verify(() -> {
        assertTrue(lingering.succeeded(), "the lingering item was written before the drain completed");
        assertEquals(List.of(List.of("a")), batches);
        test.completeNow();
      })));
    });
  }

  @Test
  @DisplayName("without an urgent item a short batch is written when the linger ends")
  void lingerEnds(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(v -> {
      GroupCommit<String, String> commits = new GroupCommit<>(vertx, 3, 1, e -> false, size -> {}, items -> {
        batches.add(items);
        return Future.succeededFuture(new ArrayList<>(items));
      }, Duration.ofMillis(20), item -> false);
      commits.submit("a").onComplete(test.succeeding(r -> test.verify(() -> {
        assertEquals(List.of(List.of("a")), batches);
        test.completeNow();
      })));
      assertEquals(List.of(), batches, "not written at once");
    });
  }
}
