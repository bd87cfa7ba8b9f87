package io.switchboard.storage;

import io.switchboard.config.SwitchboardConfig;
import io.vertx.pgclient.PgConnectOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where Postgres is: the server named by {@code storage.url}, or an embedded one whose data survives
 * restarts. Every method here blocks; StorageVerticle calls them through {@code executeBlocking}.
 */
final class PostgresServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);

  private final PgConnectOptions connectOptions;
  private final DataDirectoryLock lock;
  private final Path dataDir;
  /** Replaced when the server died and was started again (same directory, same port). */
  private volatile EmbeddedPostgres embedded;

  private PostgresServer(PgConnectOptions connectOptions, EmbeddedPostgres embedded, DataDirectoryLock lock,
      Path dataDir) {
    this.connectOptions = connectOptions;
    this.embedded = embedded;
    this.lock = lock;
    this.dataDir = dataDir;
  }

  boolean isEmbedded() {
    return embedded != null;
  }

  /** The embedded postmaster is gone (killed, crashed): its postmaster.pid names no live process, or is missing. */
  boolean embeddedDied() {
    if (embedded == null) {
      return false;
    }
    try {
      List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
      long pid = Long.parseLong(lines.isEmpty() ? "" : lines.get(0).trim());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).isEmpty();
    } catch (IOException | NumberFormatException e) {
      return true;
    }
  }

  /**
   * Starts the embedded server again on its directory and port, so every pool reconnects by itself. Blocking:
   * run on a worker. Postgres replays its WAL first: nothing committed is lost.
   */
  void restartEmbedded() {
    EmbeddedPostgres dead = embedded;
    try {
      dead.close(); // pg_ctl stop of a dead server: nothing to stop, but zonky lets go of it
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing the dead embedded postgres: {}", e.getMessage());
    }
    embedded = startEmbedded(dataDir, connectOptions.getPort());
  }

  static PostgresServer open(SwitchboardConfig.Storage config) {
    if (config.url() != null) {
      return new PostgresServer(PgConnectOptions.fromUri(config.url()), null, null, null);
    }
    Path dataDir = Path.of(config.embedded().dataDir());
    // Before anything else touches the directory or a postgres process: a second router started on it by
    // mistake must refuse, not stop the running router's server.
    DataDirectoryLock lock = lock(dataDir);
    try {
      EmbeddedPostgres embedded = startEmbedded(dataDir, config.embedded().port());
      PgConnectOptions options = new PgConnectOptions()
          .setHost("localhost").setPort(embedded.getPort())
          .setUser("postgres").setPassword("").setDatabase("postgres");
      return new PostgresServer(options, embedded, lock, dataDir);
    } catch (RuntimeException e) {
      release(lock);
      throw e;
    }
  }

  private static DataDirectoryLock lock(Path dataDir) {
    try {
      return DataDirectoryLock.acquire(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + DataDirectoryLock.file(dataDir), e);
    }
  }

  private static void release(DataDirectoryLock lock) {
    try {
      lock.close();
    } catch (IOException e) {
      LOG.warn("could not release the data directory's lock: {}", e.getMessage());
    }
  }

  /** Prepared statements are cached per connection: the hot queries are parsed and planned once. */
  PgConnectOptions connectOptions() {
    return new PgConnectOptions(connectOptions).setCachePreparedStatements(true);
  }

  String jdbcUrl() {
    return "jdbc:postgresql://" + connectOptions.getHost() + ":" + connectOptions.getPort() + "/"
        + connectOptions.getDatabase();
  }

  /**
   * zonky's server is built for tests: it passes -F (fsync off) and synchronous_commit=off. Switchboard
   * acknowledges only what survives a power cut, so both are turned back on.
   */
  private static EmbeddedPostgres startEmbedded(Path dataDir, int port) {
    try {
      Files.createDirectories(dataDir);
      clearPostmasterPid(dataDir);
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on")
          .setServerConfig("max_connections", "100")
          // Every acknowledged body is WAL: with the default 1 GB a busy router checkpoints every ~30 s, and
          // each checkpoint makes the next touch of every page log a full 8 KB image. Fewer checkpoints,
          // spread out, at the price of a longer crash recovery: up to ~4 GB of WAL to replay, hence the
          // generous start-up wait below.
          .setServerConfig("max_wal_size", "4GB")
          .setServerConfig("checkpoint_timeout", "15min")
          // A new 16 MB WAL segment is zero-filled by the backend that needs it, while every commit waits: a
          // stall every few seconds at a busy router. On ext4 and friends the fdatasync of each commit persists
          // the blocks it allocates; zeroing is an optimisation for some file systems, not a durability guarantee.
          .setServerConfig("wal_init_zero", "off")
          // Backends write the evicted pages of a growing table. Left to the kernel they pile up as dirty pages,
          // flushed in one burst every 30 s that queues every commit's fdatasync behind it. Asking for write-back
          // every 256 kB keeps the disk busy evenly.
          .setServerConfig("backend_flush_after", "256kB")
          // ...but only pages Postgres writes itself: a table grows by 8 kB of zeros at a time, written to the
          // page cache and left there until the buffer is evicted and written for real. With the default 128 MB
          // of shared buffers that took longer than the kernel's 30 s dirty expiry, so the kernel flushed the
          // zeros itself, in bursts that every commit's fdatasync waited behind. With 32 MB, pages leave within
          // seconds and are flushed as they go; reads of older pages come from the page cache. The price: a
          // randomly keyed index (the events' hashed ids) stops fitting sooner. Figures: BENCHMARKS.md, Ingress.
          .setServerConfig("shared_buffers", "32MB")
          .setPGStartupWait(Duration.ofMinutes(5));
      if (port > 0) {
        builder.setPort(port);
      }
      EmbeddedPostgres postgres = builder.start();
      LOG.info("embedded postgres started dataDir={} port={}", dataDir.toAbsolutePath(), postgres.getPort());
      return postgres;
    } catch (IOException e) {
      throw new UncheckedIOException("embedded postgres did not start in " + dataDir.toAbsolutePath(), e);
    }
  }

  /**
   * We hold the directory's lock, so no running router owns it. A postmaster.pid left behind names either
   * this directory's postgres, orphaned by a router killed with SIGKILL (stopped: a fast shutdown keeps every
   * committed row), or a process that merely reuses the pid after a crash or a restored backup. Postgres
   * itself refuses to start while that pid is alive, and zonky would wait minutes for it, so such a file is
   * removed, with one line saying why.
   */
  private static void clearPostmasterPid(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile);
    long pid;
    try {
      pid = Long.parseLong(lines.isEmpty() ? "" : lines.get(0).trim());
    } catch (NumberFormatException e) {
      LOG.warn("removing unreadable {} (no pid on its first line)", pidFile.toAbsolutePath());
      Files.delete(pidFile);
      return;
    }
    ProcessHandle process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive).orElse(null);
    if (process != null && isPostmasterOf(process, dataDir)) {
      DataDirectoryLock.refuseIfServed(dataDir);
      stop(process);
    } else if (process != null) {
      LOG.warn("removing stale {}: pid {} is {}, not this directory's postgres", pidFile.toAbsolutePath(), pid,
          process.info().command().orElse("another process"));
      Files.delete(pidFile);
    }
  }

  /**
   * Postgres runs from its data directory: on Linux its working directory says whose it is; elsewhere its
   * command line ({@code postgres -D <dir>}) does.
   */
  private static boolean isPostmasterOf(ProcessHandle process, Path dataDir) {
    if (!process.info().command().map(c -> c.contains("postgres")).orElse(false)) {
      return false;
    }
    try {
      Path cwd = Path.of("/proc", Long.toString(process.pid()), "cwd");
      if (Files.isSymbolicLink(cwd)) {
        return Files.readSymbolicLink(cwd).equals(dataDir.toRealPath());
      }
    } catch (IOException | SecurityException e) {
      // not readable: fall back to the command line
    }
    List<String> arguments = List.of(process.info().arguments().orElse(new String[0]));
    return arguments.contains(dataDir.toString()) || arguments.contains(dataDir.toAbsolutePath().toString());
  }

  private static void stop(ProcessHandle orphan) {
    LOG.warn("stopping orphaned embedded postgres pid={} left by an earlier run", orphan.pid());
    try {
      // SIGINT is postgres' "fast" shutdown: clients are disconnected, the WAL is flushed.
      new ProcessBuilder("kill", "-INT", Long.toString(orphan.pid())).inheritIO().start().waitFor();
      orphan.onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("orphaned postgres pid={} did not stop in time; killing it (crash recovery replays the WAL)",
          orphan.pid());
      orphan.destroyForcibly();
    }
  }

  @Override
  public void close() {
    if (embedded == null) {
      return;
    }
    try {
      embedded.close();
      LOG.info("embedded postgres stopped");
    } catch (IOException e) {
      throw new UncheckedIOException("embedded postgres did not stop cleanly", e);
    } finally {
      release(lock);
    }
  }
}
