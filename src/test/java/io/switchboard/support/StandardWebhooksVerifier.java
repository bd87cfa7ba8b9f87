package io.switchboard.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Verifies deliveries the way receivers do, with the Standard Webhooks reference library (npm
 * {@code standardwebhooks}, run by Node): installed once per build into {@code target/}. Needs node and npm,
 * which {@code .ci/run} installs when they are missing.
 */
public final class StandardWebhooksVerifier {

  private static final Path DIR = Path.of("target", "standardwebhooks");

  private StandardWebhooksVerifier() {}

  /** One verdict per delivery: "ok", or "fail" and the library's reason. */
  public static List<String> verify(String secret, List<CallbackServer.Received> deliveries) {
    install();
    JsonArray items = new JsonArray();
    for (CallbackServer.Received r : deliveries) {
      items.add(new JsonObject().put("body", new String(r.body(), StandardCharsets.UTF_8))
          .put("headers", new JsonObject().put("webhook-id", r.header("webhook-id"))
              .put("webhook-timestamp", r.header("webhook-timestamp"))
              .put("webhook-signature", r.header("webhook-signature"))));
    }
    String out = run(new JsonObject().put("secret", secret).put("deliveries", items).encode(), "node", "verify.js");
    return out.lines().toList();
  }

  private static synchronized void install() {
    if (Files.isDirectory(DIR.resolve("node_modules/standardwebhooks"))) {
      return;
    }
    try {
      Files.createDirectories(DIR);
      for (String file : List.of("verify.js", "package.json")) {
        try (var in = StandardWebhooksVerifier.class.getResourceAsStream("/standardwebhooks/" + file)) {
          Files.write(DIR.resolve(file), in.readAllBytes());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    run("", "npm", "install", "--no-audit", "--no-fund", "--no-save");
  }

  private static String run(String stdin, String... command) {
    try {
      Process process = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
      process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(String.join(" ", command) + " could not run (are node and npm installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
