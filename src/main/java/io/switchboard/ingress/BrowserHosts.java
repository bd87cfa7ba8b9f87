package io.switchboard.ingress;

import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The host names a browser may reach the console and the management API by. A DNS-rebinding page (its own name,
 * pointed at this router's address) is same-origin with itself, so the Origin check and the CSRF token cannot
 * tell it apart: its Host header can. Requests without browser headers (curl, scripts) are not browsers' and pass.
 */
final class BrowserHosts {

  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

  private final Set<String> allowed = new HashSet<>(LOOPBACK);

  BrowserHosts(List<String> consoleHosts) {
    consoleHosts.forEach(host -> allowed.add(host.toLowerCase(Locale.ROOT)));
  }

  void check(RoutingContext ctx) {
    boolean browser = ctx.request().getHeader("origin") != null || ctx.request().getHeader("sec-fetch-site") != null;
    String host = name(ctx.request().getHeader("host"));
    if (!browser || allowed.contains(host)) {
      ctx.next();
    } else {
      Errors.send(ctx, 421, "misdirected_request", "this router does not answer browsers for the host '" + host
          + "': add it to admin.consoleHosts to use the console and the API by that name");
    }
  }

  /** The host part of a Host header, lower case: {@code [::1]:8080} → {@code [::1]}, {@code a.b:80} → {@code a.b}. */
  static String name(String header) {
    if (header == null) {
      return "";
    }
    String host = header.toLowerCase(Locale.ROOT).trim();
    int end = host.startsWith("[") ? host.indexOf(']') + 1 : host.indexOf(':');
    return end > 0 ? host.substring(0, end) : host;
  }
}
