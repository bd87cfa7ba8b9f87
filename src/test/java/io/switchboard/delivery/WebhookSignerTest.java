package io.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookSignerTest {

  private static final byte[] VECTOR_BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

  @Test
  @DisplayName("Matches the Standard Webhooks published test vector")
  void standardWebhooksVector() {
    WebhookSigner signer = new WebhookSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, VECTOR_BODY));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "a different id,        msg_other,                    1614265330, '{\"test\": 2432232314}'",
      "a different timestamp, msg_p5jXN8AQM9LWM0D4loKWxJek, 1614265331, '{\"test\": 2432232314}'",
      "a different body,      msg_p5jXN8AQM9LWM0D4loKWxJek, 1614265330, '{\"test\": 2432232315}'"})
  @DisplayName("Any change to id, timestamp or body changes the signature")
  void everyPartIsSigned(String what, String id, long timestamp, String body) {
    WebhookSigner signer = new WebhookSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    assertNotEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        signer.sign(id, timestamp, body.getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest
  @CsvSource({"plain-secret", "pässwörd✓", "whsec", "WHSEC_notbase64!"})
  @DisplayName("A secret without the whsec_ prefix is used as its UTF-8 bytes")
  void plainSecretIsUtf8(String secret) throws Exception {
    byte[] body = "{\"hello\":\"wörld\"}".getBytes(StandardCharsets.UTF_8);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected = "v1," + Base64.getEncoder().encodeToString(
        mac.doFinal("evt_1.1700000000.{\"hello\":\"wörld\"}".getBytes(StandardCharsets.UTF_8)));

    assertEquals(expected, new WebhookSigner(secret).sign("evt_1", 1_700_000_000L, body));
  }

  @Test
  @DisplayName("A whsec_ secret is not the same key as its text")
  void whsecIsDecoded() {
    String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    assertNotEquals(new WebhookSigner(secret).sign("m", 1, VECTOR_BODY),
        new WebhookSigner(secret.substring(6)).sign("m", 1, VECTOR_BODY));
  }

  @Test
  @DisplayName("A whsec_ secret with no key bytes cannot sign (the config reader must refuse it)")
  void emptyWhsecKey() {
    assertThrows(IllegalArgumentException.class, () -> new WebhookSigner("whsec_"));
  }
}
