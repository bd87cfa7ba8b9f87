package io.switchboard.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Lets the environment override any key: {@code SWITCHBOARD_INGRESS_MAX_BODY_BYTES} sets
 * {@code ingress.maxBodyBytes}, {@code SWITCHBOARD_SOURCES_0_APP_SECRET} sets {@code sources[0].appSecret}.
 * The seeds' variable names are kept as aliases so existing deployments keep working.
 */
final class EnvironmentOverrides {

  private static final String PREFIX = "SWITCHBOARD_";
  private static final Set<String> NOT_KEYS = Set.of("SWITCHBOARD_CONFIG");

  private final Set<String> knownKeys = new HashSet<>();

  EnvironmentOverrides() {
    collectKeys(ConfigDefaults.tree());
    knownKeys.addAll(ConfigDefaults.SOURCE_KEYS);
    knownKeys.addAll(ConfigDefaults.SUBSCRIPTION_KEYS);
  }

  /** Applies the seed aliases, then every {@code SWITCHBOARD_*} variable (sorted, so the outcome is stable). */
  JsonObject apply(JsonObject tree, Map<String, String> env) {
    applyAliases(tree, env);
    new TreeMap<>(env).forEach((name, value) -> {
      if (name.startsWith(PREFIX) && !NOT_KEYS.contains(name)) {
        String[] tokens = name.substring(PREFIX.length()).toLowerCase(Locale.ROOT).split("_");
        set(tree, tokens, 0, value);
      }
    });
    return tree;
  }

  private void applyAliases(JsonObject tree, Map<String, String> env) {
    aliasOnSource(tree, env.get("WHATSAPP_WEBHOOK_VERIFY_TOKEN"), "meta", "verifyToken");
    aliasOnSource(tree, env.get("WHATSAPP_APP_SECRET"), "meta", "appSecret");
    aliasOnSource(tree, env.get("D360_WEBHOOK_BASIC_USER"), "360dialog", "basicAuth.user");
    aliasOnSource(tree, env.get("D360_WEBHOOK_BASIC_PASS"), "360dialog", "basicAuth.pass");
    if (env.get("WEBHOOK_RING_SIZE") != null && tree.getValue("ingress") instanceof JsonObject ingress) {
      ingress.put("ringSize", env.get("WEBHOOK_RING_SIZE"));
    }
  }

  /** Sets the key on every source of that kind, adding a source named after the kind if there is none. */
  private static void aliasOnSource(JsonObject tree, String value, String kind, String key) {
    if (value == null) {
      return;
    }
    if (!(tree.getValue("sources") instanceof JsonArray sources)) {
      return; // not a list: the reader reports it
    }
    boolean found = false;
    for (Object element : sources) {
      if (element instanceof JsonObject source && kind.equals(source.getString("kind"))) {
        putPath(source, key, value);
        found = true;
      }
    }
    if (!found) {
      JsonObject source = new JsonObject().put("name", kind).put("kind", kind);
      putPath(source, key, value);
      sources.add(source);
    }
  }

  private static void putPath(JsonObject target, String dotted, String value) {
    int dot = dotted.indexOf('.');
    if (dot < 0) {
      target.put(dotted, value);
      return;
    }
    String head = dotted.substring(0, dot);
    if (!(target.getValue(head) instanceof JsonObject)) {
      target.put(head, new JsonObject());
    }
    putPath(target.getJsonObject(head), dotted.substring(dot + 1), value);
  }

  private void set(Object node, String[] tokens, int from, String value) {
    if (node instanceof JsonArray array) {
      setInArray(array, tokens, from, value);
    } else if (node instanceof JsonObject object) {
      setInObject(object, tokens, from, value);
    }
  }

  private void setInArray(JsonArray array, String[] tokens, int from, String value) {
    int index;
    try {
      index = Integer.parseInt(tokens[from]);
    } catch (NumberFormatException e) {
      return;
    }
    if (index == array.size()) {
      array.add(new JsonObject());
    }
    if (index < array.size() && from + 1 < tokens.length) {
      set(array.getValue(index), tokens, from + 1, value);
    }
  }

  /** Matches the longest run of tokens that spells a known key, so camelCase keys read as UPPER_SNAKE. */
  private void setInObject(JsonObject object, String[] tokens, int from, String value) {
    for (int to = tokens.length; to > from; to--) {
      String key = keyFor(object, String.join("", java.util.Arrays.copyOfRange(tokens, from, to)));
      if (key == null) {
        continue;
      }
      if (to == tokens.length) {
        object.put(key, value);
      } else {
        Object child = object.getValue(key);
        if (child == null) {
          child = new JsonObject();
          object.put(key, child);
        }
        set(child, tokens, to, value);
      }
      return;
    }
  }

  private String keyFor(JsonObject object, String flat) {
    for (String key : object.fieldNames()) {
      if (key.toLowerCase(Locale.ROOT).equals(flat)) {
        return key;
      }
    }
    return knownKeys.stream().filter(k -> k.toLowerCase(Locale.ROOT).equals(flat)).findFirst().orElse(null);
  }

  private void collectKeys(JsonObject object) {
    for (String key : object.fieldNames()) {
      knownKeys.add(key);
      if (object.getValue(key) instanceof JsonObject child) {
        collectKeys(child);
      }
    }
  }
}
