package io.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventGlobTest {

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource({
      "*,                     message.received,      true",
      "*,                     template.status,       true",
      "*,                     '',                    true",
      "message.*,             message.received,      true",
      "message.*,             message.status.failed, true",
      "message.*,             template.status,       false",
      "message.*,             message,               false",
      "message.*,             xmessage.received,     false",
      "message.status.failed, message.status.failed, true",
      "message.status.failed, message.status.read,   false",
      "message.status.failed, message_status_failed, false",
      "*.failed,              message.status.failed, true",
      "*.failed,              message.status.read,   false",
      "message.*.read,        message.status.read,   true",
      "message.(a|b),         message.(a|b),         true",
      "message.(a|b),         message.a,             false",
      "a+b,                   a+b,                   true",
      "a+b,                   aab,                   false",
      "[x],                   [x],                   true",
      "[x],                   x,                     false",
      "\\E.*,                 \\E.anything,          true",
      "\\E.*,                 E.anything,            false",
      "?,                     ?,                     true",
      "?,                     a,                     false",
      "message**received,     message.received,      true",
      "*status*,              message.status.read,   true",
      "*.*.*,                 message.received,      false",
      "ab*ba,                 aba,                   false",
      "ab*ba,                 abba,                  true",
      "a*b*c,                 acb,                   false",
      "a*b*c,                 axbyc,                 true",
      "a*bc*bc,               abcbc,                 true",
      "a*bc*bc,               abcxbc,                true",
      "a*bc*bc,               abc,                   false"})
  @DisplayName("Only * is a wildcard; every other character, regex metacharacters included, is literal")
  void glob(String glob, String type, boolean expected) {
    assertEquals(expected, EventGlob.of(glob).matches(type));
  }

  @Test
  @DisplayName("Forty stars then a letter that is not there answer at once (a regex backtracks for hours)")
  void hostileGlobIsLinear() {
    EventGlob hostile = EventGlob.of("*".repeat(40) + "x");
    String type = "message.status.delivered.".repeat(40);
    assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
      for (int i = 0; i < 10_000; i++) {
        assertFalse(hostile.matches(type));
      }
    });
  }
}
