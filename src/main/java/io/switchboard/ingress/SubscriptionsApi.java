package io.switchboard.ingress;

import static io.switchboard.ingress.ApiRequests.handle;

import io.switchboard.api.Bus;
import io.switchboard.api.DeleteSubscription;
import io.switchboard.api.Lookup;
import io.switchboard.api.RotateSecret;
import io.switchboard.api.SaveSubscription;
import io.switchboard.api.SendTest;
import io.switchboard.api.StoredSubscription;
import io.switchboard.api.SubscriptionSet;
import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigReader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.SwitchboardConfig.Subscription;
import io.switchboard.ingress.ApiRequests.BadParameter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * {@code /api/subscriptions}: CRUD for API-owned subscriptions, validated by the config file's rules.
 * Secrets are shown once, on create; afterwards only masked ({@code whsec_…abcd}).
 */
final class SubscriptionsApi {

  private static final SecureRandom RANDOM = new SecureRandom();
  /** What PUT takes: a subscription's keys plus the read-only ones a GET shows, so a GET can be sent back. */
  private static final Set<String> READ_BACK_KEYS = readBackKeys();

  private final Vertx vertx;
  private final SwitchboardConfig config;

  SubscriptionsApi(Vertx vertx, SwitchboardConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  void mount(Router router) {
    router.get("/subscriptions").handler(ctx -> handle(ctx, () -> this.<SubscriptionSet>ask(Bus.LIST_SUBSCRIPTIONS, null)
        .map(set -> new JsonObject().put("data", list(set)).put("next_cursor", null))));
    router.post("/subscriptions").handler(this::create);
    router.get("/subscriptions/:id").handler(ctx -> handle(ctx, () -> this.<StoredSubscription>ask(
        Bus.GET_SUBSCRIPTION, Lookup.of(ApiRequests.id(ctx, "id"))).map(s -> json(s, false))));
    router.put("/subscriptions/:id").handler(this::replace);
    router.delete("/subscriptions/:id").handler(this::delete);
    router.post("/subscriptions/:id/rotate-secret").handler(this::rotateSecret);
    router.post("/subscriptions/:id/test").handler(this::test);
  }

  /** A signed {@code webhook.test} event to the subscription's own URL with its own secret; the answer shows no secret. */
  private void test(RoutingContext ctx) {
    handle(ctx, () -> this.<StoredSubscription>ask(Bus.GET_SUBSCRIPTION, Lookup.of(ApiRequests.id(ctx, "id")))
        .compose(stored -> vertx.eventBus().<JsonObject>request(Bus.SEND_TEST,
            new SendTest(stored.spec().url(), stored.spec().secret()),
            new DeliveryOptions().setSendTimeout(stored.spec().timeout().toMillis() + 5_000)))
        .map(Message::body));
  }

  /**
   * A new secret, shown once; the current one keeps signing beside it for {@code expireOldAfter} (default 24h),
   * so receivers can move to the new one without a failed delivery.
   */
  private void rotateSecret(RoutingContext ctx) {
    handle(ctx, () -> {
      JsonObject body = ApiRequests.body(ctx, java.util.Set.of("expireOldAfter"));
      Duration window;
      try {
        window = ConfigReader.readDuration("expireOldAfter", body.getValue("expireOldAfter", "24h"));
      } catch (ConfigException e) {
        throw new BadParameter(String.join("; ", e.problems()));
      }
      return this.<StoredSubscription>ask(Bus.ROTATE_SECRET, new RotateSecret(ApiRequests.id(ctx, "id"), newSecret(),
          window)).map(s -> json(s, true, false)); // the new secret once; the headers were shown at creation
    });
  }

  /** A Standard Webhooks secret: {@code whsec_} + base64 of 24 random bytes, as Svix issues them. */
  static String newSecret() {
    byte[] key = new byte[24];
    RANDOM.nextBytes(key);
    return "whsec_" + Base64.getEncoder().encodeToString(key);
  }

  private void create(RoutingContext ctx) {
    handle(ctx, () -> {
      JsonObject body = ApiRequests.body(ctx, ConfigReader.subscriptionKeys());
      if (body.getValue("secret") == null) {
        body.put("secret", newSecret());
      }
      Subscription spec = validated(body);
      return this.<StoredSubscription>ask(Bus.SAVE_SUBSCRIPTION, new SaveSubscription(null, spec)).map(s -> {
        ctx.response().setStatusCode(201);
        return json(s, true);
      });
    });
  }

  /**
   * PUT replaces every field, except the masked ones: an omitted or still-masked ({@code …}) secret or
   * header value keeps the stored one, so a GET can be edited and sent back without the secrets in hand.
   * The read-only {@code id}, {@code origin} and {@code previousSecretUntil} of a GET are ignored.
   */
  private void replace(RoutingContext ctx) {
    handle(ctx, () -> {
      long id = ApiRequests.id(ctx, "id");
      JsonObject body = ApiRequests.body(ctx, READ_BACK_KEYS).copy();
      body.remove("id");
      body.remove("origin");
      body.remove("previousSecretUntil");
      return this.<StoredSubscription>ask(Bus.GET_SUBSCRIPTION, Lookup.of(id))
          .compose(stored -> this.<StoredSubscription>ask(Bus.SAVE_SUBSCRIPTION,
              new SaveSubscription(id, validated(keepSecrets(body, stored.spec())))))
          .map(s -> json(s, false));
    });
  }

  /**
   * Header values often carry the subscriber's credentials (Authorization): they are never sent to another host
   * unseen. A PUT that moves the URL to another scheme, host or port must give every header value again.
   */
  private static JsonObject keepSecrets(JsonObject body, Subscription stored) {
    if (body.getValue("secret") == null || masked(body.getValue("secret"))) {
      body.put("secret", stored.secret());
    }
    if (!stored.headers().isEmpty() && !sameOrigin(body.getValue("url"), stored.url())
        && !allGivenAgain(body.getValue("headers"), stored.headers().keySet())) {
      throw new BadParameter("subscription.headers: the URL moves to another host, so every header value must be given"
          + " again (they are masked when read, and are not sent to a new host unseen)");
    }
    if (body.getValue("headers") == null) {
      body.put("headers", new JsonObject(new HashMap<>(stored.headers())));
    } else if (body.getValue("headers") instanceof JsonObject headers) {
      stored.headers().forEach((name, value) -> {
        if (masked(headers.getValue(name))) {
          headers.put(name, value);
        }
      });
    }
    return body;
  }

  private static boolean sameOrigin(Object url, String storedUrl) {
    try {
      URI given = new URI(String.valueOf(url));
      URI stored = new URI(storedUrl);
      return Objects.equals(given.getScheme(), stored.getScheme())
          && Objects.equals(given.getHost(), stored.getHost()) && given.getPort() == stored.getPort();
    } catch (URISyntaxException e) {
      return false; // the reader refuses it with its own message, or the host changed: no silent copy either way
    }
  }

  /** Every stored header's value is in the request, in clear (not the mask a GET shows). */
  private static boolean allGivenAgain(Object headers, Set<String> names) {
    return headers instanceof JsonObject given
        && names.stream().allMatch(name -> given.getValue(name) != null && !masked(given.getValue(name)));
  }

  private static boolean masked(Object value) {
    return value instanceof String text && text.contains("…");
  }

  private void delete(RoutingContext ctx) {
    handle(ctx, () -> ask(Bus.DELETE_SUBSCRIPTION,
            new DeleteSubscription(ApiRequests.id(ctx, "id"), "true".equals(ApiRequests.text(ctx, "purge"))))
        .map(v -> {
          ctx.response().setStatusCode(204).end();
          return null;
        }));
  }

  private Subscription validated(JsonObject body) {
    try {
      return ConfigReader.readSubscription(body, config.delivery());
    } catch (ConfigException e) {
      throw new BadParameter(String.join("; ", e.problems()));
    }
  }

  private static JsonArray list(SubscriptionSet set) {
    JsonArray items = new JsonArray();
    set.subscriptions().forEach(s -> items.add(json(s, false)));
    return items;
  }

  /** The same keys the config file and POST take, so a GET can be edited and PUT back. */
  static JsonObject json(StoredSubscription stored, boolean showSecret) {
    return json(stored, showSecret, showSecret);
  }

  /** The secret and the header values in clear only when asked (creation; a rotation shows the new secret only). */
  static JsonObject json(StoredSubscription stored, boolean showSecret, boolean showHeaders) {
    Subscription s = stored.spec();
    JsonArray schedule = new JsonArray();
    s.schedule().forEach(d -> schedule.add(duration(d)));
    return new JsonObject().put("id", stored.id()).put("origin", stored.origin()).put("name", s.name())
        .put("url", s.url()).put("events", new JsonArray(s.events())).put("source", s.source())
        .put("phoneNumberId", s.phoneNumberId())
        .put("secret", showSecret ? s.secret() : mask(s.secret()))
        .put("format", s.format().name().toLowerCase(Locale.ROOT)).put("headers", headers(s, showHeaders))
        .put("timeout", duration(s.timeout())).put("schedule", schedule).put("maxConcurrency", s.maxConcurrency())
        .put("ratePerMinute", s.ratePerMinute()).put("enabled", s.enabled())
        .put("expireAfter", s.expireAfter() == null ? null : duration(s.expireAfter())).put("contactKey", s.contactKey())
        .put("ordering", s.ordering().name().toLowerCase(Locale.ROOT))
        .put("statusOrder", s.statusOrder().name().toLowerCase(Locale.ROOT))
        .put("orderingHoldLimit", duration(s.orderingHoldLimit()))
        .put("previousSecretUntil", stored.previousSecretUntil() == null
            || stored.previousSecretUntil().isBefore(java.time.Instant.now()) ? null : stored.previousSecretUntil().toString());
  }

  /** Header values often carry a subscriber's credentials (Authorization): masked like the secret. */
  private static JsonObject headers(Subscription s, boolean show) {
    JsonObject headers = new JsonObject();
    s.headers().forEach((name, value) -> headers.put(name, show ? value : mask(value)));
    return headers;
  }

  static String mask(String secret) {
    if (secret == null || secret.length() < 12) {
      return "…";
    }
    String prefix = secret.startsWith("whsec_") ? "whsec_" : "";
    return prefix + "…" + secret.substring(secret.length() - 4);
  }

  private static String duration(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static Set<String> readBackKeys() {
    Set<String> keys = new java.util.HashSet<>(ConfigReader.subscriptionKeys());
    keys.addAll(Set.of("id", "origin", "previousSecretUntil"));
    return Set.copyOf(keys);
  }

  private <T> Future<T> ask(String address, Object request) {
    return vertx.eventBus().<T>request(address, request).map(Message::body);
  }
}
