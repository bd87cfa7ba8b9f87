package io.switchboard.ingress;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The debug ring buffer: the last {@code size} webhook requests, in memory only. Shared by the ingress
 * instances (one per event loop), so it is lock-free: a slot is claimed with one atomic increment.
 */
public final class RecentRequests {

  /** One request as an operator needs to see it; secrets are already redacted. */
  public record Entry(
      long sequence, Instant at, String source, String method, String clientIp, Map<String, String> headers,
      String payload, String auth, int status, String summary) {}

  private final AtomicReferenceArray<Entry> slots;
  private final AtomicLong next = new AtomicLong();

  public RecentRequests(int size) {
    this.slots = new AtomicReferenceArray<>(Math.max(size, 0));
  }

  void add(Instant at, String source, String method, String clientIp, Map<String, String> headers, String payload,
      String auth, int status, String summary) {
    if (slots.length() == 0) {
      return;
    }
    long sequence = next.getAndIncrement();
    slots.set((int) (sequence % slots.length()),
        new Entry(sequence, at, source, method, clientIp, headers, payload, auth, status, summary));
  }

  /** Newest first, at most {@code limit}, optionally only one source. */
  public List<Entry> recent(String source, int limit) {
    List<Entry> result = new ArrayList<>();
    long newest = next.get() - 1;
    for (long seq = newest; seq >= 0 && seq > newest - slots.length() && result.size() < limit; seq--) {
      Entry entry = slots.get((int) (seq % slots.length()));
      if (entry != null && entry.sequence() == seq && (source == null || source.equals(entry.source()))) {
        result.add(entry);
      }
    }
    return result;
  }
}
