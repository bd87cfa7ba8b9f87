package io.switchboard.ingress;

import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Pattern;

/**
 * The debug ring buffer: the last {@code size} webhook requests, in memory only. Shared by the ingress
 * instances (one per event loop), so it is lock-free: a slot is claimed with one atomic increment.
 * Recording keeps references (headers, body bytes); redaction and decoding wait until someone reads the
 * buffer, because every webhook is recorded and almost none is ever looked at.
 */
public final class RecentRequests {

  /**
   * Header names whose values are credentials, by pattern: a provider's or a proxy's own header (360dialog's API key,
   * an identity proxy's JWT assertion, a client certificate) is redacted as well as the usual ones.
   */
  private static final Pattern REDACTED = Pattern.compile(
      ".*(auth|token|secret|key|sig|pass|credential|cookie|session|jwt|assertion|cert|oidc|iap).*");
  private static final int MAX_PAYLOAD = 16 * 1024;

  /** One request as an operator needs to see it; secrets redacted. */
  public record Entry(
      long sequence, Instant at, String source, String method, String clientIp, Map<String, String> headers,
      String payload, String auth, int status, String summary) {}

  /** What is kept per request: the request's own (immutable) headers and at most MAX_PAYLOAD body bytes. */
  private record Recorded(long sequence, Instant at, String source, String method, String clientIp,
      MultiMap headers, byte[] body, int bodyLength, String auth, int status, String summary) {

    Entry render() {
      Map<String, String> shown = new LinkedHashMap<>();
      headers.forEach(h -> {
        String name = h.getKey().toLowerCase(Locale.ROOT);
        shown.put(name, REDACTED.matcher(name).matches() ? "[redacted]" : h.getValue());
      });
      String payload = new String(body, StandardCharsets.UTF_8) + (bodyLength > body.length ? "…[truncated]" : "");
      return new Entry(sequence, at, source, method, clientIp, shown, payload, auth, status, summary);
    }
  }

  private final AtomicReferenceArray<Recorded> slots;
  private final AtomicLong next = new AtomicLong();

  public RecentRequests(int size) {
    this.slots = new AtomicReferenceArray<>(Math.max(size, 0));
  }

  /** {@code headers} must not change afterwards (a request's headers do not); {@code body} is not copied unless long. */
  void add(Instant at, String source, String method, String clientIp, MultiMap headers, byte[] body,
      String auth, int status, String summary) {
    if (slots.length() == 0) {
      return;
    }
    byte[] kept = body.length <= MAX_PAYLOAD ? body : Arrays.copyOf(body, MAX_PAYLOAD);
    long sequence = next.getAndIncrement();
    slots.set((int) (sequence % slots.length()),
        new Recorded(sequence, at, source, method, clientIp, headers, kept, body.length, auth, status, summary));
  }

  /** Newest first, at most {@code limit}, optionally only one source. */
  public List<Entry> recent(String source, int limit) {
    List<Entry> result = new ArrayList<>();
    long newest = next.get() - 1;
    for (long seq = newest; seq >= 0 && seq > newest - slots.length() && result.size() < limit; seq--) {
      Recorded recorded = slots.get((int) (seq % slots.length()));
      if (recorded != null && recorded.sequence() == seq && (source == null || source.equals(recorded.source()))) {
        result.add(recorded.render());
      }
    }
    return result;
  }
}
