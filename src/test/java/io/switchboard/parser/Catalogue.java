package io.switchboard.parser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.api.WebhookReceived;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The test bodies on disk: the shared, published fixtures and our own documented payloads, each directory
 * with an expected.json ({file: {source, events: [{type, dotted.key: value}]}}).
 */
final class Catalogue {

  static final ObjectMapper MAPPER = new ObjectMapper();
  static final Instant RECEIVED_AT = Instant.parse("2025-06-09T08:00:00.123Z");

  /** One body with where it is posted and what it must produce. */
  record Case(String file, String source, byte[] body, JsonNode expectedEvents) {

    WebhookReceived webhook(long inboundId) {
      return new WebhookReceived(inboundId, source, RECEIVED_AT, body);
    }

    @Override
    public String toString() {
      return file;
    }
  }

  private Catalogue() {
  }

  static Path fixtures() {
    String configured = System.getProperty("switchboard.fixtures");
    return configured != null ? Path.of(configured) : Path.of("src/test/resources/fixtures/whatsapp");
  }

  static Path payloads() {
    return fixtures().resolve("../../payloads").normalize();
  }

  /** The shared fixtures of the 2025–2026 platform (SPEC section 5.1), copied beside the older ones. */
  static Path fixtures2026() {
    return fixtures().resolve("../whatsapp-2026").normalize();
  }

  static List<Path> directories() {
    return List.of(fixtures(), fixtures2026(), payloads());
  }

  static List<Case> all() {
    List<Case> cases = new ArrayList<>();
    directories().forEach(dir -> cases.addAll(read(dir)));
    return cases;
  }

  static List<Case> read(Path dir) {
    try {
      JsonNode expected = MAPPER.readTree(dir.resolve("expected.json").toFile());
      List<Case> cases = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        byte[] body = Files.readAllBytes(dir.resolve(entry.getKey()));
        cases.add(new Case(entry.getKey(), entry.getValue().path("source").asText(), body,
            entry.getValue().path("events")));
      }
      return cases;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read test bodies in " + dir, e);
    }
  }

  /** Every *.json body in a directory except expected.json (to find files that lack an expectation). */
  static List<String> bodyFiles(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json") && !n.equals("expected.json"))
          .sorted().toList();
    }
  }
}
