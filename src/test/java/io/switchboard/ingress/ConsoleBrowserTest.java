package io.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.Browser;
import io.switchboard.support.CallbackServer;
import io.switchboard.support.CallbackServer.Answer;
import io.switchboard.support.Fixtures;
import io.switchboard.support.ManagementClient;
import io.switchboard.support.SubscribedRouter;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (Debian's headless Chromium): one browser and one router for the whole class,
 * the tests in the order an operator works. Run with {@code -Dconsole.screenshots=true} to refresh docs/console/.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Console: an operator's session in a real browser")
class ConsoleBrowserTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String KEY = ManagementClient.KEY;

  private final AtomicBoolean flakyFails = new AtomicBoolean(true);
  private CallbackServer callbacks;
  private TestRouter router;
  private ManagementClient api;
  private ChromeDriver browser;
  private String base;
  private String createdSecret;
  private long inboundId;
  private long deliveryId;

  @BeforeAll
  void start(Vertx vertx) {
    SubscribedRouter started = SubscribedRouter.start(vertx, (subscriber, tree) -> tree.getJsonArray("subscriptions")
        .add(TestRouter.subscription("flaky", subscriber.url("/flaky"), "message.*")));
    callbacks = started.callbacks();
    callbacks.script(r -> r.path().equals("/flaky") && flakyFails.get() ? new Answer(500, null, 0) : Answer.ok());
    router = started.router();
    api = started.api();
    base = "http://127.0.0.1:" + router.port;
    browser = Browser.start();
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  @Order(1)
  @DisplayName("a wrong admin key is refused and leaves no session; the right one opens the overview's live charts")
  void signIn() {
    browser.get(base + "/console/overview");
    waitFor().until(ExpectedConditions.urlToBe(base + "/console/login"));
    Browser.screenshot(browser, "login");
    submitKey("not-the-key");
    WebElement error = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
    assertTrue(error.getText().contains("not one of admin.apiKeys"));
    assertEquals(null, browser.manage().getCookieNamed(ConsoleSessions.COOKIE));

    submitKey(KEY);
    waitFor().until(ExpectedConditions.urlToBe(base + "/console/overview"));
    Cookie cookie = browser.manage().getCookieNamed(ConsoleSessions.COOKIE);
    assertTrue(cookie.isHttpOnly(), "session cookie is HttpOnly");
    assertEquals("Strict", cookie.getSameSite());
    assertNotNull(cookie.getExpiry(), "session cookie has an expiry");
    router.postMeta(Fixtures.unique("meta-text-01.json", "overview"));
    waitFor().until(d -> !text("#v-intake").equals("–") && !text("#v-circuits").equals("–"));
    waitFor().until(d -> browser.findElements(By.cssSelector("#c-rates .u-over")).size() == 1);
  }

  @Test
  @Order(2)
  @DisplayName("a webhook posted over HTTP shows in Inbound within 2 s, and its page shows the body, events and deliveries")
  void inbound() {
    browser.get(base + "/console/inbound");
    waitFor().until(d -> text("#inbound-table tbody").length() > 0);
    var answer = router.postMeta(Fixtures.unique("meta-text-01.json", "inbound"));
    assertEquals(200, answer.statusCode());
    long id = answer.bodyAsJsonObject().getLong("inbound_id");
    inboundId = id;
    By row = By.linkText(Long.toString(id));
    new WebDriverWait(browser, Duration.ofSeconds(2)).until(ExpectedConditions.presenceOfElementLocated(row));
    Browser.screenshot(browser, "inbound");

    Await.until("the webhook's deliveries are planned", WAIT,
        () -> ManagementClient.data(api.get("/api/inbound/" + id)).getJsonArray("deliveries").size() == 2);
    click(row);
    waitFor().until(d -> browser.findElements(By.cssSelector("#webhook-deliveries tbody tr")).size() == 2);
    assertTrue(text("#webhook-body").contains("\n  \"object\": \"whatsapp_business_account\""), "pretty-printed");
    assertEquals(1, browser.findElements(By.cssSelector("#webhook-events tbody tr")).size());
    Browser.screenshot(browser, "inbound-webhook");
  }

  @Test
  @Order(3)
  @DisplayName("a failed delivery, retried from its page once the endpoint answers again, shows succeeded")
  void retry() {
    var answer = router.postMeta(Fixtures.unique("meta-text-01.json", "retry"));
    long inbound = answer.bodyAsJsonObject().getLong("inbound_id");
    long delivery = failedDelivery(inbound);
    deliveryId = delivery;

    browser.get(base + "/console/deliveries?status=failed&subscription=flaky");
    waitFor().until(ExpectedConditions.presenceOfElementLocated(By.linkText(Long.toString(delivery))));
    Browser.screenshot(browser, "deliveries");
    click(By.linkText(Long.toString(delivery)));
    waitFor().until(d -> browser.findElements(By.cssSelector("#timeline li")).size() == 3);
    assertTrue(text("#timeline").contains("HTTP 500"));
    Browser.screenshot(browser, "delivery");

    flakyFails.set(false);
    waitFor().until(ExpectedConditions.elementToBeClickable(By.id("retry"))).click();
    waitFor().until(d -> text("#delivery-meta").contains("succeeded"));
    waitFor().until(d -> browser.findElements(By.cssSelector("#timeline li.succeeded")).size() == 1);
  }

  @Test
  @Order(4)
  @DisplayName("bulk replay shows how many deliveries match before it queues them")
  void replay() {
    Await.until("no delivery still under way", WAIT,
        () -> TestPostgres.queryLong("SELECT count(*) FROM deliveries WHERE status = 'pending'") == 0);
    long failed = TestPostgres.queryLong("SELECT count(*) FROM deliveries WHERE status = 'failed'");
    browser.get(base + "/console/deliveries");
    browser.findElement(By.cssSelector("#replay summary")).click();
    browser.findElement(By.id("replay-count")).click();
    waitFor().until(d -> text("#replay-matching").equals(failed + " deliveries match."));
    assertEquals(failed, TestPostgres.queryLong("SELECT count(*) FROM deliveries WHERE status = 'failed'"), "a count changes nothing");
    assertTrue(failed > 0, "earlier tests left failed deliveries of 'flaky'");
    browser.findElement(By.id("replay-confirm")).click();
    waitFor().until(d -> text("#replay-result").equals(failed + " deliveries queued for replay."));
    Await.until("the replayed deliveries succeeded", WAIT,
        () -> TestPostgres.queryLong("SELECT count(*) FROM deliveries WHERE status <> 'succeeded'") == 0);
  }

  @Test
  @Order(5)
  @DisplayName("a subscription created in the console shows its secret once and receives its test event, signed with it")
  void createSubscription() throws Exception {
    browser.get(base + "/console/subscriptions");
    waitFor().until(d -> text("#subscriptions-table tbody").contains("flaky"));
    browser.findElement(By.name("name")).sendKeys("console-made");
    browser.findElement(By.name("url")).sendKeys(callbacks.url("/console-made"));
    browser.findElement(By.id("save")).click();
    createdSecret = waitFor().until(d -> {
      String shown = text("#secret-value");
      return shown.startsWith("whsec_") ? shown : null;
    });
    Browser.screenshot(browser, "subscription-created");
    browser.findElement(By.id("secret-done")).click();
    waitFor().until(d -> text("#subscriptions-table tbody").contains("console-made"));

    WebElement row = browser.findElement(By.xpath("//tr[td[text()='console-made']]"));
    row.findElement(By.cssSelector("button.test")).click();
    waitFor().until(d -> text("#test-result").contains("answered HTTP 200"));
    List<CallbackServer.Received> tests = callbacks.at("/console-made");
    assertEquals(1, tests.size());
    CallbackServer.Received test = tests.get(0);
    assertEquals("webhook.test", test.json().getString("type"));
    assertEquals(signature(createdSecret, test), test.header("webhook-signature"));
    Browser.screenshot(browser, "subscriptions");

    browser.findElement(By.xpath("//tr[td[text()='console-made']]")).findElement(By.cssSelector("button.edit")).click();
    WebElement events = browser.findElement(By.name("events"));
    waitFor().until(d -> events.getDomProperty("value").equals("*"));
    events.clear();
    events.sendKeys("message.*, template.*");
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.name("ordering"))).selectByValue("contact");
    browser.findElement(By.id("save")).click();
    waitFor().until(d -> text("#subscriptions-table tbody").contains("message.*, template.*"));
    browser.findElement(By.xpath("//tr[td[text()='console-made']]")).findElement(By.cssSelector("button.toggle")).click();
    waitFor().until(d -> browser.findElement(By.xpath("//tr[td[text()='console-made']]")).getText().contains("disabled"));
    JsonObject stored = ManagementClient.data(api.get("/api/subscriptions/3"));
    assertEquals(new JsonArray().add("message.*").add("template.*"), stored.getJsonArray("events"));
    assertFalse(stored.getBoolean("enabled"));
    assertEquals("contact", stored.getString("ordering"), "the ordering chosen in the form");
    assertEquals("any", stored.getString("statusOrder"));
    assertEquals(SubscriptionsApi.mask(createdSecret), stored.getString("secret"), "an edit keeps the secret");
  }

  @Test
  @Order(6)
  @DisplayName("no page's source holds a secret or the admin key after creation")
  void noSecretInAnyPage() {
    assertNotNull(createdSecret, "the subscription test ran first");
    for (String page : List.of("overview", "inbound", "inbound?id=" + inboundId, "events", "deliveries",
        "deliveries?id=" + deliveryId, "subscriptions", "tail")) {
      browser.get(base + "/console/" + page);
      waitFor().until(d -> "complete".equals(browser.executeScript("return document.readyState")));
      waitFor().until(d -> browser.findElements(By.cssSelector("main table tbody tr, main .tile b, main dl dd")).size() > 0
          || page.equals("events"));
      assertSecretsAbsent(page);
    }
    browser.get(base + "/api/docs");
    waitFor().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".swagger-ui .info")));
    Browser.screenshot(browser, "api-docs");
    assertSecretsAbsent("api docs");
  }

  @Test
  @Order(7)
  @DisplayName("the live tail streams webhook requests with their signatures redacted")
  void liveTail() {
    browser.get(base + "/console/tail");
    int shown = waitFor().until(d -> {
      int rows = browser.findElements(By.cssSelector("#tail-table tbody tr")).size();
      return rows >= 3 ? rows : null;
    });
    router.postMeta(Fixtures.unique("meta-text-01.json", "tail"));
    waitFor().until(d -> browser.findElements(By.cssSelector("#tail-table tbody tr")).size() == shown + 1);
    String source = browser.getPageSource();
    assertTrue(source.contains("[redacted]"));
    assertFalse(source.contains("sha256="), "no signature in the tail");
    Browser.screenshot(browser, "tail");
    browser.get(base + "/console/overview");
    waitFor().until(d -> !text("#v-intake").equals("–"));
    if (Boolean.getBoolean("console.screenshots")) {
      // Some traffic for the picture: a few webhooks in each of a dozen one-second samples.
      for (int sample = 0; sample < 12; sample++) {
        String seen = String.valueOf(browser.findElement(By.tagName("body")).getDomAttribute("data-samples"));
        for (int i = 0; i <= sample % 4 + 1; i++) {
          router.postMeta(Fixtures.unique("meta-text-01.json", "picture-" + sample + "-" + i));
        }
        waitFor().until(d -> !seen.equals(browser.findElement(By.tagName("body")).getDomAttribute("data-samples")));
      }
    }
    Browser.screenshot(browser, "overview");
  }

  @Test
  @Order(8)
  @DisplayName("a cross-origin POST carrying the session cookie is refused, and the session survives it")
  void crossOrigin(Vertx vertx) {
    String page = """
        <!doctype html><form id="f" method="post" action="%s/api/webhook/replay" enctype="text/plain">
        <input name='{"status":"failed","x":"' value='"}'></form>
        <form id="g" method="post" action="%s/console/logout"><input name="csrf" value="guess"></form>"""
        .formatted(base, base);
    // Another port of the same host: same-site, so SameSite=Strict lets the cookie go; only the origin check stops it.
    HttpServer other = Await.result(vertx.createHttpServer()
        .requestHandler(r -> r.response().putHeader("content-type", "text/html").end(page)).listen(0, "127.0.0.1"));
    try {
      for (String form : List.of("f", "g")) {
        browser.get("http://127.0.0.1:" + other.actualPort() + "/");
        browser.findElement(By.id(form)).submit();
        waitFor().until(d -> browser.getPageSource().contains("forbidden"));
        assertTrue(browser.getPageSource().contains("cross-origin"));
      }
    } finally {
      Await.result(other.close());
    }
    browser.get(base + "/console/overview");
    assertEquals(base + "/console/overview", browser.getCurrentUrl(), "still signed in");
  }

  @Test
  @Order(9)
  @DisplayName("signing out ends the session: the pages send the browser to sign in, and the old cookie opens nothing")
  void logout() {
    browser.get(base + "/console/overview");
    String token = browser.manage().getCookieNamed(ConsoleSessions.COOKIE).getValue();
    browser.findElement(By.id("logout")).click();
    waitFor().until(ExpectedConditions.urlToBe(base + "/console/login"));
    browser.get(base + "/console/subscriptions");
    waitFor().until(ExpectedConditions.urlToBe(base + "/console/login"));
    int status = Await.result(router.client.get(router.port, "127.0.0.1", "/api/subscriptions")
        .putHeader("cookie", ConsoleSessions.COOKIE + "=" + token).send()).statusCode();
    assertEquals(401, status);
  }

  private long failedDelivery(long inbound) {
    long[] id = {-1};
    Await.until("the flaky delivery failed", WAIT, () -> {
      JsonArray deliveries = ManagementClient.data(api.get("/api/inbound/" + inbound)).getJsonArray("deliveries");
      deliveries.stream().map(JsonObject.class::cast)
          .filter(d -> "flaky".equals(d.getString("subscription")) && "failed".equals(d.getString("status")))
          .forEach(d -> id[0] = d.getLong("id"));
      return id[0] > 0;
    });
    return id[0];
  }

  private void assertSecretsAbsent(String page) {
    String source = browser.getPageSource();
    assertFalse(source.contains(createdSecret), page + " shows the new subscription's secret");
    assertFalse(source.contains(createdSecret.substring("whsec_".length(), 20)), page + " shows part of the secret");
    assertFalse(source.contains("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), page + " shows a config subscription's secret");
    assertFalse(source.contains(KEY), page + " shows the admin key");
  }

  private void submitKey(String key) {
    WebElement field = waitFor().until(ExpectedConditions.presenceOfElementLocated(By.id("key")));
    field.clear();
    field.sendKeys(key);
    browser.findElement(By.id("sign-in")).click();
  }

  /** Clicks what {@code by} finds, finding it again if a live list's refresh replaced it in between. */
  private void click(By by) {
    waitFor().until(d -> {
      browser.findElement(by).click();
      return true;
    });
  }

  private String text(String css) {
    List<WebElement> found = browser.findElements(By.cssSelector(css));
    return found.isEmpty() ? "" : found.get(0).getText();
  }

  /** Tables are rebuilt when their data arrives: an element found a moment ago may be gone, so look again. */
  private WebDriverWait waitFor() {
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  /** Standard Webhooks: base64 HMAC-SHA256 of "id.timestamp.body" keyed with the secret's base64 part. */
  private static String signature(String secret, CallbackServer.Received r) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
    byte[] signed = mac.doFinal((r.header("webhook-id") + "." + r.header("webhook-timestamp") + "."
        + new String(r.body(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    return "v1," + Base64.getEncoder().encodeToString(signed);
  }
}
