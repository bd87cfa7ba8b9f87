package io.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.switchboard.api.AttemptResult;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RetryPolicyTest {

  private static final Instant NOW = Instant.parse("2024-03-01T12:00:00Z");
  private static final List<Duration> SCHEDULE =
      List.of(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(2));

  private static String httpDate(Instant instant) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(instant.atOffset(ZoneOffset.UTC));
  }

  // ---------------------------------------------------------------- classify

  @ParameterizedTest
  @ValueSource(ints = {200, 201, 202, 204, 299})
  @DisplayName("2xx is delivered")
  void delivered(int status) {
    assertEquals(new AttemptResult.Delivered(status), RetryPolicy.classify(status, null, NOW));
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 429, 500, 502, 503, 504})
  @DisplayName("408, 429 and 5xx are worth another try")
  void retryable(int status) {
    assertEquals(new AttemptResult.Retryable(status, null, "HTTP " + status), RetryPolicy.classify(status, null, NOW));
  }

  @ParameterizedTest
  @ValueSource(ints = {300, 301, 400, 401, 403, 404, 405, 410, 413, 422})
  @DisplayName("Other statuses are rejected")
  void rejected(int status) {
    assertEquals(new AttemptResult.Rejected(status, "HTTP " + status), RetryPolicy.classify(status, null, NOW));
  }

  static Stream<Arguments> retryAfterHeaders() {
    return Stream.of(
        Arguments.of("seconds", "120", Duration.ofSeconds(120)),
        Arguments.of("seconds with spaces", " 7 ", Duration.ofSeconds(7)),
        Arguments.of("zero seconds", "0", Duration.ZERO),
        Arguments.of("HTTP date 90s ahead", httpDate(NOW.plusSeconds(90)), Duration.ofSeconds(90)),
        Arguments.of("fixed RFC 1123 date", "Fri, 01 Mar 2024 12:05:00 GMT", Duration.ofMinutes(5)),
        Arguments.of("HTTP date in the past", httpDate(NOW.minusSeconds(30)), Duration.ZERO),
        Arguments.of("seconds beyond 24h are capped", "604800", Duration.ofHours(24)),
        Arguments.of("date beyond 24h is capped", httpDate(NOW.plus(Duration.ofDays(3))), Duration.ofHours(24)),
        Arguments.of("garbage", "soon", null),
        Arguments.of("negative", "-5", null),
        Arguments.of("decimal", "1.5", null),
        Arguments.of("blank", "  ", null),
        Arguments.of("absent", null, null));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("retryAfterHeaders")
  @DisplayName("Retry-After is read as seconds or an HTTP date, capped at 24h, garbage ignored")
  void retryAfter(String what, String header, Duration expected) {
    AttemptResult.Retryable result =
        assertInstanceOf(AttemptResult.Retryable.class, RetryPolicy.classify(503, header, NOW));
    assertEquals(expected, result.retryAfter());
    assertEquals(503, result.status());
  }

  @Test
  @DisplayName("Retry-After on a rejected status is not kept")
  void retryAfterOnRejected() {
    assertEquals(new AttemptResult.Rejected(400, "HTTP 400"), RetryPolicy.classify(400, "60", NOW));
  }

  // ---------------------------------------------------------------- nextDelay

  @ParameterizedTest(name = "attempt {0} -> {1}")
  @MethodSource("scheduleSteps")
  @DisplayName("Without jitter, attempt n waits schedule[n-1]; past the end there is no next attempt")
  void scheduleByAttempt(int attempt, Duration expected) {
    RetryPolicy policy = new RetryPolicy(0.0, () -> 0.0);
    assertEquals(expected, policy.nextDelay(SCHEDULE, attempt, null));
  }

  static Stream<Arguments> scheduleSteps() {
    return Stream.of(
        Arguments.of(1, Duration.ofSeconds(5)),
        Arguments.of(2, Duration.ofSeconds(30)),
        Arguments.of(3, Duration.ofMinutes(2)),
        Arguments.of(4, null),
        Arguments.of(10, null));
  }

  @Test
  @DisplayName("An empty schedule never retries")
  void emptySchedule() {
    assertNull(new RetryPolicy(0.1, () -> 0.5).nextDelay(List.of(), 1, null));
  }

  @ParameterizedTest(name = "random {0} -> {1} ms")
  @MethodSource("jitterBounds")
  @DisplayName("Jitter 0.2 spreads a 10s step over 8s..12s")
  void jitterBounds(double random, long expectedMillis) {
    RetryPolicy policy = new RetryPolicy(0.2, () -> random);
    assertEquals(Duration.ofMillis(expectedMillis), policy.nextDelay(List.of(Duration.ofSeconds(10)), 1, null));
  }

  static Stream<Arguments> jitterBounds() {
    return Stream.of(
        Arguments.of(0.0, 8_000L),
        Arguments.of(0.25, 9_000L),
        Arguments.of(0.5, 10_000L),
        Arguments.of(1.0, 12_000L));
  }

  @Test
  @DisplayName("A jittered delay never drops to zero")
  void jitterNeverZero() {
    RetryPolicy policy = new RetryPolicy(1.0, () -> 0.0);
    assertEquals(Duration.ofMillis(1), policy.nextDelay(List.of(Duration.ofSeconds(5)), 1, null));
  }

  @Test
  @DisplayName("Retry-After wins over the schedule and is not jittered")
  void retryAfterOverridesSchedule() {
    RetryPolicy policy = new RetryPolicy(0.5, () -> 1.0);
    assertEquals(Duration.ofSeconds(90), policy.nextDelay(SCHEDULE, 1, Duration.ofSeconds(90)));
    assertEquals(Duration.ZERO, policy.nextDelay(SCHEDULE, 2, Duration.ZERO));
  }

  @Test
  @DisplayName("Retry-After does not extend a used-up schedule")
  void retryAfterDoesNotExtendSchedule() {
    RetryPolicy policy = new RetryPolicy(0.0, () -> 0.5);
    assertNull(policy.nextDelay(SCHEDULE, 4, Duration.ofSeconds(90)));
  }
}
