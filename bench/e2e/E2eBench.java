import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.client.WebClient;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * End-to-end benchmark (issue 13), run by bench/e2e.sh with the Switchboard jar on the classpath. One JVM holds
 * the receivers (127.0.0.1, answer 200 at once; one answering 503 for the failing-subscriber phase) and the
 * bare Vert.x client; Switchboard runs as its own process (the jar, embedded Postgres, fsync on, ack: durable),
 * started afresh on a new data directory for each phase. Phases, one run:
 *   bare        a WebClient POSTs to the receiver at concurrency 10: warm-up, then measured;
 *   sat-1/sat-4 one / four normalized subscriptions; wrk (2 threads, 32 connections, distinct message ids)
 *               warms up, then a measured wrk run; events/s from its first post to the last callback;
 *   ordered     sat-1 twice over 200 contacts: an unordered subscription, then one with ordering: contact;
 *               ordered ÷ unordered deliveries/s (issue 17: at least 0.5);
 *   floor       bench/bare/BareDurableServer (a durable acknowledgement and nothing else) fed the fixed phases'
 *               stream: the intake p99's floor at that rate, on the same machine and Postgres settings;
 *   fixed       one subscription, a fixed rate: a warm-up, a drain, then one stream of a lead-in and the measured
 *               window; latency per webhook from its intended send time to its callback (no coordinated
 *               omission), intake p99;
 *   fixed-503   the same beside a second subscription whose endpoint answers 503 throughout.
 * Every accepted webhook must reach the receiver: the counts are printed beside the 200s.
 */
public final class E2eBench {

  static final String SECRET = "bench-app-secret";
  static final String DEFAULT_PHASES = "sat-1,sat-4,ordered,floor,fixed,fixed-503";
  static final String SIGNING = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final Pattern WAMID = Pattern.compile("\"(wamid\\.[^\"]*)\"");
  static final Pattern FIXED = Pattern.compile("-f(\\d+)-(\\d+)\"");

  static Path root;
  static Path work;
  static int routerPort;
  /** The bare-durable floor's port, for the floor phase: ROUTER_PORT + 5. */
  static int floorPort;
  static int receiverPort;
  static int failingPort;
  static int warmup = 60;
  /**
   * The fixed-rate phases' warm-up. Kept at 20 s: with 60 the failing subscriber's backlog is three times larger
   * and autovacuum of the three hot tables falls inside the measured window (BENCHMARKS.md).
   */
  static int fixedWarmup = 20;
  /** The fixed-rate stream's first seconds, sent but not measured (see fixed). */
  static final int LEAD_IN_SECONDS = 5;
  /**
   * The ordered pair's warm-up (both phases, so the ratio compares like with like). Kept at 20 s: ordered delivery
   * falls behind a saturated intake, and a minute's backlog did not drain in the two minutes allowed before the
   * measured run.
   */
  static int orderedWarmup = 20;
  static int measure = 10;

  /** What the receivers saw: first arrival per (path, message id), duplicates, and the fixed phase's arrivals. */
  static final Map<String, Long> arrivals = new ConcurrentHashMap<>();
  static final AtomicLong duplicates = new AtomicLong();
  static final AtomicLong failingHits = new AtomicLong();
  static volatile long[] fixedArrivals = new long[0];
  static volatile String fixedRun = "";
  /** The first measured slot of the fixed-rate stream: the lead-in's duplicates are not counted either. */
  static volatile int fixedFrom;

