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
      "message_echoes", "user_preferences", "wa_id", "from", "phone_number_id", "context", "x", "user_id",
      "parent_user_id", "from_user_id", "to_user_id", "recipient_user_id", "recipient_type", "group_id",
      "recipient_participant_id", "calls", "event", "direction", "groups", "user_actions", "action_type",
      "state_sync", "automatic_events", "event_name", "profile", "username", "system"};
  private static final String[] FIELDS = {"messages", "smb_message_echoes", "user_preferences", "history",
      "account_update", "flows", "security", "unknown_field", "calls", "group_lifecycle_update",
      "group_participants_update", "group_settings_update", "group_status_update", "user_id_update",
      "automatic_events", "smb_app_state_sync", "business_username_updates", "tracking_events"};
  // The 2026 shapes (SPEC 5.1): which lists a change of each field holds, and the members their items may have.
  private static final String[] LISTS = {"messages", "statuses", "errors", "calls", "groups", "user_actions",
      "user_id_update", "automatic_events", "state_sync", "message_echoes"};
  private static final String[] ITEM_MEMBERS = {"id", "from", "from_user_id", "from_parent_user_id", "to",
      "to_user_id", "recipient_id", "recipient_user_id", "recipient_type", "recipient_participant_id",
      "recipient_participant_user_id", "participant_recipient_id", "group_id", "type", "status", "event",
      "direction", "timestamp", "action_type", "event_name", "system", "session", "pricing", "metadata"};
  private static final String[] CONTACT_MEMBERS = {"wa_id", "user_id", "parent_user_id", "profile"};

  private final Random random;
  private final List<JsonNode> fixtures;

  RandomBodies(long seed, List<JsonNode> fixtures) {
    this.random = new Random(seed);
    this.fixtures = fixtures;
  }

  byte[] next() {
    return switch (random.nextInt(12)) {
      case 0, 1, 2 -> bytes(tree(0));
      case 3, 4, 5, 6 -> bytes(mutate(fixtures.get(random.nextInt(fixtures.size())).deepCopy()));
      case 7 -> damage(bytes(fixtures.get(random.nextInt(fixtures.size()))));
      case 8 -> deep();
      case 9, 10 -> bytes(envelopeAround(platform2026()));
      default -> bytes(envelopeAround(tree(2)));
    };
  }

  /**
   * A change value in the 2026 shapes: contacts with or without phone numbers and business-scoped ids,
   * and lists of messages, (group) statuses, calls, groups and the newer items whose members are present,
   * missing or of the wrong type at random.
   */
  private JsonNode platform2026() {
    ObjectNode value = F.objectNode().put("messaging_product", "whatsapp");
    if (random.nextInt(4) > 0) {
      value.set("contacts", items(CONTACT_MEMBERS, random.nextInt(3)));
    }
    for (int i = 1 + random.nextInt(2); i > 0; i--) {
      value.set(LISTS[random.nextInt(LISTS.length)], items(ITEM_MEMBERS, random.nextInt(4)));
    }
    return value;
  }

  private ArrayNode items(String[] members, int count) {
    ArrayNode list = F.arrayNode();
    for (int i = 0; i < count; i++) {
      ObjectNode item = F.objectNode();
      for (String member : members) {
        if (random.nextInt(3) > 0) {
          item.set(member, member(member));
        }
      }
      list.add(random.nextInt(15) == 0 ? tree(4) : item);
    }
    return list;
  }

  // Mostly a value of the usual shape (few distinct ids, so contacts and items match), sometimes anything.
  private JsonNode member(String name) {
    if (random.nextInt(8) == 0) {
      return tree(4);
    }
    return switch (name) {
      case "profile" -> F.objectNode().put("name", word()).put("username", word());
      case "system", "session", "pricing", "metadata" -> object(3);
      case "recipient_type" -> F.textNode(random.nextBoolean() ? "group" : "individual");
      case "direction" -> F.textNode(random.nextBoolean() ? "BUSINESS_INITIATED" : "USER_INITIATED");
      case "timestamp" -> F.textNode(Long.toString(1_700_000_000L + random.nextInt(100_000_000)));
      default -> F.textNode(name.endsWith("user_id") ? "US." + random.nextInt(3) : Integer.toString(random.nextInt(3)));
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
