package io.switchboard.support;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A TCP proxy in front of Postgres that a test can cut and restore, to play a database outage. */
public final class TcpProxy {

  private final Vertx vertx;
  private final int targetPort;
  private final int port = TestRouter.freePort();
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private NetServer server;

  public TcpProxy(Vertx vertx, int targetPort) {
    this.vertx = vertx;
    this.targetPort = targetPort;
  }

  public int port() {
    return port;
  }

  public TcpProxy up() {
    server = Await.result(vertx.createNetServer().connectHandler(this::bridge).listen(port, "127.0.0.1"));
    return this;
  }

  /** Stops accepting and drops every open connection, like a database host going away. */
  public void down() {
    Await.result(server.close());
    sockets.forEach(NetSocket::close);
    sockets.clear();
  }

  private void bridge(NetSocket client) {
    client.pause();
    sockets.add(client);
    vertx.createNetClient().connect(targetPort, "127.0.0.1").onSuccess(upstream -> {
      sockets.add(upstream);
      client.pipeTo(upstream);
      upstream.pipeTo(client);
      client.resume();
    }).onFailure(e -> client.close());
  }
}
