package io.switchboard.parser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * The structured, kind-specific fields of one WhatsApp message (text, media, replies, reactions, ...).
 * Only what the provider sent is copied; the full message stays in {@code data.message} anyway.
 */
final class MessageParts {

  // "voice" is listed because some API versions and BSPs send voice notes as their own type.
  private static final Set<String> MEDIA_KINDS = Set.of("image", "audio", "voice", "video", "document", "sticker");

  private MessageParts() {
  }

  /** Adds the parts for {@code kind} read from {@code message} into {@code data}. */
  static void add(String kind, JsonNode message, ObjectNode data) {
    if (MEDIA_KINDS.contains(kind)) {
      addMedia(message.path(kind), data);
    }
    switch (kind) {
      case "text" -> putText(data, message.path("text").path("body"));
      case "location" -> putObject(data, "location",
          message.path("location"), "latitude", "longitude", "name", "address", "url");
      case "contacts" -> Nodes.putPresent(data, "contacts", message.get("contacts"));
      case "interactive" -> addInteractive(message.path("interactive"), data);
      case "button" -> putObject(data, "button", message.path("button"), "text", "payload");
      case "reaction" -> putObject(data, "reaction", message.path("reaction"), "message_id", "emoji");
      case "order" -> putObject(data, "order", message.path("order"), "catalog_id", "text", "product_items");
      case "system" -> addSystem(message.path("system"), data);
      case "revoke" -> putText(data, "original_message_id", message.path("revoke").path("original_message_id"));
      case "edit" -> addEdit(message.path("edit"), data);
      default -> {
        // Any other kind (unsupported, request_welcome, future types) has no parts beyond the common ones.
      }
    }
  }

  /** Parts any kind may carry: who it replies to or was forwarded from, the ad it came from, its errors. */
  static void addCommon(JsonNode message, ObjectNode data) {
    putObject(data, "context", message.path("context"),
        "from", "id", "forwarded", "frequently_forwarded", "referred_product");
    putObject(data, "referral", message.path("referral"), "source_url", "source_id", "source_type",
        "headline", "body", "media_type", "image_url", "video_url", "thumbnail_url", "ctwa_clid");
    Nodes.putPresent(data, "errors", message.get("errors"));
  }

  private static void addMedia(JsonNode media, ObjectNode data) {
    if (!media.isObject()) {
      return;
    }
    putText(data, "caption", media.path("caption"));
    data.set("media", Nodes.pick(media, "id", "mime_type", "sha256", "filename", "voice", "animated", "url"));
  }

  // user_changed_user_id (2026) names the new business-scoped ids beside the older phone-number members.
  private static void addSystem(JsonNode system, ObjectNode data) {
    putObject(data, "system", system, "type", "body", "wa_id", "new_wa_id", "customer", "identity",
        "user_id", "parent_user_id", "previous_user_id");
    putText(data, "system_type", system.path("type"));
  }

  private static void addInteractive(JsonNode interactive, ObjectNode data) {
    if (!interactive.isObject()) {
      return;
    }
    String replyType = Nodes.text(interactive.path("type"));
    ObjectNode reply = Nodes.object();
    reply.put("type", replyType);
    JsonNode body = replyType == null ? MissingNode.getInstance() : interactive.path(replyType);
    if ("nfm_reply".equals(replyType)) {
      reply.setAll(Nodes.pick(body, "name", "body", "response_json"));
    } else if ("call_permission_reply".equals(replyType)) {
      // The user's answer to a call permission request (2025 calling API): whether the business may call.
      reply.setAll(Nodes.pick(body, "response", "response_source", "expiration_timestamp", "is_permanent"));
    } else if (body.isObject()) {
      // button_reply and list_reply share {id, title, description}; a future reply type most likely too.
      reply.setAll(Nodes.pick(body, "id", "title", "description"));
    }
    data.set("interactive", reply);
  }

  private static void addEdit(JsonNode edit, ObjectNode data) {
    putText(data, "original_message_id", edit.path("original_message_id"));
    JsonNode edited = edit.path("message");
    String editedKind = Nodes.text(edited.path("type"));
    if (editedKind != null) {
      // An edit carries the new version as a nested message; its text/caption is what a reader wants.
      data.put("edited_kind", editedKind);
      add(editedKind, edited, data);
    }
  }

  private static void putText(ObjectNode data, JsonNode body) {
    putText(data, "text", body);
  }

  private static void putText(ObjectNode data, String name, JsonNode value) {
    String text = Nodes.text(value);
    if (text != null) {
      data.put(name, text);
    }
  }

  private static void putObject(ObjectNode data, String name, JsonNode source, String... names) {
    if (source.isObject()) {
      data.set(name, Nodes.pick(source, names));
    }
  }
}
