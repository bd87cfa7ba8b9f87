package io.switchboard.ingress;

import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * Console sign-ins: a random token in an HttpOnly, SameSite=Strict cookie with a Max-Age (Secure over TLS),
 * its session in a local map every ingress instance shares. Sessions are per process: behind a load balancer
 * with several routers, make the console sticky (or sign in on each).
 */
final class ConsoleSessions {

  static final String COOKIE = "switchboard_session";
  static final String CSRF_HEADER = "x-csrf-token";
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One sign-in: the token state-changing calls must echo, and when it ends. */
  record Session(String csrfToken, long expiresAtMillis) implements Shareable {}

  private final LocalMap<String, Session> sessions;
  private final Duration timeout;

  ConsoleSessions(Vertx vertx, Duration timeout) {
    this.sessions = vertx.sharedData().getLocalMap("switchboard.console.sessions");
    this.timeout = timeout;
  }

  /** Starts a session and sets its cookie; a token the browser already had is never reused (no fixation). */
  Session open(RoutingContext ctx) {
    close(ctx);
    Session session = new Session(token(), System.currentTimeMillis() + timeout.toMillis());
    String id = token();
    sessions.put(id, session);
    ctx.response().addCookie(cookie(ctx, id).setMaxAge(timeout.toSeconds()));
    return session;
  }

  /** The caller's live session, if its cookie names one; an expired one is forgotten on the way. */
  Optional<Session> of(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(COOKIE);
    if (cookie == null) {
      return Optional.empty();
    }
    Session session = sessions.get(cookie.getValue());
    if (session != null && session.expiresAtMillis() <= System.currentTimeMillis()) {
      sessions.remove(cookie.getValue());
      return Optional.empty();
    }
    return Optional.ofNullable(session);
  }

  /** Ends the session on this side and tells the browser to drop the cookie. */
  void close(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(COOKIE);
    if (cookie != null) {
      sessions.remove(cookie.getValue());
      ctx.response().addCookie(cookie(ctx, "").setMaxAge(0));
    }
  }

  /** Forgets sessions past their expiry that were never used again (run on a timer). */
  void purgeExpired() {
    long now = System.currentTimeMillis();
    sessions.keySet().forEach(id -> sessions.computeIfPresent(id, (k, s) -> s.expiresAtMillis() <= now ? null : s));
  }

  /**
   * CSRF guard for a cookie-authenticated request: a state-changing one must come from this origin (Origin,
   * or Sec-Fetch-Site when a browser sends no Origin) and, when {@code session} is given, echo its token in
   * {@code X-CSRF-Token} or the form field {@code csrf}. SameSite=Strict alone does not cover another port of
   * the same host, which is same-site. Returns the refusal, or null.
   */
  static String refusal(RoutingContext ctx, Session session) {
    if (SAFE.contains(ctx.request().method())) {
      return null;
    }
    String origin = ctx.request().getHeader("origin");
    String fetchSite = ctx.request().getHeader("sec-fetch-site");
    if (origin != null ? !origin.equals(ownOrigin(ctx)) : fetchSite != null && !"same-origin".equals(fetchSite)) {
      return "cross-origin requests may not change anything (Origin " + origin + ")";
    }
    if (session == null) {
      return null;
    }
    String given = ctx.request().getHeader(CSRF_HEADER);
    if (given == null) {
      given = ctx.request().getFormAttribute("csrf");
    }
    return WebhookAuth.tokenMatches(session.csrfToken(), given) ? null : "the console's CSRF token is missing or wrong";
  }

  private static String ownOrigin(RoutingContext ctx) {
    return (secure(ctx) ? "https" : "http") + "://" + ctx.request().getHeader("host");
  }

  /**
   * TLS here, or a proxy in front saying it terminated TLS. Trusting the header costs nothing: a client that
   * forges it only gets a cookie its browser will not send back over plain http.
   */
  private static boolean secure(RoutingContext ctx) {
    return ctx.request().isSSL() || "https".equalsIgnoreCase(ctx.request().getHeader("x-forwarded-proto"));
  }

  private static Cookie cookie(RoutingContext ctx, String value) {
    return Cookie.cookie(COOKIE, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
        .setSecure(secure(ctx));
  }

  private static String token() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
