package io.switchboard.api;

import java.util.List;

/**
 * What the parser made of one inbound webhook: its events in body order, plus the reasons for any part
 * that could not be read at all (a parse error is recorded, never thrown). {@code body} is the raw request,
 * for {@code raw} subscriptions (null where the caller did not attach it); nobody mutates the array.
 */
public record ClassifiedWebhook(long inboundId, String source, List<NormalizedEvent> events, List<String> parseErrors,
    byte[] body) {

  public ClassifiedWebhook {
    events = List.copyOf(events);
    parseErrors = List.copyOf(parseErrors);
  }

  public ClassifiedWebhook(long inboundId, String source, List<NormalizedEvent> events, List<String> parseErrors) {
    this(inboundId, source, events, parseErrors, null);
  }

  public ClassifiedWebhook withBody(byte[] raw) {
    return new ClassifiedWebhook(inboundId, source, events, parseErrors, raw);
  }
}
