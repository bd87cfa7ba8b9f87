import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Delivery benchmark (issue 5), run by bench/delivery.sh with the Switchboard jar on the classpath.
 * One receiver on 127.0.0.1 answers 200 at once. Three phases, same receiver, same run:
 *   1. bare: a plain Vert.x WebClient POSTs to the receiver at concurrency C: the ceiling for this machine;
 *   2. burst: N signed Meta webhooks go into Switchboard (already running, see the script); measured is the
 *      rate at which the receiver gets the normalized events, from first post to last callback;
 *   3. steady: R webhooks per second for S seconds; latency from the intended send time (so a stall is
 *      not hidden by coordinated omission) to the callback's arrival, p50/p99/p99.9.
 */
public final class DeliveryBench {

  static final Pattern MARK = Pattern.compile("-bench(\\d+)");

  public static void main(String[] args) throws Exception {
    int receiverPort = Integer.parseInt(args[0]);
    int routerPort = Integer.parseInt(args[1]);
    String secret = args[2];
    int burst = Integer.parseInt(args[3]);
    int rate = Integer.parseInt(args[4]);
    int seconds = Integer.parseInt(args[5]);
    String template = Files.readString(Path.of(args[6]));

    Vertx vertx = Vertx.vertx();
    ConcurrentHashMap<Long, Long> arrivals = new ConcurrentHashMap<>();
    AtomicLong received = new AtomicLong();
    HttpServer receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      received.incrementAndGet();
      Matcher m = MARK.matcher(body.toString(StandardCharsets.UTF_8));
      if (m.find()) {
        arrivals.putIfAbsent(Long.parseLong(m.group(1)), System.nanoTime());
      }
      req.response().end();
    })).listen(receiverPort, "127.0.0.1").await(10, TimeUnit.SECONDS);
    WebClient client = WebClient.create(vertx, new io.vertx.ext.web.client.WebClientOptions(),
        new PoolOptions().setHttp1MaxSize(64));

    // 1. bare Vert.x client → receiver, concurrency 10 (Switchboard's default maxConcurrency) for 10 s.
    byte[] sample = template.getBytes(StandardCharsets.UTF_8);
    long bareCount = bare(vertx, client, receiverPort, sample, 10, 10);
    double bareRate = bareCount / 10.0;
    System.out.printf("bare Vert.x client, concurrency 10:  %,.0f requests/s%n", bareRate);

    // 2. burst through Switchboard.
    received.set(0);
    long start = System.nanoTime();
    postAll(client, routerPort, secret, template, 0, burst, 64);
    long posted = System.nanoTime();
    while (arrivals.size() < burst && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(120)) {
      Thread.sleep(5);
    }
    long done = arrivals.values().stream().mapToLong(Long::longValue).max().orElse(System.nanoTime());
    double burstRate = arrivals.size() / ((done - start) / 1e9);
    System.out.printf("switchboard burst: %d webhooks posted in %.2f s; %d delivered, %,.0f deliveries/s (%.0f%% of bare)%n",
        burst, (posted - start) / 1e9, arrivals.size(), burstRate, 100 * burstRate / bareRate);

    // 3. steady rate, latency from intended send time to callback arrival.
    arrivals.clear();
    int total = rate * seconds;
    long[] intended = new long[total];
    long base = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
    long periodNanos = 1_000_000_000L / rate;
    for (int i = 0; i < total; i++) {
      intended[i] = base + i * periodNanos;
      final int n = i;
      long delayMs = Math.max(1, (intended[i] - System.nanoTime()) / 1_000_000);
      vertx.setTimer(delayMs, id -> post(client, routerPort, secret, template, 1_000_000 + n));
    }
    long deadline = base + TimeUnit.SECONDS.toNanos(seconds + 30);
    while (arrivals.size() < total && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    long[] latencies = new long[arrivals.size()];
    int k = 0;
    for (var e : arrivals.entrySet()) {
      latencies[k++] = e.getValue() - intended[(int) (e.getKey() - 1_000_000)];
    }
    Arrays.sort(latencies);
    System.out.printf("switchboard steady %d/s for %d s: %d/%d delivered; ingress-to-callback p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms%n",
        rate, seconds, latencies.length, total, pct(latencies, 50), pct(latencies, 99), pct(latencies, 99.9),
        latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static long bare(Vertx vertx, WebClient client, int port, byte[] body, int concurrency, int seconds) throws Exception {
    AtomicLong count = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      loops.add(loop(client, port, body, end, count));
    }
    Future.all(loops).await(seconds + 10, TimeUnit.SECONDS);
    return count.get();
  }

  /** One connection's worth of back-to-back requests; a promise, not a compose chain, so it never grows. */
  static Future<Void> loop(WebClient client, int port, byte[] body, long end, AtomicLong count) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    next(client, port, body, end, count, done);
    return done.future();
  }

  static void next(WebClient client, int port, byte[] body, long end, AtomicLong count, io.vertx.core.Promise<Void> done) {
    if (System.nanoTime() > end) {
      done.complete();
      return;
    }
    client.post(port, "127.0.0.1", "/bare").sendBuffer(Buffer.buffer(body)).onComplete(r -> {
      count.incrementAndGet();
      next(client, port, body, end, count, done);
    });
  }

  static void postAll(WebClient client, int port, String secret, String template, int from, int n, int concurrency)
      throws Exception {
    AtomicLong next = new AtomicLong(from);
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      loops.add(postLoop(client, port, secret, template, next, from + n));
    }
    Future.all(loops).await(120, TimeUnit.SECONDS);
  }

  static Future<Void> postLoop(WebClient client, int port, String secret, String template, AtomicLong next, long end) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    postNext(client, port, secret, template, next, end, done);
    return done.future();
  }

  static void postNext(WebClient client, int port, String secret, String template, AtomicLong next, long end,
      io.vertx.core.Promise<Void> done) {
    long n = next.getAndIncrement();
    if (n >= end) {
      done.complete();
      return;
    }
    post(client, port, secret, template, n).onComplete(r -> postNext(client, port, secret, template, next, end, done));
  }

  static Future<Void> post(WebClient client, int port, String secret, String template, long n) {
    byte[] body = template.replace("\"wamid.", "\"wamid.x-bench" + n + "-").getBytes(StandardCharsets.UTF_8);
    return client.post(port, "127.0.0.1", "/webhooks/meta")
        .putHeader("X-Hub-Signature-256", "sha256=" + hmac(secret, body))
        .sendBuffer(Buffer.buffer(body))
        .map(r -> {
          if (r.statusCode() != 200) {
            System.err.println("post " + n + " answered " + r.statusCode());
          }
          return (Void) null;
        });
  }

  static String hmac(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1e6;
  }
}
