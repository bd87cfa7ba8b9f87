import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;

/** The yardstick: a bare Vert.x 5 HTTP server that reads the body and answers 200, one instance per core. */
public final class BareServer extends VerticleBase {

  @Override
  public Future<?> start() {
    int port = Integer.parseInt(System.getProperty("port", "18180"));
    return vertx.createHttpServer()
        .requestHandler(req -> req.body().onSuccess(body -> req.response().end("{\"status\":\"received\"}")))
        .listen(port, "127.0.0.1");
  }

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(BareServer::new,
        new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
        .onSuccess(id -> System.out.println("bare server ready"))
        .onFailure(e -> { e.printStackTrace(); System.exit(1); });
  }
}
