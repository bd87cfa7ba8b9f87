import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Posts one body at a fixed rate and measures each answer from its *intended* send time, so a stall
 * shows in the percentiles instead of slowing the load (coordinated omission). Args: port path rate
 * seconds bodyFile signatureHeader.
 */
public final class FixedRate {

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String path = args[1];
    int rate = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    byte[] body = Files.readAllBytes(Path.of(args[4]));
    String signature = args.length > 5 ? args[5] : "";
    Vertx vertx = Vertx.vertx();
    WebClient client = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(512));
    int total = rate * seconds;
    AtomicLongArray latency = new AtomicLongArray(total);
    AtomicInteger done = new AtomicInteger();
    AtomicInteger ok = new AtomicInteger();
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
    long period = 1_000_000_000L / rate;
    // One periodic tick per millisecond sends everything whose intended time has come.
    int[] next = {0};
    vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      while (next[0] < total && start + next[0] * period <= now) {
        int i = next[0]++;
        long intended = start + i * period;
        client.post(port, "127.0.0.1", path).putHeader("X-Hub-Signature-256", signature)
            .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body))
            .onComplete(r -> {
              latency.set(i, System.nanoTime() - intended);
              if (r.succeeded() && r.result().statusCode() == 200) {
                ok.incrementAndGet();
              }
              done.incrementAndGet();
            });
      }
      if (next[0] >= total) {
        vertx.cancelTimer(id);
      }
    });
    long deadline = start + TimeUnit.SECONDS.toNanos(seconds + 30);
    while (done.get() < total && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    long[] sorted = new long[done.get()];
    for (int i = 0, k = 0; i < total && k < sorted.length; i++) {
      if (latency.get(i) > 0) {
        sorted[k++] = latency.get(i);
      }
    }
    Arrays.sort(sorted);
    System.out.printf("fixed %d/s for %d s: %d answered, %d x 200; p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
        rate, seconds, done.get(), ok.get(), pct(sorted, 50), pct(sorted, 99), pct(sorted, 99.9),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }
}
