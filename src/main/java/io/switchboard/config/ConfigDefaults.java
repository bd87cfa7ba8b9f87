package io.switchboard.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The defaults, read from the bundled {@code defaults.yaml}: the one place they live. It is also the
 * schema: a key it does not name is unknown, and a list's single item is the template of that list's items.
 */
final class ConfigDefaults {

  private static final String RESOURCE = "defaults.yaml";
  private static final JsonObject SCHEMA = load();

  private ConfigDefaults() {}

  /** The bundled file as written, templates included (docs tests compare it with README and conf/). */
  static JsonObject schema() {
    return SCHEMA.copy();
  }

  /** The defaults to lay the file over: the schema with every list empty. */
  static JsonObject tree() {
    JsonObject tree = SCHEMA.copy();
    tree.forEach(entry -> {
      if (entry.getValue() instanceof JsonArray) {
        entry.setValue(new JsonArray());
      }
    });
    return tree;
  }

  /** The template of one item of a top-level list ({@code sources}, {@code subscriptions}). */
  static JsonObject template(String list) {
    return SCHEMA.getJsonArray(list).getJsonObject(0).copy();
  }

  /**
   * An item with its template's defaults filled in where it is silent. Only plain values and lists are
   * filled: a mapping in a template ({@code basicAuth}, {@code rateLimit}) is optional as a whole.
   */
  static JsonObject withItemDefaults(String list, JsonObject item) {
    JsonObject filled = item.copy();
    template(list).forEach(entry -> {
      if (entry.getValue() != null && !(entry.getValue() instanceof JsonObject) && filled.getValue(entry.getKey()) == null) {
        filled.put(entry.getKey(), entry.getValue());
      }
    });
    return filled;
  }

  @SuppressWarnings("unchecked")
  private static JsonObject load() {
    try (InputStream in = ConfigDefaults.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      Map<String, Object> map = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      return new JsonObject(map).copy();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