  /** Vert.x's threads keep the JVM up: a phase that throws must still end the run, and bench/e2e.sh with it. */
  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  static void run(String[] args) throws Exception {
    root = Path.of(args[0]);
    work = Path.of(args[1]);
    routerPort = Integer.parseInt(args[2]);
    receiverPort = Integer.parseInt(args[3]);
    failingPort = receiverPort + 1;
    floorPort = routerPort + 5;
    warmup = Integer.parseInt(System.getenv().getOrDefault("WARMUP", "60"));
    fixedWarmup = Integer.parseInt(System.getenv().getOrDefault("FIXED_WARMUP", "20"));
    orderedWarmup = Integer.parseInt(System.getenv().getOrDefault("ORDERED_WARMUP", "20"));
    measure = Integer.parseInt(System.getenv().getOrDefault("MEASURE", "10"));
    int rate = Integer.parseInt(System.getenv().getOrDefault("RATE", "3300"));
    int fixedSeconds = Integer.parseInt(System.getenv().getOrDefault("FIXED_SECONDS", "30"));

    // A second run on the same ports would talk to the first one's router and wait for it forever.
    for (int port : new int[] {routerPort, routerPort + 10, receiverPort, failingPort, floorPort}) {
      try (ServerSocket probe = new ServerSocket()) {
        probe.setReuseAddress(true); // as the servers will: a closed connection's TIME_WAIT does not count
        probe.bind(new InetSocketAddress("127.0.0.1", port));
      } catch (IOException e) {
        throw new IllegalStateException("port " + port + " is in use: is another benchmark running?", e);
      }
    }
    Vertx vertx = Vertx.vertx();
    receiver(vertx, receiverPort, false);
    receiver(vertx, failingPort, true);
    System.out.printf("machine: %d cores, %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));

    double bare = bare(vertx);
    System.out.printf("bare Vert.x client, concurrency 10: %,.0f requests/s%n", bare);
    List<String> phases = List.of(System.getenv().getOrDefault("PHASES", DEFAULT_PHASES).split(","));
    List<String> report = new ArrayList<>();
    report.add(String.format("| bare Vert.x client (concurrency 10) | %,.0f req/s | 1.00x |", bare));
    if (phases.contains("sat-1")) {
      report.add(saturation(1, bare));
    }
    if (phases.contains("sat-4")) {
      report.add(saturation(4, bare));
    }
    if (phases.contains("ordered")) {
      Saturation unordered = saturation("unordered-200", 1, bare, false, ORDERED_CONTACTS, orderedWarmup);
      Saturation ordered = saturation("ordered-200", 1, bare, true, ORDERED_CONTACTS, orderedWarmup);
      report.add(unordered.line());
      report.add(ordered.line());
      report.add(String.format("| ordered ÷ unordered, %d contacts | %,.0f ÷ %,.0f deliveries/s | **%.2fx** |",
          ORDERED_CONTACTS, ordered.perSecond(), unordered.perSecond(), ordered.perSecond() / unordered.perSecond()));
    }
    Floor floor = phases.contains("floor") ? floor(vertx, rate, fixedSeconds) : null;
    String fixed = phases.contains("fixed") ? fixed(vertx, rate, fixedSeconds, false, floor) : "";
    String failing = phases.contains("fixed-503") ? fixed(vertx, rate, fixedSeconds, true, floor) : "";
    System.out.println();
    System.out.println("| phase | result | ratio to bare |");
    System.out.println("|---|---|---|");
    report.forEach(System.out::println);
    System.out.println();
    if (floor != null) {
      System.out.println(floor.line());
    }
    System.out.println(fixed);
    System.out.println(failing);
    vertx.close().await();
    System.exit(0);
  }

  static void receiver(Vertx vertx, int port, boolean failing) throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (failing) {
        failingHits.incrementAndGet();
        req.response().setStatusCode(503).end();
        return;
      }
      long now = System.nanoTime();
      String text = body.toString(StandardCharsets.UTF_8);
      Matcher fixedMark = FIXED.matcher(text);
      if (fixedMark.find()) {
        // A fixed-rate phase counts in its slots (the lead-in's too, left out of the figures), not in the map: a
        // map growing by thousands of entries a second made this JVM's young collections copy them all, and their
        // pauses showed up as the router's latency (BENCHMARKS.md).
        long[] slots = fixedArrivals;
        int n = Integer.parseInt(fixedMark.group(2));
        if (fixedMark.group(1).equals(fixedRun) && req.path().equals("/s1") && n < slots.length) {
          if (slots[n] == 0) {
            slots[n] = now;
          } else if (n >= fixedFrom) {
            duplicates.incrementAndGet();
          }
        }
      } else {
        Matcher id = WAMID.matcher(text);
        if (id.find() && arrivals.putIfAbsent(req.path() + " " + id.group(1), now) != null) {
          duplicates.incrementAndGet();
        }
      }
      req.response().end();
    }));
    server.listen(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  /** The fan-out's floor: a bare WebClient at concurrency 10 against the same receiver, warmed up here first. */
  static double bare(Vertx vertx) throws Exception {
    WebClient client = WebClient.create(vertx, new io.vertx.ext.web.client.WebClientOptions(),
        new PoolOptions().setHttp1MaxSize(10));
    byte[] sample = Files.readAllBytes(root.resolve("bench/payload.json"));
    closedLoop(vertx, client, sample, warmup);
    long count = closedLoop(vertx, client, sample, measure);
    arrivals.clear();
    duplicates.set(0);
    return count / (double) measure;
  }

  static long closedLoop(Vertx vertx, WebClient client, byte[] body, int seconds) throws InterruptedException {
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch finished = new CountDownLatch(10);
    for (int i = 0; i < 10; i++) {
      vertx.runOnContext(v -> loop(client, body, end, done, finished));
    }
    finished.await();
    return done.get();
  }

  static void loop(WebClient client, byte[] body, long end, AtomicLong done, CountDownLatch finished) {
    if (System.nanoTime() >= end) {
      finished.countDown();
      return;
    }
    client.post(receiverPort, "127.0.0.1", "/bare").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body)).onComplete(r -> {
          done.incrementAndGet();
          loop(client, body, end, done, finished);
        });
  }

  static final int ORDERED_CONTACTS = 200;

  /** One saturation run's report line and its deliveries per second. */
  record Saturation(String line, double perSecond) {}

  static String saturation(int subscribers, double bare) throws Exception {
    return saturation("sat-" + subscribers, subscribers, bare, false, 0, warmup).line();
  }

  /** {@code contacts} > 0: the webhooks take turns among that many customers; {@code ordered}: ordering: contact. */
  static Saturation saturation(String name, int subscribers, double bare, boolean ordered, int contacts,
      int warmupSeconds) throws Exception {
    Router router = Router.start(name, subscribers, false, ordered);
    log(name + ": wrk warm-up " + warmupSeconds + " s");
    wrk(name + "-warmup", warmupSeconds, contacts);
    router.awaitDrained();
    arrivals.clear();
    duplicates.set(0);
    log(name + ": wrk measured " + measure + " s");
    long start = System.nanoTime();
    Map<String, String> result = wrk(name, measure, contacts);
    long accepted = Long.parseLong(result.get("requests")) - Long.parseLong(result.get("non2xx"));
    long expected = accepted * subscribers;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (arrivals.size() < expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    long last = arrivals.values().stream().mapToLong(Long::longValue).max().orElse(start);
    double seconds = (last - start) / 1e9;
    double delivered = arrivals.size() / seconds;
    String memory = router.stop();
    String what = contacts == 0 ? subscribers + " subscriber" + (subscribers == 1 ? "" : "s")
        : (ordered ? "1 subscriber, ordering: contact" : "1 subscriber, unordered") + ", " + contacts + " contacts";
    String line = String.format("| %s: %,d webhooks accepted (intake %s req/s, p99 %s ms), %,d of %,d"
            + " deliveries received (%d duplicates; wrk does not count the requests in flight when it stops) in %.1f s | %,.0f deliveries/s | %.2fx | %s",
        what, accepted, result.get("rps"), result.get("p99_ms"), arrivals.size(),
        expected, duplicates.get(), seconds, delivered, delivered / bare, memory);
    log(line);
    return new Saturation(line, delivered);
  }

  /** The floor phase's result: its line, and its intake p99 for the fixed phases' ratio. */
  record Floor(String line, double intakeP99) {}

  /**
   * The intake's floor at the fixed rate: bench/bare/BareDurableServer (each body group-committed into Postgres
   * before its 200, nothing else, as in bench/ingress.sh) fed the same stream as the fixed phases: warm-up, a pause
   * in place of their drain, lead-in, window, and the flush probe when asked for. Its Postgres is that of a
   * Switchboard started with no subscription, idle beside it, so the server settings and the disk are the router's.
   * The fixed phases' intake p99 is printed as a multiple of this one.
   */
  static Floor floor(Vertx vertx, int rate, int seconds) throws Exception {
    Router router = Router.start("floor", 0, false, false);
    Process server = null;
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(32));
    try {
      server = new ProcessBuilder("java", "-Xmx512m", "-cp", root.resolve("target/switchboard.jar").toString(),
          root.resolve("bench/bare/BareDurableServer.java").toString(), Integer.toString(floorPort),
          Integer.toString(router.pgPort()))
          .redirectOutput(work.resolve("floor-server.log").toFile()).redirectErrorStream(true).start();
      awaitListening(server, floorPort);
      String template = Files.readString(root.resolve("bench/payload.json"));
      arrivals.clear(); // the saturation phases' message ids, as in fixed
      log("floor: bare-durable server, warm-up " + fixedWarmup + " s at " + rate + "/s");
      warmUp(vertx, client, floorPort, template, rate, "3" + System.nanoTime() % 100000);
      Thread.sleep(500); // the fixed phases' pause after their drain; the floor has no backlog to drain
      Stream stream = stream(vertx, client, floorPort, "floor", template, rate, seconds,
          "4" + System.nanoTime() % 100000);
      stream.writeTimeline("floor", new long[stream.intended().length]);
      long[] sorted = stream.intakeSorted();
      String line = String.format("bare-durable floor: %d/s for %d s, %,d of %,d acknowledged; intake p50 %.1f ms,"
          + " p99 %.1f ms, p99.9 %.1f ms%s", rate, seconds, stream.accepted(), sorted.length, pct(sorted, 50),
          pct(sorted, 99), pct(sorted, 99.9), stream.flushes());
      log(line);
      return new Floor(line, pct(sorted, 99));
    } finally {
      client.close();
      if (server != null) {
        server.destroy();
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
          server.destroyForcibly().waitFor();
        }
      }
      router.stop();
    }
  }

  static void awaitListening(Process server, int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline || !server.isAlive()) {
          throw new IllegalStateException("the bare-durable server did not start; see "
              + work.resolve("floor-server.log"));
        }
        Thread.sleep(250);
      }
    }
  }

  /**
   * Open loop at a fixed rate: webhook i is due at start + i/rate; its callback's latency counts from then. A warm-up
   * at the rate (the compiler's), a drain, then one stream whose first {@value #LEAD_IN_SECONDS} s are not measured:
   * the window opens on a router already under the load, not on one that has just been idle (the step from idle to
   * the full rate showed as a queue at the window's start). The warm-up is not part of that stream: a router still
   * compiling falls behind at this rate and does not catch up within the window (BENCHMARKS.md, session 7).
   */
  static String fixed(Vertx vertx, int rate, int seconds, boolean withFailing, Floor floor) throws Exception {
    String name = withFailing ? "fixed-503" : "fixed";
    Router router = Router.start(name, 1, withFailing, false);
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(32));
    String template = Files.readString(root.resolve("bench/payload.json"));
    arrivals.clear(); // the saturation phases' message ids: nothing reads them any more
    log(name + ": warm-up " + fixedWarmup + " s at " + rate + "/s");
    warmUp(vertx, client, routerPort, template, rate, "1" + System.nanoTime() % 100000);
    router.awaitDrained();
    String run = "2" + System.nanoTime() % 100000;
    int from = rate * LEAD_IN_SECONDS;
    int total = from + rate * seconds;
    fixedArrivals = new long[total]; // before the stream's collection, as its own arrays
    fixedRun = run;
    fixedFrom = from;
    failingHits.set(0);
    duplicates.set(0);
    Stream stream = stream(vertx, client, routerPort, name, template, rate, seconds, run);
    long[] intended = stream.intended();
    long accepted = stream.accepted();
    long failingHitsInStream = failingHits.get();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long received;
    do {
      received = Arrays.stream(fixedArrivals, from, total).filter(t -> t != 0).count();
      if (received >= accepted) {
        break;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    long backlog = router.pending();
    // One copy read from here on: callbacks still arriving must not change the count under the loop below.
    long[] arrived = fixedArrivals.clone();
    received = Arrays.stream(arrived, from, total).filter(t -> t != 0).count();
    long[] latencies = new long[(int) received];
    int j = 0;
    for (int i = from; i < total; i++) {
      if (arrived[i] != 0) {
        latencies[j++] = arrived[i] - intended[i];
      }
    }
    Arrays.sort(latencies);
    stream.writeTimeline(name, arrived);
    long[] intakeSorted = stream.intakeSorted();
    String memory = router.stop();
    String line = String.format("%s: %d/s for %d s, %,d accepted, %,d received (%d duplicates); end to end p50 %.1f ms, p99 %.1f ms,"
            + " p99.9 %.1f ms, max %.1f ms; intake p99 %.1f ms%s; pending deliveries to the healthy endpoint at the"
            + " end %d%s%s; %s",
        withFailing ? "fixed rate beside a subscriber answering 503" : "fixed rate, one subscriber", rate, seconds,
        accepted, received, duplicates.get(), pct(latencies, 50), pct(latencies, 99), pct(latencies, 99.9),
        latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6, pct(intakeSorted, 99),
        floor == null ? "" : String.format(" (%.1fx the bare-durable floor's %.1f ms)", pct(intakeSorted, 99)
            / floor.intakeP99(), floor.intakeP99()), backlog,
        withFailing ? "; the failing endpoint was hit " + failingHitsInStream + " times while the stream was sent (lead-in"
            + " and retries of the warm-up's deliveries included)" : "", stream.flushes(), memory);
    log(line);
    return line;
  }

  /** A warm-up at the rate, nothing of it measured: the compiler's, and the server's caches'. */
  static void warmUp(Vertx vertx, HttpClient client, int port, String template, int rate, String run)
      throws Exception {
    int count = rate * fixedWarmup;
    openLoop(vertx, client, port, template, rate, run, new long[count], new long[count], new long[count], 0);
  }

  /**
   * One fixed-rate stream of a lead-in and the measured seconds to the server on port, with the flush probe beside
   * it when FLUSH_PROBE=1. Whatever the receiver fills in for it must be allocated before: this JVM's pauses stall
   * the sender and the receiver, and count as the server's latency. The stream's arrays (and the probe's) are
   * humongous objects: allocated inside it, they started a marking cycle whose pauses fell in the window.
   */
  static Stream stream(Vertx vertx, HttpClient client, int port, String name, String template, int rate, int seconds,
      String run) throws Exception {
    int from = rate * LEAD_IN_SECONDS;
    int total = from + rate * seconds;
    long[] intended = new long[total];
    long[] sent = new long[total];
    long[] intake = new long[total];
    FlushProbe probe = "1".equals(System.getenv("FLUSH_PROBE")) ? new FlushProbe(work.resolve(name + ".probe")) : null;
    System.gc();
    if (probe != null) {
      probe.start();
    }
    log(name + ": " + LEAD_IN_SECONDS + " s lead-in, then " + seconds + " s measured, at " + rate + "/s in one stream");
    long accepted = openLoop(vertx, client, port, template, rate, run, intended, sent, intake, from);
    String timeline = System.getenv("TIMELINE");
    String flushes = probe == null ? "" : "; " + probe.stop(intended[from], timeline == null ? null
        : Path.of(timeline + "-" + name + "-flush.txt"));
    return new Stream(from, intended, sent, intake, accepted, flushes);
  }

  /**
   * A stream as sent, one slot per webhook: when it was due, when this JVM sent it, its intake latency. Slots from
   * {@code from} on are measured; {@code accepted} of those were acknowledged with 200; {@code flushes} is the flush
   * probe's summary, or empty.
   */
  record Stream(int from, long[] intended, long[] sent, long[] intake, long accepted, String flushes) {

    /** The measured webhooks' intake latencies, sorted. */
    long[] intakeSorted() {
      long[] sorted = Arrays.copyOfRange(intake, from, intake.length);
      Arrays.sort(sorted);
      return sorted;
    }

    /**
     * With TIMELINE set, one line per measured webhook to {@code <TIMELINE>-<name>.txt}: microseconds from the
     * window's start to its intended send time, its intake latency, its end-to-end latency (-1: never received,
     * arrived[i] == 0) and how late this JVM sent it (both latencies include that). Stalls show up as runs of slow
     * lines.
     */
    void writeTimeline(String name, long[] arrived) throws IOException {
      String timeline = System.getenv("TIMELINE");
      if (timeline == null) {
        return;
      }
      try (var out = Files.newBufferedWriter(Path.of(timeline + "-" + name + ".txt"))) {
        for (int i = from; i < intended.length; i++) {
          long arrival = arrived[i];
          out.write((intended[i] - intended[from]) / 1000 + " " + intake[i] / 1000
              + " " + (arrival == 0 ? -1 : (arrival - intended[i]) / 1000) + " " + (sent[i] - intended[i]) / 1000
              + "\n");
        }
      }
    }
  }

  /**
   * Sends intended.length webhooks; intended, sent (when this JVM got round to it) and intake are filled in, one
   * slot per webhook. Returns how many from measuredFrom on the router acknowledged with 200.
   */
  static long openLoop(Vertx vertx, HttpClient client, int port, String template, int rate, String run,
      long[] intended, long[] sent, long[] intake, int measuredFrom) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    int cut = template.indexOf('"', template.indexOf("\"wamid.") + 1);
    String head = template.substring(0, cut);
    String tail = template.substring(cut);
    int total = intended.length;
    AtomicLong accepted = new AtomicLong();
    CountDownLatch finished = new CountDownLatch(total);
    long period = 1_000_000_000L / rate;
    long start = System.nanoTime();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(port).setURI("/webhooks/meta").putHeader("content-type", "application/json");
    long[] next = {0};
    vertx.setPeriodic(1, id -> {
      long due = Math.min(total, (System.nanoTime() - start) / period + 1);
      for (; next[0] < due; next[0]++) {
        int i = (int) next[0];
        intended[i] = start + i * period;
        sent[i] = System.nanoTime();
        byte[] bytes = (head + "-f" + run + "-" + i + tail).getBytes(StandardCharsets.UTF_8);
        String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(bytes));
        client.request(options)
            .compose(r -> r.putHeader("x-hub-signature-256", signature).send(Buffer.buffer(bytes))
                .compose(response -> response.body().map(b -> response.statusCode())))
            .onComplete(r -> {
              intake[i] = System.nanoTime() - intended[i];
              if (i >= measuredFrom && r.succeeded() && r.result() == 200) {
                accepted.incrementAndGet();
              }
              finished.countDown();
            });
      }
      if (next[0] >= total) {
        vertx.cancelTimer(id);
      }
    });
    finished.await(total / rate + 60L, TimeUnit.SECONDS);
    return accepted.get();
  }

  /**
   * FLUSH_PROBE=1: the disk's own flush latency through the fixed-rate stream, beside the router. A thread rewrites
   * 4 kB of a file in the work directory (the file system Postgres writes to) and fdatasyncs it, 10 ms after the
   * previous flush ended; each took as long as the disk made it wait (a flush counts where it started). The
   * acknowledgement of a durable webhook waits on one such flush, so a stall here is a stall of every
   * acknowledgement. It adds a flush every 10 ms or so to the router's hundreds a second.
   */
  static final class FlushProbe {
    private final FileChannel file;
    private final long[] at = new long[100_000];
    private final long[] took = new long[100_000];
    private final Thread thread;
    private volatile boolean running = true;
    private int count;

    FlushProbe(Path path) throws IOException {
      file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      thread = new Thread(this::run, "flush-probe");
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    private void run() {
      ByteBuffer block = ByteBuffer.allocateDirect(4096);
      try {
        while (running && count < at.length) {
          long begin = System.nanoTime();
          block.clear();
          file.write(block, 0);
          file.force(false);
          at[count] = begin;
          took[count++] = System.nanoTime() - begin;
          Thread.sleep(10);
        }
      } catch (IOException | InterruptedException e) {
        log("flush probe stopped: " + e);
      }
    }

    /** Stops, writes one line per flush from windowStart on (µs from it, µs it took) and summarises them. */
    String stop(long windowStart, Path timeline) throws Exception {
      running = false;
      thread.join();
      file.close();
      List<Long> inWindow = new ArrayList<>();
      try (var out = timeline == null ? null : Files.newBufferedWriter(timeline)) {
        for (int i = 0; i < count; i++) {
          if (at[i] >= windowStart) {
            inWindow.add(took[i]);
            if (out != null) {
              out.write((at[i] - windowStart) / 1000 + " " + took[i] / 1000 + "\n");
            }
          }
        }
      }
      long[] sorted = inWindow.stream().mapToLong(Long::longValue).sorted().toArray();
      long over10 = Arrays.stream(sorted).filter(t -> t > 10_000_000L).count();
      return String.format("flush probe (4 kB + fdatasync, 10 ms apart): %d flushes, p50 %.1f ms, p99 %.1f ms,"
          + " max %.1f ms, %d over 10 ms", sorted.length, pct(sorted, 50), pct(sorted, 99),
          sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6, over10);
    }
  }

  static Map<String, String> wrk(String run, int seconds, int contacts) throws Exception {
    Path out = work.resolve(run + ".wrk.txt");
    ProcessBuilder pb = new ProcessBuilder("wrk", "-t2", "-c32", "-d" + seconds + "s", "--timeout", "10s",
        "-s", root.resolve("bench/load/post.lua").toString(), "http://127.0.0.1:" + routerPort + "/webhooks/meta")
        .redirectOutput(out.toFile()).redirectErrorStream(true);
    pb.environment().put("BENCH_BODY_FILE", root.resolve("bench/payload.json").toString());
    pb.environment().put("BENCH_SIGNATURE", "unused");
    pb.environment().put("BENCH_SECRET", SECRET);
    pb.environment().put("BENCH_DISTINCT", "1");
    pb.environment().put("BENCH_CONTACTS", Integer.toString(contacts));
    pb.environment().put("BENCH_RUN", run + System.nanoTime() % 100000);
    if (pb.start().waitFor() != 0) {
      throw new IllegalStateException("wrk failed: " + Files.readString(out));
    }
    String line = Files.readAllLines(out).stream().filter(l -> l.startsWith("BENCH ")).findFirst().orElseThrow();
    Map<String, String> values = new ConcurrentHashMap<>();
    for (String kv : line.substring(6).split(" ")) {
      values.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    return values;
  }

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, i)] / 1e6;
  }

  static void log(String line) {
    System.err.printf("[e2e %tT] %s%n", System.currentTimeMillis(), line);
  }

  /** One Switchboard process on its own data directory, with a heap sampler beside it. */
  record Router(String name, Process process, Process jstat, Path jstatOut, int pgPort) {

    static Router start(String name, int subscribers, boolean withFailing, boolean ordered) throws Exception {
      int pgPort = routerPort + 10;
      StringBuilder subs = new StringBuilder();
      for (int i = 1; i <= subscribers; i++) {
        subs.append("  - { name: s").append(i).append(", url: \"http://127.0.0.1:").append(receiverPort).append("/s")
            .append(i).append("\", events: [\"message.received\"], secret: ").append(SIGNING)
            .append(", timeout: 5s").append(ordered ? ", ordering: contact" : "").append(" }\n");
      }
      if (withFailing) {
        subs.append("  - { name: failing, url: \"http://127.0.0.1:").append(failingPort)
            .append("/down\", events: [\"message.received\"], secret: ").append(SIGNING).append(", timeout: 5s }\n");
      }
      Path config = work.resolve(name + ".yaml");
      Files.writeString(config, """
          http: { port: %d, host: 127.0.0.1 }
          ingress: { ack: durable }
          sources: [ { name: meta, kind: meta, appSecret: %s } ]
          subscriptions:%s
          delivery: { allowHttp: true, allowPrivateNetworks: true }
          storage: { embedded: { dataDir: "%s", port: %d } }
          """.formatted(routerPort, SECRET, subs.isEmpty() ? " []" : "\n" + subs, work.resolve("pg-" + name),
          pgPort));
      List<String> command = new ArrayList<>(List.of("java", "-Xmx512m"));
      // ROUTER_JVM_OPTS: extra JVM flags for the router (a profiler agent, say); split on spaces.
      String extra = System.getenv().getOrDefault("ROUTER_JVM_OPTS", "").strip();
      if (!extra.isEmpty()) {
        command.addAll(List.of(extra.split("\\s+")));
      }
      command.addAll(List.of("-jar", root.resolve("target/switchboard.jar").toString(), "--config", config.toString()));
      Process process = new ProcessBuilder(command)
          .redirectOutput(work.resolve(name + ".log").toFile()).redirectErrorStream(true).start();
      var http = java.net.http.HttpClient.newHttpClient();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (true) {
        try {
          if (http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + routerPort + "/health/ready"))
              .build(), BodyHandlers.discarding()).statusCode() == 200) {
            break;
          }
        } catch (java.io.IOException notYet) {
          // not listening yet
        }
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new IllegalStateException(name + ": Switchboard did not become ready; see " + work.resolve(name + ".log"));
        }
        Thread.sleep(250);
      }
      Path jstatOut = work.resolve(name + ".jstat");
      Process jstat = new ProcessBuilder("jstat", "-gc", Long.toString(process.pid()), "500")
          .redirectOutput(jstatOut.toFile()).redirectErrorStream(true).start();
      log(name + ": Switchboard ready (pid " + process.pid() + ")");
      return new Router(name, process, jstat, jstatOut, pgPort);
    }

    /**
     * Waits, up to five minutes, until Postgres holds no pending delivery to a healthy endpoint (the warm-up's tail is
     * not measured); says so if it gives up.
     */
    void awaitDrained() throws Exception {
      // Ordered delivery falls far behind a saturated warm-up on a slow machine (BENCHMARKS.md, session 10).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
      long left;
      while ((left = pending()) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      if (left > 0) {
        log(name + ": the warm-up's backlog did not drain (" + left + " pending): the measured run starts on it");
      }
      Thread.sleep(500);
    }

    long pending() throws Exception {
      Process psql = new ProcessBuilder("psql", "-h", "127.0.0.1", "-p", Integer.toString(pgPort), "-U", "postgres",
          "-d", "postgres", "-tAc", "SELECT count(*) FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id"
              + " WHERE d.status = 'pending' AND s.name <> 'failing'")
          .redirectErrorStream(true).start();
      String out = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      psql.waitFor();
      try {
        return Long.parseLong(out);
      } catch (NumberFormatException e) {
        throw new IllegalStateException("psql: " + out);
      }
    }

    /** Stops it (SIGTERM: the embedded Postgres stops cleanly) and reports peak heap and RSS. */
    String stop() throws Exception {
      String hwm = Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")).stream()
          .filter(l -> l.startsWith("VmHWM")).findFirst().orElse("VmHWM: ? kB").replaceAll("\\s+", " ");
      jstat.destroy();
      process.destroy();
      process.waitFor(60, TimeUnit.SECONDS);
      double peakHeap = 0;
      List<String> lines = Files.readAllLines(jstatOut);
      if (!lines.isEmpty()) {
        List<String> header = Arrays.asList(lines.get(0).trim().split("\\s+"));
        for (String l : lines.subList(1, lines.size())) {
          String[] v = l.trim().split("\\s+");
          if (v.length != header.size()) {
            continue;
          }
          double used = 0;
          for (String col : List.of("S0U", "S1U", "EU", "OU")) {
            used += Double.parseDouble(v[header.indexOf(col)]);
          }
          peakHeap = Math.max(peakHeap, used);
        }
      }
      long rssMb = Long.parseLong(hwm.replaceAll("[^0-9]", "")) / 1024;
      return String.format("peak heap %.0f MB, peak RSS %d MB", peakHeap / 1024, rssMb);
    }
  }
}
