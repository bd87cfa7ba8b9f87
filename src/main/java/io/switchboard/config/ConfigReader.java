package io.switchboard.config;

import io.switchboard.config.SwitchboardConfig.Admin;
import io.switchboard.config.SwitchboardConfig.AuthFailureMode;
import io.switchboard.config.SwitchboardConfig.AckMode;
import io.switchboard.config.SwitchboardConfig.BasicAuth;
import io.switchboard.config.SwitchboardConfig.Delivery;
import io.switchboard.config.SwitchboardConfig.Embedded;
import io.switchboard.config.SwitchboardConfig.Format;
import io.switchboard.config.SwitchboardConfig.Http;
import io.switchboard.config.SwitchboardConfig.Ingress;
import io.switchboard.config.SwitchboardConfig.Ordering;
import io.switchboard.config.SwitchboardConfig.RateLimit;
import io.switchboard.config.SwitchboardConfig.Source;
import io.switchboard.config.SwitchboardConfig.StatusOrder;
import io.switchboard.config.SwitchboardConfig.SourceKind;
import io.switchboard.config.SwitchboardConfig.Storage;
import io.switchboard.config.SwitchboardConfig.Subscription;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns the merged config tree into {@link SwitchboardConfig}, or a {@link ConfigException} listing every problem. */
public final class ConfigReader {

