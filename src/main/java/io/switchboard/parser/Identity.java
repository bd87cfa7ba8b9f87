package io.switchboard.parser;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What makes an update the same update when the provider delivers it again: an upstream key when the
 * provider gives one (message id, id plus status), else the content of the update itself.
 */
sealed interface Identity {

  /** A provider key such as a wamid; stable across retries by construction. */
  record Upstream(String key) implements Identity {
  }

  /** No usable key: the update is identified by where it sits and what it says, hashed canonically. */
  record Content(String field, String entryId, JsonNode entryTime, JsonNode value) implements Identity {
  }
}
