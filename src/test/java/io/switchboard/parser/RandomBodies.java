package io.switchboard.parser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Generates hostile bodies from a seeded Random: random trees, mutated fixtures, raw byte damage. */
final class RandomBodies {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  // Names the classifier looks at, so random trees hit its branches rather than only unknown keys.
  private static final String[] NAMES = {"object", "entry", "id", "time", "changes", "field", "value", "messages",
      "statuses", "errors", "contacts", "metadata", "type", "text", "body", "timestamp", "status", "interactive",
      "message_echoes", "user_preferences", "wa_id", "from", "phone_number_id", "context", "x"};
  private static final String[] FIELDS = {"messages", "smb_message_echoes", "user_preferences", "history",
      "account_update", "flows", "security", "unknown_field"};

  private final Random random;
  private final List<JsonNode> fixtures;

  RandomBodies(long seed, List<JsonNode> fixtures) {
    this.random = new Random(seed);
    this.fixtures = fixtures;
  }

  byte[] next() {
    return switch (random.nextInt(10)) {
      case 0, 1, 2 -> bytes(tree(0));
      case 3, 4, 5, 6 -> bytes(mutate(fixtures.get(random.nextInt(fixtures.size())).deepCopy()));
      case 7 -> damage(bytes(fixtures.get(random.nextInt(fixtures.size()))));
      case 8 -> deep();
      default -> bytes(envelopeAround(tree(2)));
    };
  }

  private JsonNode tree(int depth) {
    int pick = depth > 5 ? random.nextInt(6) : random.nextInt(9);
    return switch (pick) {
      case 0 -> F.nullNode();
      case 1 -> F.booleanNode(random.nextBoolean());
      case 2 -> F.numberNode(random.nextLong());
      case 3 -> F.numberNode(random.nextDouble() * 1e12);
      case 4 -> F.textNode(random.nextInt(20) == 0 ? "y".repeat(random.nextInt(200_000)) : word());
      case 5 -> F.textNode(FIELDS[random.nextInt(FIELDS.length)]);
      case 6 -> array(depth);
      default -> object(depth);
    };
  }

  private ArrayNode array(int depth) {
    ArrayNode array = F.arrayNode();
    for (int i = random.nextInt(4); i > 0; i--) {
      array.add(tree(depth + 1));
    }
    return array;
  }

  private ObjectNode object(int depth) {
    ObjectNode object = F.objectNode();
    for (int i = random.nextInt(5); i > 0; i--) {
      object.set(NAMES[random.nextInt(NAMES.length)], tree(depth + 1));
    }
    return object;
  }

  private JsonNode envelopeAround(JsonNode value) {
    ObjectNode change = F.objectNode().put("field", FIELDS[random.nextInt(FIELDS.length)]);
    change.set("value", value);
    ObjectNode entry = F.objectNode().put("id", word());
    entry.set("changes", F.arrayNode().add(change));
    ObjectNode body = F.objectNode().put("object", "whatsapp_business_account");
    body.set("entry", F.arrayNode().add(entry));
    return body;
  }

  /** Replaces, deletes or retypes a few random nodes somewhere inside the tree. */
  private JsonNode mutate(JsonNode root) {
    for (int i = 1 + random.nextInt(3); i > 0; i--) {
      List<JsonNode> containers = new ArrayList<>();
      collectContainers(root, containers);
      JsonNode target = containers.get(random.nextInt(containers.size()));
      if (target instanceof ObjectNode object && object.size() > 0) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        String name = names.get(random.nextInt(names.size()));
        if (random.nextBoolean()) {
          object.remove(name);
        } else {
          object.set(name, tree(3));
        }
      } else if (target instanceof ArrayNode array && array.size() > 0) {
        array.set(random.nextInt(array.size()), tree(3));
      }
    }
    return random.nextInt(20) == 0 ? F.arrayNode().add(root) : root;
  }

  private static void collectContainers(JsonNode node, List<JsonNode> out) {
    if (node.isContainerNode()) {
      out.add(node);
      node.forEach(child -> collectContainers(child, out));
    }
  }

  private byte[] damage(byte[] body) {
    byte[] copy = body.clone();
    switch (random.nextInt(3)) {
      case 0 -> {
        return java.util.Arrays.copyOf(copy, random.nextInt(copy.length));
      }
      case 1 -> copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
      default -> copy[random.nextInt(copy.length)] = (byte) "{}[]\",:0".charAt(random.nextInt(8));
    }
    return copy;
  }

  private byte[] deep() {
    int depth = random.nextBoolean() ? 10_000 : 850 + random.nextInt(100);
    String open = random.nextBoolean() ? "[" : "{\"value\":";
    String close = open.equals("[") ? "]" : "}";
    String body = open.repeat(depth) + (random.nextBoolean() ? "1" : "") + close.repeat(depth);
    if (depth < 1_000 && random.nextBoolean()) {
      body = "{\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":" + body + "}]}]}";
    }
    return body.getBytes(StandardCharsets.UTF_8);
  }

  private String word() {
    return Long.toString(random.nextLong() & 0xFFFFFFL, 36);
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return Catalogue.MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
