package io.switchboard.ingress;

import io.switchboard.config.SwitchboardConfig.RateLimit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * Per-source, per-client-address request counts over a fixed minute and a fixed hour, for sources with a
 * {@code rateLimit}. Shared by the ingress instances, so lock-free: a slot is replaced with one compare-and-set.
 * The table has a fixed capacity, so memory stays bounded however many addresses call: each address has two
 * candidate slots, and a newcomer takes the one with fewer requests this hour (then the one seen least
 * recently). A flood of distinct addresses can make the table forget a quiet address (it starts again from
 * zero), but not one that has sent more this hour than the flood's addresses each have.
 */
public final class RateLimits {

  static final int DEFAULT_CAPACITY = 1 << 16;
  private static final long MINUTE = 60_000;
  private static final long HOUR = 3_600_000;

  /** One address's counts in its current minute and hour (window numbers since the epoch). */
  private record Window(String key, long minute, int inMinute, long hour, int inHour, long lastSeen) {

    Window rolledTo(long now) {
      long thisMinute = now / MINUTE;
      long thisHour = now / HOUR;
      return new Window(key, thisMinute, minute == thisMinute ? inMinute : 0, thisHour,
          hour == thisHour ? inHour : 0, now);
    }
  }

  private final AtomicReferenceArray<Window> slots;
  private final int mask;
  private final LongSupplier clock;

  public RateLimits() {
    this(DEFAULT_CAPACITY, System::currentTimeMillis);
  }

  /** {@code capacity} is rounded up to a power of two; {@code clock} gives epoch milliseconds. */
  RateLimits(int capacity, LongSupplier clock) {
    int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
    this.slots = new AtomicReferenceArray<>(size);
    this.mask = size - 1;
    this.clock = clock;
  }

  /**
   * Counts one request from {@code address} to {@code source}: 0 when it is within the limit, otherwise the
   * seconds until the window it exceeds ends (the request is then not counted, so backing off works).
   */
  long acquire(String source, String address, RateLimit limit) {
    String key = source + '|' + address;
    int hash = key.hashCode() * 0x9E3779B9;
    int first = (hash ^ (hash >>> 16)) & mask;
    int second = (Integer.rotateLeft(hash, 13) * 0x85EBCA6B ^ hash >>> 7) & mask;
    while (true) {
      long now = clock.getAsLong();
      int index = slotFor(key, first, second, now);
      Window seen = slots.get(index);
      Window current = seen != null && seen.key().equals(key)
          ? seen.rolledTo(now) : new Window(key, now / MINUTE, 0, now / HOUR, 0, now);
      long wait = waitMillis(current, limit, now);
      int counted = wait == 0 ? 1 : 0;
      Window next = new Window(key, current.minute(), current.inMinute() + counted, current.hour(),
          current.inHour() + counted, now);
      if (slots.compareAndSet(index, seen, next)) {
        return (wait + 999) / 1000;
      }
    }
  }

  /** The slot holding this key, else an empty candidate, else the candidate that matters least. */
  private int slotFor(String key, int first, int second, long now) {
    Window a = slots.get(first);
    Window b = slots.get(second);
    if (a != null && a.key().equals(key)) {
      return first;
    }
    if (b != null && b.key().equals(key)) {
      return second;
    }
    if (a == null || b == null) {
      return a == null ? first : second;
    }
    Window ra = a.rolledTo(now);
    Window rb = b.rolledTo(now);
    if (ra.inHour() != rb.inHour()) {
      return ra.inHour() < rb.inHour() ? first : second;
    }
    return a.lastSeen() <= b.lastSeen() ? first : second;
  }

  private static long waitMillis(Window window, RateLimit limit, long now) {
    long wait = 0;
    if (limit.perMinute() != null && window.inMinute() >= limit.perMinute()) {
      wait = (window.minute() + 1) * MINUTE - now;
    }
    if (limit.perHour() != null && window.inHour() >= limit.perHour()) {
      wait = Math.max(wait, (window.hour() + 1) * HOUR - now);
    }
    return wait;
  }

  /** How many addresses are tracked now; never more than the capacity. */
  int tracked() {
    int used = 0;
    for (int i = 0; i < slots.length(); i++) {
      used += slots.get(i) == null ? 0 : 1;
    }
    return used;
  }

  int capacity() {
    return slots.length();
  }
}
