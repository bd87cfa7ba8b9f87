package io.switchboard.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole configuration as one immutable record tree, validated before anything deploys. Each verticle
 * receives only its slice through its constructor.
 */
public record SwitchboardConfig(
    Http http,
    Ingress ingress,
    List<Source> sources,
    List<Subscription> subscriptions,
    Delivery delivery,
    Storage storage,
    Admin admin,
    Logging logging) {

  public SwitchboardConfig {
    sources = List.copyOf(sources);
    subscriptions = List.copyOf(subscriptions);
  }

  public Optional<Source> source(String name) {
    return sources.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * {@code idleTimeout}: a connection with no bytes either way for this long is closed. {@code requestReadTimeout}:
   * once a connection opens, or its last response is sent, the next request must arrive whole (headers and
   * body) within this time, so a client trickling bytes cannot hold a connection open.
   */
  public record Http(int port, String host, Duration idleTimeout, Duration requestReadTimeout) {}

  /** How ingress acknowledges: after the commit ({@code durable}) or before it ({@code immediate}). */
  public enum AckMode { DURABLE, IMMEDIATE }

  public record Ingress(AckMode ack, int maxBodyBytes, int ringSize, Duration ackTimeout) {}

  public enum SourceKind { META, D360 }

  /** What a failed auth check answers: 401, or 200 to stop a provider's retry loop (still stores nothing). */
  public enum AuthFailureMode { REJECT, ACKNOWLEDGE }

  public record BasicAuth(String user, String pass) {}

  /**
   * A provider endpoint. {@code appSecrets}: any of them may sign a Meta body, so a reset app secret can be
   * added before the old one is removed. {@code trustProxy}: the rate limit keys on the first
   * {@code X-Forwarded-For} hop instead of the connection's address (only behind a proxy that sets it).
   */
  public record Source(
      String name, SourceKind kind, String verifyToken, List<String> appSecrets, BasicAuth basicAuth,
      AuthFailureMode onAuthFailure, RateLimit rateLimit, boolean trustProxy) {

    public Source {
      appSecrets = List.copyOf(appSecrets);
    }

    /** One app secret, no rate limit. */
    public Source(String name, SourceKind kind, String verifyToken, String appSecret, BasicAuth basicAuth,
        AuthFailureMode onAuthFailure) {
      this(name, kind, verifyToken, appSecret == null ? List.of() : List.of(appSecret), basicAuth, onAuthFailure,
          null, false);
    }

    /** Whether a request must prove it comes from the provider: without, anyone who finds the URL can post. */
    public boolean checksAuth() {
      return kind == SourceKind.META ? !appSecrets.isEmpty() : basicAuth != null;
    }

    /** The first app secret, or null when signatures are not checked. */
    public String appSecret() {
      return appSecrets.isEmpty() ? null : appSecrets.get(0);
    }
  }

  /** Requests per client address a source accepts per minute and per hour; null = no limit on that window. */
  public record RateLimit(Integer perMinute, Integer perHour) {}

  public enum Format { NORMALIZED, RAW }

  /**
   * Who wants which events at which endpoint. {@code expireAfter} (null: never) ends a delivery not
   * accomplished that long after its event was received as {@code expired}; {@code contactKey} (null: any)
   * keeps only the events of one person (SPEC 5.1's {@code data.contact_key}). {@code ordering},
   * {@code statusOrder} and {@code orderingHoldLimit} are docs/ordering.md's.
   */
  public record Subscription(
      String name, String url, List<String> events, String source, String phoneNumberId, String secret,
      Format format, Map<String, String> headers, Duration timeout, List<Duration> schedule,
      int maxConcurrency, Integer ratePerMinute, boolean enabled, Duration expireAfter, String contactKey,
      Ordering ordering, StatusOrder statusOrder, Duration orderingHoldLimit) {

    public Subscription {
      events = List.copyOf(events);
      headers = Map.copyOf(headers);
      schedule = List.copyOf(schedule);
    }

    /** A subscription with no expiry and no contact filter. */
    public Subscription(String name, String url, List<String> events, String source, String phoneNumberId,
        String secret, Format format, Map<String, String> headers, Duration timeout, List<Duration> schedule,
        int maxConcurrency, Integer ratePerMinute, boolean enabled) {
      this(name, url, events, source, phoneNumberId, secret, format, headers, timeout, schedule, maxConcurrency,
          ratePerMinute, enabled, null, null);
    }

    /** A subscription with no ordering: every event is sent as soon as it can be. */
    public Subscription(String name, String url, List<String> events, String source, String phoneNumberId,
        String secret, Format format, Map<String, String> headers, Duration timeout, List<Duration> schedule,
        int maxConcurrency, Integer ratePerMinute, boolean enabled, Duration expireAfter, String contactKey) {
      this(name, url, events, source, phoneNumberId, secret, format, headers, timeout, schedule, maxConcurrency,
          ratePerMinute, enabled, expireAfter, contactKey, Ordering.NONE, StatusOrder.ANY, DEFAULT_HOLD_LIMIT);
    }

    /** Whether this subscription's deliveries wait for one another (docs/ordering.md). */
    public boolean sequenced() {
      return ordering == Ordering.CONTACT || statusOrder == StatusOrder.MONOTONIC;
    }
  }

  /** The defaults.yaml value, for subscriptions built in code. */
  static final Duration DEFAULT_HOLD_LIMIT = Duration.ofMinutes(30);

  /** {@code contact}: one event at a time per (phone number, contact), in the order received. */
  public enum Ordering { NONE, CONTACT }

  /** {@code monotonic}: a message's status ranked below one already sent is recorded {@code superseded}. */
  public enum StatusOrder { ANY, MONOTONIC }

  /**
   * Delivery defaults and guards. {@code disableAfter} null means a failing subscription is never switched
   * off automatically; {@code retryClientErrors} retries 4xx other than 408/429 instead of failing at once.
   */
  public record Delivery(
      Duration timeout, List<Duration> schedule, double jitter, boolean allowPrivateNetworks,
      boolean allowHttp, Duration pollInterval, boolean retryClientErrors, int circuitThreshold,
      Duration circuitCooldown, Duration circuitMaxCooldown, Duration disableAfter) {

    public Delivery {
      schedule = List.copyOf(schedule);
    }
  }

  public record Embedded(String dataDir, int port) {}

  /** {@code maxDowntime}: how long Postgres may stay unreachable before {@code /health/live} fails. */
  public record Storage(
      String url, Embedded embedded, int retentionDays, int poolSize, int maxBatchSize,
      Duration recoveryGrace, Duration recoveryInterval, Duration maxDowntime) {}

  /** {@code json}: one JSON object per log line (for log shippers) instead of plain text. */
  public record Logging(boolean json, String level) {}

  /**
   * {@code sessionTimeout}: how long a console login lasts (the cookie's Max-Age), from the login on.
   * {@code consoleHosts}: the host names a browser may reach the console and the management API by (the
   * {@code Host} header, port aside); empty means loopback only (localhost, 127.0.0.1, [::1]). A page served from
   * any other name, such as a DNS-rebinding attacker's, is refused.
   */
  public record Admin(List<String> apiKeys, Duration sessionTimeout, List<String> consoleHosts) {

    public Admin {
      apiKeys = List.copyOf(apiKeys);
      consoleHosts = List.copyOf(consoleHosts);
    }
  }
}
