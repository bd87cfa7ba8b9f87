package io.switchboard.ingress;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.webjars.WebJarVersionLocator;

/**
 * The console's HTML: one layout (navigation, assets) around each page's body, read from the classpath once at
 * start, so a page costs one string replace (its CSRF token). Library assets come from webjars; their
 * versioned paths are found once here, so the pages name no version.
 */
final class ConsolePages {

  /** Page name → title, in navigation order. */
  static final Map<String, String> PAGES = pages();
  static final String VENDOR = "/console/vendor/";

  private final Map<String, String> rendered;

  private ConsolePages(Map<String, String> rendered) {
    this.rendered = rendered;
  }

  /**
   * Reads the templates without blocking (Vert.x's file resolver serves classpath resources); the webjar
   * locator reads jar metadata through the class loader, so it runs on a worker.
   */
  static Future<ConsolePages> load(Vertx vertx) {
    return vertx.executeBlocking(ConsolePages::vendorPaths).compose(vendor -> load(vertx, vendor));
  }

  private static Future<ConsolePages> load(Vertx vertx, Map<String, String> vendor) {
    List<String> names = new ArrayList<>(PAGES.keySet());
    names.add("login");
    names.add("docs");
    List<Future<Buffer>> reads = new ArrayList<>();
    reads.add(vertx.fileSystem().readFile("console/layout.html"));
    names.forEach(name -> reads.add(vertx.fileSystem().readFile("console/" + name + ".html")));
    return Future.all(reads).map(all -> {
      String layout = all.<Buffer>resultAt(0).toString();
      Map<String, String> rendered = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        String body = all.<Buffer>resultAt(i + 1).toString();
        String page = PAGES.containsKey(name) ? layout.replace("{{body}}", body)
            .replace("{{nav}}", navigation(name)).replace("{{title}}", PAGES.get(name)) : body;
        rendered.put(name, substitute(page.replace("{{page}}", name), vendor));
      }
      return new ConsolePages(rendered);
    });
  }

  /** The page with this session's CSRF token in its {@code <meta>}; null for an unknown page. */
  String render(String name, String csrfToken) {
    String page = rendered.get(name);
    return page == null ? null : page.replace("{{csrf}}", csrfToken == null ? "" : csrfToken);
  }

  private static String navigation(String current) {
    StringBuilder nav = new StringBuilder();
    PAGES.forEach((name, title) -> nav.append("<a href=\"/console/").append(name).append('"')
        .append(name.equals(current) ? " aria-current=\"page\"" : "").append('>').append(title).append("</a>"));
    return nav.toString();
  }

  private static String substitute(String page, Map<String, String> vendor) {
    String result = page;
    for (Map.Entry<String, String> asset : vendor.entrySet()) {
      result = result.replace("{{" + asset.getKey() + "}}", asset.getValue());
    }
    return result;
  }

  /** Placeholder → URL of a webjar file, e.g. {@code {{htmx}}} → {@code /console/vendor/htmx.org/2.0.8/dist/htmx.min.js}. */
  private static Map<String, String> vendorPaths() {
    WebJarVersionLocator locator = new WebJarVersionLocator();
    Map<String, String> paths = new LinkedHashMap<>();
    paths.put("htmx", VENDOR + locator.path("htmx.org", "dist/htmx.min.js"));
    paths.put("htmx-sse", VENDOR + locator.path("htmx-ext-sse", "sse.js"));
    paths.put("uplot-js", VENDOR + locator.path("uplot", "dist/uPlot.iife.min.js"));
    paths.put("uplot-css", VENDOR + locator.path("uplot", "dist/uPlot.min.css"));
    paths.put("swagger-js", VENDOR + locator.path("swagger-ui", "swagger-ui-bundle.js"));
    paths.put("swagger-css", VENDOR + locator.path("swagger-ui", "swagger-ui.css"));
    return paths;
  }

  private static Map<String, String> pages() {
    Map<String, String> pages = new LinkedHashMap<>();
    pages.put("overview", "Overview");
    pages.put("inbound", "Inbound");
    pages.put("events", "Events");
    pages.put("deliveries", "Deliveries");
    pages.put("subscriptions", "Subscriptions");
    pages.put("tail", "Live tail");
    return java.util.Collections.unmodifiableMap(pages);
  }
}
