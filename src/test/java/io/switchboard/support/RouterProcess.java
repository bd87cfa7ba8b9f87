package io.switchboard.support;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Switchboard in its own JVM, started as a user would ({@code Main --config FILE}), so a test can SIGKILL it. */
public final class RouterProcess {

  private final Path config;
  private final Path log;
  private final int port;
  private final Map<String, String> env = new HashMap<>();
  private Process process;

  public RouterProcess(Path config, Path log, int port) {
    this.config = config;
    this.log = log;
    this.port = port;
  }

  public RouterProcess start() throws IOException {
    process = builder().start();
    Await.until("router ready on port " + port + " (log: " + log + ")", Duration.ofSeconds(90), this::ready);
    return this;
  }

  /** Starts a router that must refuse to run: waits for it to exit by itself and returns its exit code. */
  public int startExpectingExit(Duration within) throws IOException, InterruptedException {
    return runUntilExit(within);
  }

  /** Variables the router is started with (the test JVM's SWITCHBOARD_* and WHATSAPP_* ones are removed). */
  public RouterProcess withEnv(Map<String, String> variables) {
    env.putAll(variables);
    return this;
  }

  /** Runs a router expected to refuse to start; its exit code once it has exited by itself. */
  public int runUntilExit(Duration timeout) throws IOException, InterruptedException {
    process = builder().start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("router still running after " + timeout + "; log: " + log);
    }
    return process.exitValue();
  }

  private ProcessBuilder builder() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // The shipped logback.xml, not the tests' (first on the test class path): the log is what an operator sees.
    String logback = Path.of("target", "classes", "logback.xml").toAbsolutePath().toString();
    ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-Dlogback.configurationFile=" + logback,
        "-cp", System.getProperty("java.class.path"), "io.switchboard.Main", "--config", config.toString()));
    builder.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_") || k.startsWith("WHATSAPP_")
        || k.startsWith("D360_") || k.equals("WEBHOOK_RING_SIZE"));
    builder.environment().putAll(env);
    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return builder;
  }

  /** SIGKILL: no shutdown hook, no clean close; the embedded Postgres child is orphaned as in a real crash. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM: the shutdown hook undeploys everything and stops the embedded Postgres. */
  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      process.waitFor();
    }
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  private boolean ready() {
    if (!process.isAlive()) {
      throw new AssertionError("router exited with " + process.exitValue() + "; log: " + log);
    }
    try {
      // HTTP/1.1 as curl and the Docker HEALTHCHECK probe: the JDK client's default h2c upgrade once made
      // Netty log an ERROR (DefaultHttp2Connection onStreamClosed) in a router under load.
      HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
              .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Kills a postgres left running on this data directory (belt and braces after a test). */
  public static void killPostgres(File dataDir) {
    Path pid = dataDir.toPath().resolve("postmaster.pid");
    try {
      if (Files.exists(pid)) {
        long id = Long.parseLong(Files.readAllLines(pid).get(0).trim());
        ProcessHandle.of(id).ifPresent(ProcessHandle::destroyForcibly);
      }
    } catch (IOException | RuntimeException ignored) {
      // nothing left to clean
    }
  }
}
