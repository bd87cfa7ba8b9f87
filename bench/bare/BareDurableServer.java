import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable floor for bench/ingress.sh: the bare Vert.x server plus one thing, each body committed to
 * Postgres before the 200, group-committed (one multi-row INSERT in flight per event loop, every request that
 * arrived meanwhile in the next), synchronous_commit on, through the reactive client, into the same embedded
 * Postgres Switchboard started (its own table). No auth, no parsing, no hand-off: the ratio Switchboard durable /
 * bare-durable is the price of everything Switchboard does beyond a durable acknowledgement.
 * Usage: java -cp switchboard.jar:. BareDurableServer PORT PG_PORT
 */
public final class BareDurableServer extends VerticleBase {

  private static final Buffer OK = Buffer.buffer("{\"status\":\"received\"}");
  private static final int MAX_BATCH = 512;
  static final String INSERT = """
      INSERT INTO bare_webhooks (received_at, body)
      SELECT * FROM unnest($1::timestamptz[], $2::bytea[])""";

  private record Waiting(Buffer body, OffsetDateTime receivedAt, Promise<Void> committed) {}

  private final int port;
  private final int pgPort;
  private final List<Waiting> queue = new ArrayList<>();
  private boolean writing;
  private Pool pool;

  private BareDurableServer(int port, int pgPort) {
    this.port = port;
    this.pgPort = pgPort;
  }

  @Override
  public Future<?> start() {
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(pgPort).setUser("postgres")
            .setDatabase("postgres").setCachePreparedStatements(true).addProperty("synchronous_commit", "on"))
        .using(vertx).build();
    return vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(false))
        .requestHandler(request -> request.body()
            .compose(body -> commit(body))
            .onSuccess(v -> request.response().putHeader("content-type", "application/json").end(OK))
            .onFailure(e -> request.response().setStatusCode(503).end()))
        .listen(port, "127.0.0.1");
  }

  private Future<Void> commit(Buffer body) {
    Promise<Void> committed = Promise.promise();
    queue.add(new Waiting(body, OffsetDateTime.now(ZoneOffset.UTC), committed));
    if (!writing) {
      write();
    }
    return committed.future();
  }

  private void write() {
    if (queue.isEmpty()) {
      writing = false;
      return;
    }
    writing = true;
    List<Waiting> batch = new ArrayList<>(queue.subList(0, Math.min(queue.size(), MAX_BATCH)));
    queue.subList(0, batch.size()).clear();
    OffsetDateTime[] times = batch.stream().map(Waiting::receivedAt).toArray(OffsetDateTime[]::new);
    Buffer[] bodies = batch.stream().map(Waiting::body).toArray(Buffer[]::new);
    pool.preparedQuery(INSERT).execute(Tuple.of(times, (Object) bodies)).onComplete(done -> {
      batch.forEach(w -> {
        if (done.succeeded()) {
          w.committed().complete();
        } else {
          w.committed().fail(done.cause());
        }
      });
      write();
    });
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int pgPort = Integer.parseInt(args[1]);
    int instances = Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx();
    Pool setup = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(pgPort)
        .setUser("postgres").setDatabase("postgres")).using(vertx).build();
    setup.query("CREATE TABLE IF NOT EXISTS bare_webhooks (id bigserial PRIMARY KEY, received_at timestamptz NOT NULL,"
            + " body bytea NOT NULL)").execute()
        .compose(v -> setup.close())
        .compose(v -> vertx.deployVerticle(() -> new BareDurableServer(port, pgPort),
            new DeploymentOptions().setInstances(instances)))
        .onSuccess(id -> System.out.println("bare-durable server ready port=" + port + " instances=" + instances))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }
}
