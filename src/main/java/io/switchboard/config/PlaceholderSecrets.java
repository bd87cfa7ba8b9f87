package io.switchboard.config;

import io.switchboard.config.SwitchboardConfig.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Secure by default: the secrets shipped in conf/config.yaml and the README are public, so while one of them
 * is in use the router may listen only on a loopback address, where the quick start runs and nobody else can
 * reach it.
 */
final class PlaceholderSecrets {

  /** The README walk-through's subscription secret: anyone who read it can sign as the router. */
  private static final String EXAMPLE_SUBSCRIPTION_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final Pattern LOOPBACK = Pattern.compile(
      "localhost|127(\\.\\d{1,3}){3}|::1|\\[::1]|0:0:0:0:0:0:0:1", Pattern.CASE_INSENSITIVE);

  private PlaceholderSecrets() {}

  /** One problem line when a placeholder is in use and {@code http.host} is not loopback. */
  static void check(SwitchboardConfig config, Values values) {
    String host = config.http().host();
    List<String> keys = placeholderKeys(config);
    if (host != null && !keys.isEmpty() && !LOOPBACK.matcher(host.trim()).matches()) {
      values.problem("http.host", host + " is not a loopback address, and the shipped placeholder secrets are in"
          + " use at " + String.join(", ", keys) + ": set real secrets (in the environment) or listen on 127.0.0.1",
          null);
    }
  }

  private static List<String> placeholderKeys(SwitchboardConfig config) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < config.sources().size(); i++) {
      Source source = config.sources().get(i);
      String path = "sources[" + i + "].";
      add(keys, path + "verifyToken", source.verifyToken());
      for (int j = 0; j < source.appSecrets().size(); j++) {
        add(keys, path + (source.appSecrets().size() == 1 ? "appSecret" : "appSecrets[" + j + "]"),
            source.appSecrets().get(j));
      }
      add(keys, path + "basicAuth.pass", source.basicAuth() == null ? null : source.basicAuth().pass());
    }
    for (int i = 0; i < config.subscriptions().size(); i++) {
      add(keys, "subscriptions[" + i + "].secret", config.subscriptions().get(i).secret());
    }
    for (int i = 0; i < config.admin().apiKeys().size(); i++) {
      add(keys, "admin.apiKeys[" + i + "]", config.admin().apiKeys().get(i));
    }
    return keys;
  }

  private static void add(List<String> keys, String key, String value) {
    if (value != null && (value.toLowerCase(Locale.ROOT).startsWith("change-me")
        || value.equals(EXAMPLE_SUBSCRIPTION_SECRET))) {
      keys.add(key);
    }
  }
}
