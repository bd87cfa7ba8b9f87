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
import io.switchboard.config.SwitchboardConfig.Source;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns the merged config tree into {@link SwitchboardConfig}, or a {@link ConfigException} listing every problem. */
public final class ConfigReader {

  private static final Set<String> TOP_LEVEL =
      Set.of("http", "ingress", "sources", "subscriptions", "delivery", "storage", "admin", "logging");
  private static final Pattern SOURCE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  /** RFC 9110: a name is token characters; a value visible (or obs-text) characters, spaces, tabs: no CR, LF, NUL. */
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}");
  private static final Pattern HEADER_VALUE = Pattern.compile("[\\t\\x20-\\x7e\\x80-\\xff]{0,8192}");

  private final List<String> problems = new ArrayList<>();
  private final Values values = new Values(problems);

  public static SwitchboardConfig read(JsonObject tree) {
    return new ConfigReader().readTree(tree);
  }

  private SwitchboardConfig readTree(JsonObject tree) {
    tree.fieldNames().stream().filter(key -> !TOP_LEVEL.contains(key)).sorted()
        .forEach(key -> values.problem(key, "unknown key (expected one of " + new java.util.TreeSet<>(TOP_LEVEL) + ")", null));
    JsonObject http = values.object(tree, "http", "");
    JsonObject ingress = values.object(tree, "ingress", "");
    Delivery delivery = delivery(values.object(tree, "delivery", ""));
    SwitchboardConfig config = new SwitchboardConfig(
        new Http(values.integer(http, "port", "http", 0, 65535), values.requiredString(http, "host", "http"),
            values.duration(http, "idleTimeout", "http", Duration.ofSeconds(60)),
            values.duration(http, "requestReadTimeout", "http", Duration.ofSeconds(30))),
        new Ingress(
            values.choice(ingress, "ack", "ingress", AckMode.class, AckMode.DURABLE),
            values.integer(ingress, "maxBodyBytes", "ingress", 1, 64 * 1024 * 1024),
            values.integer(ingress, "ringSize", "ingress", 0, 100_000),
            values.duration(ingress, "ackTimeout", "ingress", Duration.ofSeconds(10))),
        sources(tree),
        subscriptions(tree, delivery),
        delivery,
        storage(values.object(tree, "storage", "")),
        new Admin(values.strings(values.object(tree, "admin", ""), "apiKeys", "admin")),
        logging(values.object(tree, "logging", "")));
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return config;
  }

  private SwitchboardConfig.Logging logging(JsonObject logging) {
    String level = values.string(logging, "level", "logging");
    if (level != null && !Set.of("trace", "debug", "info", "warn", "error").contains(level.toLowerCase())) {
      values.problem("logging.level", "must be one of trace, debug, info, warn, error (got '" + level + "')", null);
    }
    return new SwitchboardConfig.Logging(values.bool(logging, "json", "logging", false), level == null ? "info" : level);
  }

  private List<Source> sources(JsonObject tree) {
    List<Source> sources = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (JsonObject item : list(tree, "sources")) {
      String path = "sources[" + sources.size() + "]";
      String name = values.requiredString(item, "name", path);
      if (name != null && !SOURCE_NAME.matcher(name).matches()) {
        values.problem(path + ".name", "must be letters, digits, '.', '_' or '-' (it is a URL segment)", null);
      } else if (name != null && !names.add(name)) {
        values.problem(path + ".name", "'" + name + "' is used twice", null);
      }
      JsonObject basic = item.getValue("basicAuth") == null ? null : values.object(item, "basicAuth", path);
      sources.add(new Source(name, kind(item, path),
          values.string(item, "verifyToken", path), values.string(item, "appSecret", path),
          basic == null ? null : new BasicAuth(
              values.requiredString(basic, "user", path + ".basicAuth"),
              values.requiredString(basic, "pass", path + ".basicAuth")),
          values.choice(item, "onAuthFailure", path, AuthFailureMode.class, AuthFailureMode.REJECT)));
    }
    return sources;
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
      String name = values.requiredString(item, "name", path);
      if (name != null && !names.add(name)) {
        values.problem(path + ".name", "'" + name + "' is used twice", null);
      }
      subscriptions.add(subscription(item, path, name, delivery));
    }
    return subscriptions;
  }

  /**
   * One subscription as the management API receives it, checked by the same rules as the config file.
   * Throws {@link ConfigException} listing every problem, each naming its key ({@code subscription.url: …}).
   */
  public static Subscription readSubscription(JsonObject item, Delivery delivery) {
    ConfigReader reader = new ConfigReader();
    item.fieldNames().stream().filter(key -> !ConfigDefaults.SUBSCRIPTION_KEYS.contains(key)).sorted()
        .forEach(key -> reader.values.problem("subscription." + key, "unknown key (expected one of "
            + new java.util.TreeSet<>(ConfigDefaults.SUBSCRIPTION_KEYS) + ")", null));
    Subscription subscription = reader.subscription(item, "subscription",
        reader.values.requiredString(item, "name", "subscription"), delivery);
    if (!reader.problems.isEmpty()) {
      throw new ConfigException(reader.problems);
    }
    return subscription;
  }

  private Subscription subscription(JsonObject item, String path, String name, Delivery delivery) {
    List<String> events = events(item, path);
    return new Subscription(name, url(item, path), events.isEmpty() ? List.of("*") : events,
        values.string(item, "source", path), values.string(item, "phoneNumberId", path), secret(item, path),
        values.choice(item, "format", path, Format.class, Format.NORMALIZED), headers(item, path),
        values.duration(item, "timeout", path, delivery.timeout()),
        values.durations(item, "schedule", path, delivery.schedule()),
        values.integer(item, "maxConcurrency", path, 1, 1000, 10),
        values.optionalInteger(item, "ratePerMinute", path, 1, 1_000_000),
        values.bool(item, "enabled", path, true));
  }

  private List<String> events(JsonObject item, String path) {
    List<String> events = values.strings(item, "events", path);
    for (int i = 0; i < events.size(); i++) {
      String problem = GlobSyntax.problem(events.get(i));
      if (problem != null) {
        values.problem(path + ".events[" + i + "]", problem, null);
      }
    }
    return events;
  }

  private String url(JsonObject item, String path) {
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
        values.duration(delivery, "timeout", "delivery", Duration.ofSeconds(30)),
        values.durations(delivery, "schedule", "delivery", List.of()),
        values.decimal(delivery, "jitter", "delivery", 0, 1),
        values.bool(delivery, "allowPrivateNetworks", "delivery", false),
        values.bool(delivery, "allowHttp", "delivery", false),
        values.duration(delivery, "pollInterval", "delivery", Duration.ofSeconds(1)),
        values.bool(delivery, "retryClientErrors", "delivery", false),
        values.integer(delivery, "circuitThreshold", "delivery", 1, 1_000_000),
        values.duration(delivery, "circuitCooldown", "delivery", Duration.ofSeconds(30)),
        values.duration(delivery, "circuitMaxCooldown", "delivery", Duration.ofMinutes(10)),
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
        values.duration(storage, "recoveryGrace", "storage", Duration.ofSeconds(10)),
        values.duration(storage, "recoveryInterval", "storage", Duration.ofSeconds(5)));
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
