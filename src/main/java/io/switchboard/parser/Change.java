package io.switchboard.parser;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One change found in a body, with what its entry says about it. {@code readable} is false when the
 * envelope around it could not be read (no change structure), so it can only be kept unclassified.
 */
record Change(String field, String entryId, JsonNode entryTime, JsonNode value, boolean readable) {

  /** A part of the body with no recognizable change structure, kept whole. */
  static Change unreadable(String field, String entryId, JsonNode raw) {
    return new Change(field, entryId, null, raw, false);
  }

  /** The phone number the change is about: Meta's metadata block, else a top-level display number. */
  String phoneNumberId() {
    return Nodes.text(value.path("metadata").path("phone_number_id"));
  }

  String displayPhoneNumber() {
    String fromMetadata = Nodes.text(value.path("metadata").path("display_phone_number"));
    // Account-level updates (phone_number_name_update, security, quality) carry the number at top level.
    return fromMetadata != null ? fromMetadata : Nodes.text(value.path("display_phone_number"));
  }
}
