package io.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.api.ClassifiedWebhook;
import io.switchboard.api.WebhookReceived;
import io.switchboard.parser.WebhookClassifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Classifies real fixture bodies in a production-like mix (issue 4): mostly text messages and statuses,
 * some media and interactive replies, a few template/account updates. Reports bodies/s and events/s.
 * The 2026 mix (issue 14) has the same proportions in today's shapes: business-scoped ids, group
 * messages and statuses, calls and automatic events.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ClassifierBenchmark {

  // file name -> how many of every 100 bodies look like it
  private static final String[][] MIX = {
      {"fixtures/whatsapp/meta-text-01.json", "30"},
      {"fixtures/whatsapp/360dialog-text-01.json", "5"},
      {"fixtures/whatsapp/meta-status-sent-01.json", "14"},
      {"fixtures/whatsapp/meta-status-delivered-01.json", "14"},
      {"fixtures/whatsapp/meta-status-read-01.json", "12"},
      {"fixtures/whatsapp/meta-image-01.json", "5"},
      {"fixtures/whatsapp/meta-audio-01.json", "4"},
      {"fixtures/whatsapp/meta-document-01.json", "2"},
      {"fixtures/whatsapp/meta-interactive-01.json", "4"},
      {"fixtures/whatsapp/meta-button-01.json", "3"},
      {"fixtures/whatsapp/meta-reaction-01.json", "2"},
      {"fixtures/whatsapp/meta-status-failed-01.json", "2"},
      {"fixtures/whatsapp/meta-template-status-01.json", "2"},
      {"fixtures/whatsapp/meta-account-update-01.json", "1"}};

  // The same 100 bodies in 2025-2026 shapes (SPEC 5.1); a group status and a call change give several events.
  private static final String[][] MIX_2026 = {
      {"fixtures/whatsapp-2026/meta-bsuid-text-01.json", "14"},
      {"fixtures/whatsapp/meta-text-01.json", "15"},
      {"fixtures/whatsapp/360dialog-text-01.json", "5"},
      {"fixtures/whatsapp-2026/meta-status-sent-pmp-01.json", "7"},
      {"fixtures/whatsapp-2026/meta-status-sent-v24-01.json", "7"},
      {"fixtures/whatsapp-2026/meta-bsuid-status-delivered-01.json", "14"},
      {"fixtures/whatsapp/meta-status-read-01.json", "8"},
      {"fixtures/whatsapp-2026/meta-bsuid-status-failed-01.json", "2"},
      {"fixtures/whatsapp-2026/meta-groups-message-status-read-01.json", "2"},
      {"payloads/meta-group-status-read-two-01.json", "2"},
      {"payloads/meta-group-text-01.json", "2"},
      {"fixtures/whatsapp/meta-image-01.json", "4"},
      {"fixtures/whatsapp/meta-audio-01.json", "3"},
      {"fixtures/whatsapp/meta-document-01.json", "2"},
      {"fixtures/whatsapp/meta-interactive-01.json", "3"},
      {"fixtures/whatsapp-2026/meta-interactive-call-permission-01.json", "1"},
      {"fixtures/whatsapp/meta-button-01.json", "2"},
      {"fixtures/whatsapp/meta-reaction-01.json", "2"},
      {"fixtures/whatsapp-2026/meta-calls-connect-01.json", "1"},
      {"payloads/meta-call-connect-terminate-error-01.json", "1"},
      {"payloads/meta-call-status-ringing-01.json", "1"},
      {"fixtures/whatsapp-2026/meta-automatic-events-lead-01.json", "1"},
      {"fixtures/whatsapp/meta-template-status-01.json", "1"}};

  @State(Scope.Thread)
  public static class Bodies {
    final WebhookClassifier classifier = new WebhookClassifier();
    final Instant receivedAt = Instant.parse("2025-06-09T08:00:00Z");
    byte[][] rotation;
    int next;

    /**
     * as-published: the fixture files byte for byte (pretty-printed, ~40% whitespace). compact: the same
     * JSON without whitespace, which is how Meta's servers actually send webhooks.
     */
    @Param({"as-published", "compact"})
    public String form;

    /** classic: the issue 4 mix, comparable with earlier figures. 2026: the same traffic in today's shapes. */
    @Param({"classic", "2026"})
    public String mix;

    @Setup(Level.Trial)
    public void load() {
      Path root = Path.of(System.getProperty("switchboard.resources", "../../src/test/resources"));
      List<byte[]> bodies = new ArrayList<>();
      for (String[] item : mix.equals("2026") ? MIX_2026 : MIX) {
        byte[] body = form.equals("compact") ? compact(read(root.resolve(item[0]))) : read(root.resolve(item[0]));
        for (int i = Integer.parseInt(item[1]); i > 0; i--) {
          bodies.add(body);
        }
      }
      // Shuffled once with a fixed seed: a realistic interleaving, the same in every run.
      Collections.shuffle(bodies, new Random(4));
      rotation = bodies.toArray(new byte[0][]);
    }

    private static byte[] compact(byte[] body) {
      try {
        ObjectMapper mapper = new ObjectMapper();
        return mapper.writeValueAsBytes(mapper.readTree(body));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static byte[] read(Path file) {
      try {
        return Files.readAllBytes(file);
      } catch (IOException e) {
        throw new UncheckedIOException("run from bench/parser or set -Dswitchboard.resources", e);
      }
    }
  }

  /** Events produced, reported by JMH as a rate beside the body rate. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Updates {
    public long events;
  }

  @Benchmark
  public ClassifiedWebhook classify(Bodies bodies, Updates updates) {
    byte[] body = bodies.rotation[bodies.next++ % bodies.rotation.length];
    ClassifiedWebhook result = bodies.classifier.classify(
        new WebhookReceived(bodies.next, "meta", bodies.receivedAt, body));
    updates.events += result.events().size();
    return result;
  }
}