  private static final Pattern SOURCE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  /** RFC 9110: a name is token characters; a value visible (or obs-text) characters, spaces, tabs: no CR, LF, NUL. */
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}");
  private static final Pattern HEADER_VALUE = Pattern.compile("[\\t\\x20-\\x7e\\x80-\\xff]{0,8192}");

  private final List<String> problems = new ArrayList<>();
  private final Values values = new Values(problems);

  public static SwitchboardConfig read(JsonObject tree) {
    return read(tree, List.of());
  }

  /** {@code earlier}: problems found before the tree was built (unknown environment variables), listed first. */
  static SwitchboardConfig read(JsonObject tree, List<String> earlier) {
    ConfigReader reader = new ConfigReader();
    reader.problems.addAll(earlier);
    return reader.readTree(tree);
  }

  private SwitchboardConfig readTree(JsonObject tree) {
    new UnknownKeys(values).check(tree, ConfigDefaults.schema(), "");
    JsonObject http = values.object(tree, "http", "");
    JsonObject ingress = values.object(tree, "ingress", "");
    Delivery delivery = delivery(values.object(tree, "delivery", ""));
    SwitchboardConfig config = new SwitchboardConfig(
        new Http(values.integer(http, "port", "http", 0, 65535), values.requiredString(http, "host", "http"),
            values.duration(http, "idleTimeout", "http", Duration.ofSeconds(60)),
            values.duration(http, "requestReadTimeout", "http", Duration.ofSeconds(30))),
        new Ingress(
            values.choice(ingress, "ack", "ingress", AckMode.class),
            values.integer(ingress, "maxBodyBytes", "ingress", 1, 64 * 1024 * 1024),
            values.integer(ingress, "ringSize", "ingress", 0, 100_000),
            values.duration(ingress, "ackTimeout", "ingress")),
        sources(tree),
        subscriptions(tree, delivery),
        delivery,
        storage(values.object(tree, "storage", "")),
        admin(values.object(tree, "admin", "")),
        logging(values.object(tree, "logging", "")));
    PlaceholderSecrets.check(config, values);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return config;
  }

  private Admin admin(JsonObject admin) {
    List<String> keys = values.strings(admin, "apiKeys", "admin");
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i) == null || keys.get(i).isBlank() || "null".equals(keys.get(i))) {
        values.problem("admin.apiKeys[" + i + "]", "is blank: a blank key would let anyone in", null);
      }
    }
    return new Admin(keys, values.duration(admin, "sessionTimeout", "admin"),
        values.strings(admin, "consoleHosts", "admin"));
  }

  private SwitchboardConfig.Logging logging(JsonObject logging) {
    String level = values.requiredString(logging, "level", "logging");
    if (level != null && !Set.of("trace", "debug", "info", "warn", "error").contains(level.toLowerCase())) {
      values.problem("logging.level", "must be one of trace, debug, info, warn, error (got '" + level + "')", null);
    }
    return new SwitchboardConfig.Logging(values.bool(logging, "json", "logging"), level);
  }

  private List<Source> sources(JsonObject tree) {
    List<Source> sources = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (JsonObject given : list(tree, "sources")) {
      String path = "sources[" + sources.size() + "]";
      JsonObject item = ConfigDefaults.withItemDefaults("sources", given);
      String name = values.requiredString(item, "name", path);
      if (name != null && !SOURCE_NAME.matcher(name).matches()) {
        values.problem(path + ".name", "must be letters, digits, '.', '_' or '-' (it is a URL segment)", null);
      } else if (name != null && !names.add(name)) {
        values.problem(path + ".name", "'" + name + "' is used twice", null);
      }
      sources.add(new Source(name, kind(item, path), values.string(item, "verifyToken", path),
          appSecrets(item, path), basicAuth(item, path),
          values.choice(item, "onAuthFailure", path, AuthFailureMode.class), rateLimit(item, path),
          values.bool(item, "trustProxy", path)));
    }
    return sources;
  }

  /** {@code appSecret} and {@code appSecrets} together: any of them may sign a body (Meta's app-secret reset). */
  private List<String> appSecrets(JsonObject item, String path) {
    Set<String> secrets = new LinkedHashSet<>();
    String one = values.string(item, "appSecret", path);
    if (one != null && !one.isBlank()) {
      secrets.add(one);
    }
    secrets.addAll(values.strings(item, "appSecrets", path));
    secrets.remove("");
    return List.copyOf(secrets);
  }

  private BasicAuth basicAuth(JsonObject item, String path) {
    if (item.getValue("basicAuth") == null) {
      return null;
    }
    JsonObject basic = values.object(item, "basicAuth", path);
    return new BasicAuth(values.requiredString(basic, "user", path + ".basicAuth"),
        values.requiredString(basic, "pass", path + ".basicAuth"));
  }

  private RateLimit rateLimit(JsonObject item, String path) {
    if (item.getValue("rateLimit") == null) {
      return null;
    }
    JsonObject limit = values.object(item, "rateLimit", path);
    RateLimit rateLimit = new RateLimit(
        values.optionalInteger(limit, "perMinute", path + ".rateLimit", 1, 100_000_000),
        values.optionalInteger(limit, "perHour", path + ".rateLimit", 1, 100_000_000));
    if (rateLimit.perMinute() == null && rateLimit.perHour() == null) {
      values.problem(path + ".rateLimit", "needs perMinute, perHour or both", null);
    }
    return rateLimit;
  }

  private SourceKind kind(JsonObject item, String path) {
    String kind = values.string(item, "kind", path);
    if ("meta".equals(kind)) {
      return SourceKind.META;
    }
    if ("360dialog".equals(kind)) {
      return SourceKind.D360;
    }
    return values.problem(path + ".kind", "must be meta or 360dialog (got '" + kind + "')", SourceKind.META);
  }

  private List<Subscription> subscriptions(JsonObject tree, Delivery delivery) {
    List<Subscription> subscriptions = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (JsonObject item : list(tree, "subscriptions")) {
      String path = "subscriptions[" + subscriptions.size() + "]";
      Subscription subscription = subscription(item, path, delivery);
      if (subscription.name() != null && !names.add(subscription.name())) {
        values.problem(path + ".name", "'" + subscription.name() + "' is used twice", null);
      }
      subscriptions.add(subscription);
    }
    return subscriptions;
  }

  /**
   * One subscription as the management API receives it, checked by the same rules as the config file.
   * Throws {@link ConfigException} listing every problem, each naming its key ({@code subscription.url: …}).
   */
  public static Subscription readSubscription(JsonObject item, Delivery delivery) {
    ConfigReader reader = new ConfigReader();
    new UnknownKeys(reader.values).check(item, ConfigDefaults.template("subscriptions"), "subscription");
    Subscription subscription = reader.subscription(item, "subscription", delivery);
    if (!reader.problems.isEmpty()) {
      throw new ConfigException(reader.problems);
    }
    return subscription;
  }

  /** A positive duration (500ms, 30s, 2m, 1h) as the management API receives it; throws naming {@code key}. */
  public static Duration readDuration(String key, Object value) {
    ConfigReader reader = new ConfigReader();
    Duration duration = reader.values.duration(new JsonObject().put(key, value), key, "body");
    if (!reader.problems.isEmpty()) {
      throw new ConfigException(reader.problems);
    }
    return duration;
  }

  /** The keys a subscription takes, in the file and in the management API. */
  public static Set<String> subscriptionKeys() {
    return ConfigDefaults.template("subscriptions").fieldNames();
  }

  /** Where the subscription is silent its template fills in; timeout and schedule come from delivery. */
  private Subscription subscription(JsonObject given, String path, Delivery delivery) {
    JsonObject item = ConfigDefaults.withItemDefaults("subscriptions", given);
    Duration timeout = values.duration(item, "timeout", path, null);
    Subscription subscription = new Subscription(values.requiredString(item, "name", path), url(item, path, delivery),
        events(item, path),
        values.string(item, "source", path), values.string(item, "phoneNumberId", path), secret(item, path),
        values.choice(item, "format", path, Format.class), headers(item, path),
        timeout == null ? delivery.timeout() : timeout,
        values.durations(item, "schedule", path, delivery.schedule()),
        values.integer(item, "maxConcurrency", path, 1, 1000),
        values.optionalInteger(item, "ratePerMinute", path, 1, 1_000_000),
        values.bool(item, "enabled", path),
        values.duration(item, "expireAfter", path, null),
        values.string(item, "contactKey", path),
        values.choice(item, "ordering", path, Ordering.class),
        values.choice(item, "statusOrder", path, StatusOrder.class),
        values.duration(item, "orderingHoldLimit", path));
    if (subscription.format() == Format.RAW && subscription.sequenced()) {
      values.problem(path + ".format", "raw cannot be ordered: a raw body may hold several contacts (ordering and"
          + " statusOrder need format: normalized)", null);
    }
    return subscription;
  }

  /** An empty list would match nothing, which no one means: it reads as the template's default, every event. */
  private List<String> events(JsonObject item, String path) {
    List<String> events = values.strings(item, "events", path);
    for (int i = 0; i < events.size(); i++) {
      String problem = GlobSyntax.problem(events.get(i));
      if (problem != null) {
        values.problem(path + ".events[" + i + "]", problem, null);
      }
    }
    return events.isEmpty() ? values.strings(ConfigDefaults.template("subscriptions"), "events", path) : events;
  }

  /**
   * An absolute http(s) URL that delivery's rules would not refuse on sight: http without
   * {@code delivery.allowHttp}, or a loopback, private or metadata address written literally without
   * {@code delivery.allowPrivateNetworks}. Names are resolved only at send time (the guard checks again there).
   */
  private String url(JsonObject item, String path, Delivery delivery) {
    String url = values.requiredString(item, "url", path);
    if (url == null) {
      return null;
    }
    try {
      URI uri = new URI(url);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        return values.problem(path + ".url", "must be an absolute http(s) URL (got '" + url + "')", url);
      }
      if (uri.getPort() == 0 || uri.getPort() > 65535) {
        return values.problem(path + ".url", "port must be between 1 and 65535 (got " + uri.getPort() + ")", url);
      }
      String refusal = InternalAddresses.refusalOnSight(uri, delivery.allowHttp(), delivery.allowPrivateNetworks());
      if (refusal != null) {
        return values.problem(path + ".url", refusal, url);
      }
    } catch (java.net.URISyntaxException e) {
      return values.problem(path + ".url", "is not a valid URL: " + e.getMessage(), url);
    }
    return url;
  }

  /** Standard Webhooks secrets are {@code whsec_<base64>}; anything else is used as raw UTF-8 key bytes. */
  private String secret(JsonObject item, String path) {
    String secret = values.requiredString(item, "secret", path);
    if (secret != null && secret.startsWith("whsec_")) {
      byte[] key;
      try {
        key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
      } catch (IllegalArgumentException e) {
        return values.problem(path + ".secret", "whsec_ secrets must be base64 after the prefix", secret);
      }
      if (key.length == 0) {
        return values.problem(path + ".secret", "whsec_ secret has no key after the prefix", secret);
      }
    }
    return secret;
  }

  /** Checked here, not when sent: a CR or LF would otherwise fail every attempt, or split the request. */
  private Map<String, String> headers(JsonObject item, String path) {
    Map<String, String> headers = new LinkedHashMap<>();
    values.object(item, "headers", path).forEach(e -> {
      String value = String.valueOf(e.getValue());
      if (!HEADER_NAME.matcher(e.getKey()).matches()) {
        values.problem(path + ".headers", "'" + GlobSyntax.printable(e.getKey()) + "' is not a header name", null);
      } else if (!HEADER_VALUE.matcher(value).matches()) {
        values.problem(path + ".headers." + e.getKey(), "must not hold CR, LF or other control characters", null);
      }
      headers.put(e.getKey(), value);
    });
    return headers;
  }

  private Delivery delivery(JsonObject delivery) {
    return new Delivery(
        values.duration(delivery, "timeout", "delivery"),
        values.durations(delivery, "schedule", "delivery", List.of()),
        values.decimal(delivery, "jitter", "delivery", 0, 1),
        values.bool(delivery, "allowPrivateNetworks", "delivery"),
        values.bool(delivery, "allowHttp", "delivery"),
        values.duration(delivery, "pollInterval", "delivery"),
        values.bool(delivery, "retryClientErrors", "delivery"),
        values.integer(delivery, "circuitThreshold", "delivery", 1, 1_000_000),
        values.duration(delivery, "circuitCooldown", "delivery"),
        values.duration(delivery, "circuitMaxCooldown", "delivery"),
        values.duration(delivery, "disableAfter", "delivery", null));
  }

  private Storage storage(JsonObject storage) {
    JsonObject embedded = values.object(storage, "embedded", "storage");
    String url = values.string(storage, "url", "storage");
    if (url != null && !(url.startsWith("postgresql://") || url.startsWith("postgres://"))) {
      values.problem("storage.url", "must look like postgresql://user:pass@host:5432/db", null);
    }
    return new Storage(url,
        new Embedded(values.requiredString(embedded, "dataDir", "storage.embedded"),
            values.integer(embedded, "port", "storage.embedded", 0, 65535)),
        values.integer(storage, "retentionDays", "storage", 1, 36_500),
        values.integer(storage, "poolSize", "storage", 1, 256),
        values.integer(storage, "maxBatchSize", "storage", 1, 10_000),
        values.duration(storage, "recoveryGrace", "storage"),
        values.duration(storage, "recoveryInterval", "storage"),
        values.duration(storage, "maxDowntime", "storage"));
  }

  private List<JsonObject> list(JsonObject tree, String key) {
    Object value = tree.getValue(key);
    List<JsonObject> items = new ArrayList<>();
    if (value == null) {
      return items;
    }
    if (!(value instanceof JsonArray array)) {
      return values.problem(key, "must be a list", items);
    }
    for (int i = 0; i < array.size(); i++) {
      if (array.getValue(i) instanceof JsonObject object) {
        items.add(object);
      } else {
        values.problem(key + "[" + i + "]", "must be a mapping", null);
      }
    }
    return items;
  }
}
