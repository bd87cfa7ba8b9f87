import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Open-loop load at a fixed rate (what wrk2 does; wrk2 is not packaged in Debian). Request i is due at
 * start + i/rate; its latency is measured from that intended time, not from when it was actually sent, so a
 * stalled server is charged for the requests it kept waiting (no coordinated omission).
 * Usage: java -cp switchboard.jar:. FixedRateLoad URL RATE WARMUP_S MEASURE_S CONNECTIONS BODY_FILE SIGNATURE
 * With BENCH_DISTINCT=1 and BENCH_SECRET, each request carries its own message id, signed per request.
 */
public final class FixedRateLoad {

  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    int rate = Integer.parseInt(args[1]);
    int connections = Integer.parseInt(args[4]);
    byte[] body = Files.readAllBytes(Path.of(args[5]));
    Bodies bodies = "1".equals(System.getenv("BENCH_DISTINCT"))
        ? new DistinctBodies(new String(body, StandardCharsets.UTF_8), System.getenv("BENCH_SECRET"))
        : new SameBody(new Signed(Buffer.buffer(body), args[6]));

    Vertx vertx = Vertx.vertx();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(connections));
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost())
        .setPort(url.getPort()).setURI(url.getPath())
        .putHeader("content-type", "application/json");

    // Warm-up and measurement are two separate schedules: the backlog a cold JVM (client or server) builds
    // during warm-up must not be charged to the measured requests.
    long warmupCount = (long) Integer.parseInt(args[2]) * rate;
    long measuredCount = (long) Integer.parseInt(args[3]) * rate;
    Phase warmup = new Phase(warmupCount, rate, 0);
    warmup.run(vertx, client, request, bodies);
    Phase measured = new Phase(measuredCount, rate, warmupCount);
    boolean complete = measured.run(vertx, client, request, bodies);
    long[] sorted = measured.latencies.clone();
    Arrays.sort(sorted);
    System.out.printf("BENCH requests=%d ok200=%d non200=%d errors=%d rate=%d complete=%b "
            + "p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f%n",
        warmupCount + measuredCount, warmup.counts[0] + measured.counts[0], warmup.counts[1] + measured.counts[1],
        warmup.counts[2] + measured.counts[2], rate, complete,
        pct(sorted, 50), pct(sorted, 99), pct(sorted, 99.9), sorted[sorted.length - 1] / 1e6);
    vertx.close().await();
    System.exit(0);
  }

  /** One open-loop schedule: request i is due at start + i/rate; its latency counts from then. */
  private static final class Phase {
    final long[] latencies;
    final long[] counts = new long[3]; // 200s, other statuses, errors
    final long periodNanos;
    final long firstNumber;
    long sent;

    Phase(long count, int rate, long firstNumber) {
      latencies = new long[(int) count];
      periodNanos = 1_000_000_000L / rate;
      this.firstNumber = firstNumber;
    }

    boolean run(Vertx vertx, HttpClient client, RequestOptions request, Bodies bodies) throws InterruptedException {
      long total = latencies.length;
      CountDownLatch finished = new CountDownLatch((int) total);
      long start = System.nanoTime();
      vertx.setPeriodic(1, id -> {
        long due = Math.min(total, (System.nanoTime() - start) / periodNanos + 1);
        for (; sent < due; sent++) {
          int index = (int) sent;
          long intended = start + index * periodNanos;
          Signed signed = bodies.next(firstNumber + index);
          client.request(request)
              .compose(r -> r.putHeader("x-hub-signature-256", signed.signature()).send(signed.body())
                  .compose(response -> response.body().map(b -> response.statusCode())))
              .onComplete(result -> {
                latencies[index] = System.nanoTime() - intended;
                counts[result.succeeded() ? (result.result() == 200 ? 0 : 1) : 2]++;
                finished.countDown();
              });
        }
        if (sent >= total) {
          vertx.cancelTimer(id);
        }
      });
      return finished.await(total * periodNanos / 1_000_000_000L + 60, TimeUnit.SECONDS);
    }
  }

  record Signed(Buffer body, String signature) {}

  interface Bodies {
    Signed next(long number);
  }

  record SameBody(Signed signed) implements Bodies {
    @Override
    public Signed next(long number) {
      return signed;
    }
  }

  /** The body with the request number after its first message id, and Meta's signature of those bytes. */
  static final class DistinctBodies implements Bodies {
    private final String head;
    private final String tail;
    private final String run = Long.toString(System.currentTimeMillis());
    private final Mac mac;

    DistinctBodies(String body, String secret) throws GeneralSecurityException {
      int cut = body.indexOf('"', body.indexOf("\"wamid.") + 1);
      head = body.substring(0, cut);
      tail = body.substring(cut);
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    }

    @Override
    public Signed next(long number) {
      byte[] bytes = (head + "-f" + run + "-" + number + tail).getBytes(StandardCharsets.UTF_8);
      return new Signed(Buffer.buffer(bytes), "sha256=" + HexFormat.of().formatHex(mac.doFinal(bytes)));
    }
  }

  private static double pct(long[] sorted, double p) {
    int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, i)] / 1e6;
  }
}
