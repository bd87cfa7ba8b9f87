package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** README's configuration table and conf/config.yaml say what the bundled defaults say. */
@DisplayName("Config documentation")
class ConfigDocsTest {

  private static final Pattern TICKED = Pattern.compile("`([^`]*)`");
  private static final List<String> LISTS = List.of("sources", "subscriptions");

  /** Every plain key of the defaults (lists of items excluded) and its value as YAML writes it. */
  private static Map<String, String> defaults() {
    Map<String, String> flat = new LinkedHashMap<>();
    flatten(ConfigDefaults.schema(), "", flat);
    return flat;
  }

  private static void flatten(JsonObject object, String prefix, Map<String, String> flat) {
    object.forEach(entry -> {
      String key = prefix + entry.getKey();
      if (entry.getValue() instanceof JsonObject child) {
        flatten(child, key + ".", flat);
      } else if (!LISTS.contains(key)) {
        flat.put(key, text(entry.getValue()));
      }
    });
  }

  private static String text(Object value) {
    if (value instanceof JsonArray list) {
      return list.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
    }
    return String.valueOf(value);
  }

  /** The README rows of the configuration table: first cell's keys → second cell's defaults, and the row. */
  private static List<List<String>> readmeRows() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    String section = readme.substring(readme.indexOf("## Configuration"));
    section = section.substring(0, section.indexOf("\n\n", section.indexOf("| key |")));
    List<List<String>> rows = new ArrayList<>();
    for (String line : section.lines().filter(l -> l.startsWith("| `")).toList()) {
      String[] cells = line.split("(?<!\\\\)\\|");
      rows.add(List.of(cells[1], cells[2], cells[3]));
    }
    return rows;
  }

  private static List<String> ticked(String cell) {
    List<String> found = new ArrayList<>();
    Matcher matcher = TICKED.matcher(cell);
    while (matcher.find()) {
      found.add(matcher.group(1));
    }
    return found;
  }

  @Test
  @DisplayName("README's configuration table lists every key with the bundled default, and no other key")
  void readmeTableMatchesDefaults() throws IOException {
    Map<String, String> documented = new LinkedHashMap<>();
    for (List<String> row : readmeRows()) {
      List<String> keys = ticked(row.get(0));
      if (keys.size() == 1 && keys.get(0).endsWith("[]")) {
        continue;
      }
      List<String> values = ticked(row.get(1));
      assertEquals(keys.size(), values.size(), () -> "README row " + row + ": one default per key");
      for (int i = 0; i < keys.size(); i++) {
        documented.put(keys.get(i), values.get(i));
      }
    }
    assertEquals(defaults(), documented);
  }

  @Test
  @DisplayName("README's sources[] and subscriptions[] rows name every key an item takes")
  void readmeListRowsNameEveryItemKey() throws IOException {
    for (String list : LISTS) {
      String row = readmeRows().stream().filter(r -> ticked(r.get(0)).equals(List.of(list + "[]")))
          .map(r -> r.get(2)).findFirst().orElseThrow(() -> new AssertionError("README has no " + list + "[] row"));
      for (String key : ConfigDefaults.template(list).fieldNames()) {
        assertTrue(Pattern.compile("\\b" + key + "\\b").matcher(row).find(), () -> list + "[] row does not name " + key);
      }
      JsonObject template = ConfigDefaults.template(list);
      template.forEach(entry -> {
        if (entry.getValue() instanceof JsonObject nested && !nested.isEmpty()) {
          nested.fieldNames().forEach(k -> assertTrue(row.contains(k), () -> list + "[] row does not name "
              + entry.getKey() + "." + k));
        }
      });
    }
  }

  @Test
  @DisplayName("conf/config.yaml shows every key: with its default, or with a comment saying the default")
  void shippedConfigShowsEveryDefault() throws IOException {
    String text = Files.readString(Path.of(ConfigLoader.DEFAULT_FILE));
    List<String> lines = text.lines().toList();
    Node root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(text));
    defaults().forEach((key, expected) -> {
      NodeTuple tuple = find(root, key);
      assertNotNull(tuple, () -> "conf/config.yaml does not show " + key);
      String shipped = text(tuple.getValueNode());
      String line = lines.get(tuple.getKeyNode().getStartMark().getLine());
      if (!shipped.equals(expected)) {
        assertTrue(line.contains("# default: " + expected),
            () -> key + " is " + shipped + " in conf/config.yaml but " + expected + " by default; its comment must say"
                + " '# default: " + expected + "' (line: " + line + ")");
      } else {
        assertFalse(line.contains("# default:"), () -> key + " has its default; the comment must not claim another");
      }
    });
  }

  private static NodeTuple find(Node node, String dotted) {
    NodeTuple found = null;
    for (String part : dotted.split("\\.")) {
      if (!(node instanceof MappingNode mapping)) {
        return null;
      }
      found = mapping.getValue().stream()
          .filter(t -> t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(part)).findFirst().orElse(null);
      if (found == null) {
        return null;
      }
      node = found.getValueNode();
    }
    return found;
  }

  private static String text(Node node) {
    if (node instanceof SequenceNode sequence) {
      return sequence.getValue().stream().map(ConfigDocsTest::text).collect(Collectors.joining(", ", "[", "]"));
    }
    return node instanceof ScalarNode scalar ? scalar.getValue() : node.toString();
  }
}
