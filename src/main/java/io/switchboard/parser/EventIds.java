package io.switchboard.parser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic event ids: {@code "evt_" + hex(SHA-256(source + "\0" + identity))[0..32)}. Providers
 * deliver at least once, so the same update must get the same id however often, and however
 * re-serialized, it arrives.
 */
final class EventIds {

  private static final HexFormat HEX = HexFormat.of();

  private final ObjectWriter canonical;
  // Cloning a ready digest is cheaper than a provider lookup for every event.
  private final MessageDigest prototype = newSha256();

  EventIds(ObjectMapper mapper) {
    // Sorted keys make the hash independent of member order, so a re-serialized retry keeps its id.
    this.canonical = mapper.writer().with(JsonNodeFeature.WRITE_PROPERTIES_SORTED);
  }

  String eventId(String source, Identity identity) {
    MessageDigest sha = sha256();
    sha.update(source.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    sha.update(identityKey(identity).getBytes(StandardCharsets.UTF_8));
    return "evt_" + HEX.formatHex(sha.digest(), 0, 16);
  }

  /** The upstream key itself, or the hex SHA-256 of the canonical JSON {@code [field, entry id, entry time, value]}. */
  String identityKey(Identity identity) {
    if (identity instanceof Identity.Upstream upstream) {
      return upstream.key();
    }
    Identity.Content content = (Identity.Content) identity;
    ArrayNode parts = Nodes.object().arrayNode(4);
    parts.add(content.field());
    parts.add(content.entryId());
    parts.add(content.entryTime() == null ? parts.nullNode() : content.entryTime());
    parts.add(content.value());
    return HEX.formatHex(sha256().digest(canonicalBytes(parts)));
  }

  private byte[] canonicalBytes(JsonNode node) {
    try {
      return canonical.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      // A tree we parsed ourselves always writes back; this is a bug, not an input problem.
      throw new IllegalStateException("cannot serialize a parsed tree for hashing", e);
    }
  }

  private MessageDigest sha256() {
    try {
      return (MessageDigest) prototype.clone();
    } catch (CloneNotSupportedException e) {
      return newSha256();
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}
