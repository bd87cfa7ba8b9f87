package io.switchboard.ingress;

import io.switchboard.config.SwitchboardConfig;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' web console at {@code /console}: sign-in with an admin key, the pages, their event streams
 * and assets, and Swagger UI at {@code /api/docs}. The pages hold no data of their own: their scripts call
 * the management API, which accepts the console's session cookie (see {@link ConsoleSessions#refusal}).
 */
final class Console {

  private static final Logger LOG = LoggerFactory.getLogger(Console.class);
  private static final int FORM_BYTES = 4096;
  private static final String LOGIN_ERROR = "<p id=\"login-error\" class=\"error\" hidden>";
  /** Scripts and styles from this origin only; the pages have no inline script. */
  private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
      + " img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

  private final SwitchboardConfig.Admin admin;
  private final ConsolePages pages;
  private final ConsoleSessions sessions;
  private final ConsoleStreams streams;
  private final SignInThrottle throttle;

  Console(SwitchboardConfig.Admin admin, ConsolePages pages, ConsoleSessions sessions, ConsoleStreams streams,
      SignInThrottle throttle) {
    this.admin = admin;
    this.throttle = throttle;
    this.pages = pages;
    this.sessions = sessions;
    this.streams = streams;
  }

  /** Mounted before {@code /api/*}, so {@code /api/docs} is a console page, not an API route. */
  void mount(Router router) {
    router.get("/console").handler(ctx -> redirect(ctx, "/console/overview"));
    router.get("/console/").handler(ctx -> redirect(ctx, "/console/overview"));
    router.route("/console/assets/*").handler(StaticHandler.create("console/assets").setMaxAgeSeconds(300));
    // Webjar paths carry their version, so the files may be cached for good.
    router.route("/console/vendor/*").handler(StaticHandler.create("META-INF/resources/webjars")
        .setMaxAgeSeconds(365L * 24 * 3600).setDirectoryListing(false));
    router.get("/console/login").handler(this::loginPage);
    BodyHandler form = BodyHandler.create(false).setBodyLimit(FORM_BYTES);
    router.post("/console/login").handler(form).handler(this::login);
    router.post("/console/logout").handler(form).handler(this::logout);
    router.get("/console/stream/overview").handler(this::requireSession)
        .handler(ctx -> streams.overview(ctx, () -> sessions.of(ctx).isPresent()));
    router.get("/console/stream/tail").handler(this::requireSession)
        .handler(ctx -> streams.tail(ctx, () -> sessions.of(ctx).isPresent()));
    router.get("/console/:page").handler(ctx -> page(ctx, ctx.pathParam("page")));
    router.get("/api/docs").handler(ctx -> page(ctx, "docs"));
  }

  private void page(RoutingContext ctx, String name) {
    Optional<ConsoleSessions.Session> session = sessions.of(ctx);
    if (session.isEmpty()) {
      redirect(ctx, "/console/login");
      return;
    }
    String html = "login".equals(name) ? null : pages.render(name, session.get().csrfToken());
    if (html == null) {
      ctx.next();
      return;
    }
    html(ctx, 200, html);
  }

  private void loginPage(RoutingContext ctx) {
    if (sessions.of(ctx).isPresent()) {
      redirect(ctx, "/console/overview");
    } else {
      html(ctx, 200, pages.render("login", null));
    }
  }

  /** A wrong key answers 401 with the form again; the key itself is never logged. */
  private void login(RoutingContext ctx) {
    String refusal = ConsoleSessions.refusal(ctx, null);
    if (refusal != null) {
      Errors.send(ctx, 403, "forbidden", refusal);
      return;
    }
    if (throttle.refuse(ctx)) {
      return;
    }
    String given = ctx.request().getFormAttribute("key");
    if (given == null || admin.apiKeys().stream().noneMatch(key -> WebhookAuth.tokenMatches(key, given))) {
      throttle.failed(ctx);
      LOG.info("console sign-in refused clientIp={}", ctx.request().remoteAddress().hostAddress());
      html(ctx, 401, pages.render("login", null).replace(LOGIN_ERROR, LOGIN_ERROR.replace(" hidden", "")));
      return;
    }
    sessions.open(ctx);
    LOG.info("console sign-in clientIp={}", ctx.request().remoteAddress().hostAddress());
    redirect(ctx, "/console/overview");
  }

  private void logout(RoutingContext ctx) {
    Optional<ConsoleSessions.Session> session = sessions.of(ctx);
    String refusal = ConsoleSessions.refusal(ctx, session.orElse(null));
    if (refusal != null) {
      Errors.send(ctx, 403, "forbidden", refusal);
      return;
    }
    sessions.close(ctx);
    redirect(ctx, "/console/login");
  }

  private void requireSession(RoutingContext ctx) {
    if (sessions.of(ctx).isPresent()) {
      ctx.next();
    } else {
      Errors.send(ctx, 401, "unauthorized", "sign in to the console first");
    }
  }

  private static void html(RoutingContext ctx, int status, String html) {
    HttpServerResponse response = ctx.response().setStatusCode(status);
    response.putHeader("content-type", "text/html; charset=utf-8").putHeader("cache-control", "no-store")
        .putHeader("content-security-policy", CSP).putHeader("x-frame-options", "DENY")
        .putHeader("referrer-policy", "same-origin").end(html);
  }

  /** 303: after a POST the browser follows with a GET, so a reload never re-sends the form. */
  private static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader("location", location).end();
  }
}
