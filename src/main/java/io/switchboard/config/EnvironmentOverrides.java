package io.switchboard.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lets the environment override any key: {@code SWITCHBOARD_INGRESS_MAX_BODY_BYTES} sets
 * {@code ingress.maxBodyBytes}, {@code SWITCHBOARD_SOURCES_0_APP_SECRET} sets {@code sources[0].appSecret}.
 * The seeds' variable names are kept as aliases so existing deployments keep working.
 */
final class EnvironmentOverrides {

  private static final String PREFIX = "SWITCHBOARD_";
  /** Variables that are not keys: the config file's name, and the log level Logback reads before the config. */
  private static final Set<String> NOT_KEYS = Set.of("SWITCHBOARD_CONFIG", "SWITCHBOARD_LOG_LEVEL");
  private static final String INDEX = "#";
  private static final Pattern LIST_INDEX = Pattern.compile("(?<=_|^)\\d+(?=_|$)");

  private final JsonObject schema = ConfigDefaults.schema();
  private final List<String> problems = new ArrayList<>();

  /**
   * Applies the seed aliases, then every {@code SWITCHBOARD_*} variable (sorted, so the outcome is stable).
   * A variable that spells no key is a problem: a typo would otherwise leave the key at its default.
   */
  JsonObject apply(JsonObject tree, Map<String, String> env) {
    applyAliases(tree, env);
    new TreeMap<>(env).forEach((name, value) -> {
      if (name.startsWith(PREFIX) && !NOT_KEYS.contains(name)) {
        String[] tokens = name.substring(PREFIX.length()).toLowerCase(Locale.ROOT).split("_");
        if (!set(tree, schema, tokens, 0, value)) {
          problems.add(name + ": no config key is spelled this way" + suggestion(name));
        }
      }
    });
    return tree;
  }

  /** One line per variable that spells no key. */
  List<String> problems() {
    return List.copyOf(problems);
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

  /** Sets the value the tokens spell; false when they spell no key the schema knows. */
  private boolean set(Object node, Object schemaNode, String[] tokens, int from, String value) {
    if (node instanceof JsonArray array && schemaNode instanceof JsonArray list && !list.isEmpty()) {
      return setInArray(array, list.getValue(0), tokens, from, value);
    }
    if (node instanceof JsonObject object && schemaNode instanceof JsonObject mapping) {
      return setInObject(object, mapping, tokens, from, value);
    }
    // Not a container where the schema has one: the reader names that key's shape, not this variable.
    return node != null && !(node instanceof JsonArray) && !(node instanceof JsonObject);
  }

  private boolean setInArray(JsonArray array, Object template, String[] tokens, int from, String value) {
    if (!tokens[from].matches("\\d{1,4}") || from + 1 == tokens.length) {
      return false;
    }
    int index = Integer.parseInt(tokens[from]);
    if (index == array.size()) {
      array.add(new JsonObject());
    }
    return index < array.size() && set(array.getValue(index), template, tokens, from + 1, value);
  }

  /**
   * Matches the longest run of tokens that spells a key, so camelCase keys read as UPPER_SNAKE. An empty
   * mapping in the schema ({@code headers}) takes any key, so only the keys it already has can be matched.
   */
  private boolean setInObject(JsonObject object, JsonObject mapping, String[] tokens, int from, String value) {
    Set<String> keys = mapping.isEmpty() ? object.fieldNames() : mapping.fieldNames();
    for (int to = tokens.length; to > from; to--) {
      String key = keyFor(keys, String.join("", Arrays.copyOfRange(tokens, from, to)));
      if (key == null) {
        continue;
      }
      if (to == tokens.length) {
        object.put(key, value);
        return true;
      }
      Object childSchema = mapping.isEmpty() ? new JsonObject() : mapping.getValue(key);
      if (object.getValue(key) == null && childSchema instanceof JsonObject) {
        object.put(key, new JsonObject());
      }
      return set(object.getValue(key), childSchema, tokens, to, value);
    }
    return false;
  }

  private static String keyFor(Set<String> keys, String flat) {
    return keys.stream().filter(k -> k.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "").equals(flat))
        .findFirst().orElse(null);
  }

  /** The closest spelled key, list indexes kept as given: SWITCHBOARD_SOURCES_0_APP_SECRT → …_APP_SECRET. */
  private String suggestion(String name) {
    String rest = name.substring(PREFIX.length());
    List<String> indexes = new ArrayList<>();
    Matcher digits = LIST_INDEX.matcher(rest);
    StringBuilder shape = new StringBuilder();
    while (digits.find()) {
      indexes.add(digits.group());
      digits.appendReplacement(shape, INDEX);
    }
    digits.appendTail(shape);
    List<String> names = new ArrayList<>();
    variables(schema, "", names);
    return Suggestions.closest(shape.toString(), names).map(found -> {
      String spelled = found;
      for (String index : indexes) {
        spelled = spelled.replaceFirst(INDEX, index);
      }
      return "; did you mean " + PREFIX + spelled + "?";
    }).orElse("");
  }

  private static void variables(JsonObject mapping, String prefix, List<String> names) {
    mapping.forEach(entry -> {
      String name = prefix + entry.getKey().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
      if (entry.getValue() instanceof JsonObject child && !child.isEmpty()) {
        variables(child, name + "_", names);
      } else if (entry.getValue() instanceof JsonArray list && list.size() == 1
          && list.getValue(0) instanceof JsonObject template) {
        variables(template, name + "_" + INDEX + "_", names);
      } else {
        names.add(name);
      }
    });
  }
}
