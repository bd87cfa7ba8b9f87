package io.switchboard.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Fixtures;
import io.switchboard.support.RouterProcess;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The embedded data directory has one owner")
class DataDirectoryTest {

  private static Path config(Path dir, String name, int port, Path dataDir) throws Exception {
    Path config = dir.resolve(name + ".yaml");
    Files.writeString(config, """
        http: { port: %d, host: 127.0.0.1 }
        sources: [ { name: meta, kind: meta, appSecret: %s } ]
        storage: { embedded: { dataDir: "%s" } }
        """.formatted(port, Fixtures.APP_SECRET, dataDir));
    return config;
  }

  @Test
  @DisplayName("a second router on the same data directory refuses with one clear line, and the first keeps answering")
  void secondStartRefuses(@TempDir Path dir) throws Exception {
    Path dataDir = dir.resolve("pg");
    int firstPort = TestRouter.freePort();
    int secondPort = TestRouter.freePort();
    RouterProcess first = new RouterProcess(config(dir, "first", firstPort, dataDir), dir.resolve("first.log"), firstPort);
    RouterProcess second = new RouterProcess(config(dir, "second", secondPort, dataDir), dir.resolve("second.log"), secondPort);
    try {
      first.start();
      assertEquals(200, postSigned(firstPort));

      assertNotEquals(0, second.startExpectingExit(Duration.ofSeconds(60)));
      List<String> lines = second.log().lines().filter(l -> !l.isBlank()).toList();
      List<String> refusals = lines.stream().filter(l -> l.contains("in use by another Switchboard")).toList();
      assertEquals(1, refusals.size(), second.log());
      assertTrue(refusals.get(0).contains("storage.embedded.dataDir") && refusals.get(0).contains(dataDir.toString()),
          refusals.get(0));
      assertTrue(lines.stream().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception")), second.log());

      assertEquals(200, get(firstPort, "/health/ready"), "the first router's Postgres still runs");
      assertEquals(200, postSigned(firstPort));
    } finally {
      second.stop();
      first.stop();
      RouterProcess.killPostgres(dataDir.toFile());
    }
  }

  @Test
  @DisplayName("a postgres still served by another JVM (an older router, without our lock) is not taken for an orphan")
  void servedPostgresIsNoOrphan(@TempDir Path dir) throws Exception {
    Path dataDir = dir.resolve("pg");
    int port = TestRouter.freePort();
    RouterProcess router = new RouterProcess(config(dir, "router", port, dataDir), dir.resolve("router.log"), port);
    try {
      router.start();
      router.kill(); // its postgres child runs on, as under a router that predates the directory lock
      long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
      try (FileChannel zonky = FileChannel.open(dataDir.resolve("epg-lock"), StandardOpenOption.WRITE);
           FileLock served = zonky.lock()) {
        assertNotEquals(0, router.startExpectingExit(Duration.ofSeconds(60)));
        assertTrue(router.log().contains("is in use by another process running its embedded Postgres"), router.log());
        assertTrue(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false), "its postgres runs on");
      }
    } finally {
      router.stop();
      RouterProcess.killPostgres(dataDir.toFile());
    }
  }

  @Test
  @DisplayName("a stale postmaster.pid naming a live process that is not postgres: removed with one line, start-up goes on")
  void stalePidOfAnotherProcess(@TempDir Path dir) throws Exception {
    startOverStalePid(dir, ProcessHandle.current().pid());
  }

  @Test
  @DisplayName("a stale postmaster.pid naming another directory's postgres: that server is left alone")
  void stalePidOfAnotherPostgres(@TempDir Path dir) throws Exception {
    TestPostgres.port();
    Path otherDataDir = Path.of(TestPostgres.queryString("SHOW data_directory"));
    long otherPostmaster = Long.parseLong(Files.readAllLines(otherDataDir.resolve("postmaster.pid")).get(0).trim());
    startOverStalePid(dir, otherPostmaster);
    assertTrue(ProcessHandle.of(otherPostmaster).map(ProcessHandle::isAlive).orElse(false), "the test Postgres runs");
    assertEquals("1", TestPostgres.queryString("SELECT 1"));
  }

  /** A directory initialised and cleanly stopped, then a postmaster.pid as a crash with pid reuse leaves it. */
  private static void startOverStalePid(Path dir, long pid) throws Exception {
    Path dataDir = dir.resolve("pg");
    int port = TestRouter.freePort();
    RouterProcess router = new RouterProcess(config(dir, "router", port, dataDir), dir.resolve("router.log"), port);
    try {
      router.start();
      router.stop();
      Files.writeString(dataDir.resolve("postmaster.pid"), pid + "\n" + dataDir + "\n");
      long started = System.nanoTime();
      router.start();
      assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 60, "start-up did not wait for the pid");
      assertEquals(200, postSigned(port));
      assertEquals(1, router.log().lines().filter(l -> l.contains("removing stale") && l.contains("pid " + pid)).count(),
          router.log());
    } finally {
      router.stop();
      RouterProcess.killPostgres(dataDir.toFile());
    }
  }

  private static int postSigned(int port) throws Exception {
    byte[] body = Fixtures.unique("meta-text-01.json", Long.toString(System.nanoTime()));
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/meta"))
            .header("X-Hub-Signature-256", Fixtures.metaSignature(Fixtures.APP_SECRET, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static int get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
