package io.switchboard.api;

import java.util.List;

/**
 * What the parser made of one inbound webhook: its events in body order, plus the reasons for any part
 * that could not be read at all (a parse error is recorded, never thrown).
 */
public record ClassifiedWebhook(long inboundId, String source, List<NormalizedEvent> events, List<String> parseErrors) {

  public ClassifiedWebhook {
    events = List.copyOf(events);
    parseErrors = List.copyOf(parseErrors);
  }
}
