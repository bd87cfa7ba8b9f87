package io.switchboard.parser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One update read from a change, before it gets its id and envelope. {@code timestamp} is the raw
 * provider value (may be missing or odd); {@code data} becomes the event's {@code data} object.
 */
record Update(String type, Identity identity, JsonNode timestamp, ObjectNode data) {
}
