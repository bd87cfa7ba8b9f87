import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The baseline for bench/ingress.sh: a bare Vert.x 5 HTTP server that reads the whole body and answers 200
 * with a small JSON body, one instance per core like Switchboard's ingress. Nothing else: no router, no
 * auth, no storage, so the ratio Switchboard / bare is the price of everything Switchboard adds.
 * Usage: java -cp switchboard.jar:. BareServer PORT
 */
public final class BareServer extends VerticleBase {

  private static final Buffer OK = Buffer.buffer("{\"status\":\"received\"}");

  private final int port;

  private BareServer(int port) {
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(false))
        .requestHandler(request -> request.body().onSuccess(body ->
            request.response().putHeader("content-type", "application/json").end(OK)))
        .listen(port, "127.0.0.1");
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int instances = Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new BareServer(port), new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("bare server ready port=" + port + " instances=" + instances))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }
}
