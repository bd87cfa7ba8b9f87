package io.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonSyntaxTest {

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{}", "[]", "{\"a\":1}", "  {\"a\": [1, 2, {\"b\": null}]}\n", "\"text\"", "42", "true", "null",
      "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[]}]}",
      "{\"emoji\":\"😀\"}"})
  @DisplayName("One JSON document has no problem")
  void valid(String body) {
    assertNull(JsonSyntax.problem(utf8(body)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "{\"a\":", "{\"a\":1,}", "{'a':1}", "[1,2", "{\"a\" 1}", "\u00ff\u00fe"})
  @DisplayName("Malformed JSON gives a one-line problem, never an exception")
  void malformed(String body) {
    String problem = JsonSyntax.problem(utf8(body));
    assertNotNull(problem, body);
    assertFalse(problem.isBlank());
    assertFalse(problem.contains("\n"), problem);
  }

  @Test
  @DisplayName("An empty or whitespace-only body is 'empty body'")
  void empty() {
    assertEquals("empty body", JsonSyntax.problem(new byte[0]));
    assertEquals("empty body", JsonSyntax.problem(utf8("  \n\t ")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"a\":1} {\"b\":2}", "[] []", "{} 1"})
  @DisplayName("A second document after the first is refused")
  void secondDocument(String body) {
    assertEquals("unexpected content after the JSON document", JsonSyntax.problem(utf8(body)));
  }

  @Test
  @DisplayName("Trailing garbage after the document is refused")
  void trailingGarbage() {
    assertNotNull(JsonSyntax.problem(utf8("{\"a\":1} trailing")));
  }

  @Test
  @DisplayName("10 000 nested arrays are refused by the depth limit, not by a stack overflow")
  void deepNesting() {
    String body = "[".repeat(10_000) + "]".repeat(10_000);
    String problem = JsonSyntax.problem(utf8(body));
    assertNotNull(problem);
    assertFalse(problem.contains("\n"), problem);
  }

  @Test
  @DisplayName("Nesting within the limit is fine")
  void moderateNesting() {
    assertNull(JsonSyntax.problem(utf8("[".repeat(500) + "]".repeat(500))));
  }
}
