import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Times the console's pages in headless Chromium while the router is under load: signs in, then loads each
 * page ROUNDS times. A page's time runs from the navigation until its data is on screen (the table's first
 * row, the overview's first live sample), not merely until the HTML arrived.
 * Usage: java -cp <test classpath> ConsolePageTimer BASE_URL ADMIN_KEY ROUNDS
 */
public final class ConsolePageTimer {

  public static void main(String[] args) throws Exception {
    String base = args[0];
    int rounds = Integer.parseInt(args[2]);
    ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium").addArguments("--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,1000",
        "--user-data-dir=" + Files.createTempDirectory("console-bench"));
    ChromeDriver browser = new ChromeDriver(new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build(), options);
    try {
      browser.get(base + "/console/login");
      browser.findElement(By.id("key")).sendKeys(args[1]);
      browser.findElement(By.id("sign-in")).click();
      until(browser, () -> browser.getCurrentUrl().endsWith("/console/overview"));
      String inbound = firstLink(browser, base + "/console/inbound", "#inbound-table tbody a");
      String delivery = firstLink(browser, base + "/console/deliveries", "#deliveries-table tbody a");
      Map<String, String> pages = new LinkedHashMap<>();
      pages.put("overview", "#v-intake:not(:empty)");
      pages.put("inbound", "#inbound-table tbody tr");
      pages.put("inbound?id=" + inbound, "#webhook-body:not(:empty)");
      pages.put("deliveries", "#deliveries-table tbody tr");
      pages.put("deliveries?id=" + delivery, "#timeline li");
      pages.put("subscriptions", "#subscriptions-table tbody tr");
      pages.put("tail", "#tail-table tbody tr");
      pages.put("events", "#event-lookup");
      System.out.printf("%-24s %8s %8s %8s%n", "page", "median", "p95", "max");
      for (Map.Entry<String, String> page : pages.entrySet()) {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
          times.add(timed(browser, base + "/console/" + page.getKey(), page.getValue()));
        }
        times.sort(null);
        String name = page.getKey().replaceAll("=\\d+", "={id}");
        System.out.printf("%-24s %6d ms %6d ms %6d ms%n", name, times.get(times.size() / 2),
            times.get((int) Math.ceil(times.size() * 0.95) - 1), times.get(times.size() - 1));
        System.out.printf("PAGE name=%s median_ms=%d max_ms=%d%n", name, times.get(times.size() / 2), times.get(times.size() - 1));
      }
    } finally {
      browser.quit();
    }
  }

  /** Milliseconds from asking for the page until {@code css} matches on it (polled every 5 ms). */
  private static long timed(ChromeDriver browser, String url, String css) {
    long start = System.nanoTime();
    browser.get(url);
    until(browser, () -> !browser.findElements(By.cssSelector(css)).isEmpty());
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static String firstLink(ChromeDriver browser, String url, String css) {
    browser.get(url);
    until(browser, () -> !browser.findElements(By.cssSelector(css)).isEmpty());
    return browser.findElement(By.cssSelector(css)).getText();
  }

  private static void until(ChromeDriver browser, java.util.function.BooleanSupplier condition) {
    new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(5)).until(d -> condition.getAsBoolean());
  }
}
