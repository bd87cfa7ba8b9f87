package io.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.SwitchboardConfig.AuthFailureMode;
import io.switchboard.config.SwitchboardConfig.BasicAuth;
import io.switchboard.config.SwitchboardConfig.Source;
import io.switchboard.config.SwitchboardConfig.SourceKind;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookAuthTest {

  private static final String APP_SECRET = "meta-app-secret";
  private static final byte[] BODY =
      "{\"object\":\"whatsapp_business_account\",\"entry\":[]}".getBytes(StandardCharsets.UTF_8);
  private static final Source META =
      new Source("meta", SourceKind.META, "vt", APP_SECRET, null, AuthFailureMode.REJECT);
  private static final Source D360 = new Source("360dialog", SourceKind.D360, null, null,
      new BasicAuth("switchboard", "p@ss:word"), AuthFailureMode.REJECT);

  private static String hmacHex(String secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body));
  }

  private static MultiMap headers(String name, String value) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (value != null) {
      headers.add(name, value);
    }
    return headers;
  }

  private static String basic(String credentials) {
    return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------- Meta

  @Test
  @DisplayName("A correct sha256=<hex> signature passes, whatever the header's case")
  void metaCorrectSignature() throws Exception {
    String signature = "sha256=" + hmacHex(APP_SECRET, BODY);
    assertNull(WebhookAuth.failure(META, headers("X-Hub-Signature-256", signature), BODY));
    assertNull(WebhookAuth.failure(META, headers("x-hub-signature-256", signature), BODY));
  }

  @Test
  @DisplayName("The signature covers the exact bytes: one changed byte fails")
  void metaBodyChanged() throws Exception {
    String signature = "sha256=" + hmacHex(APP_SECRET, BODY);
    byte[] changed = BODY.clone();
    changed[changed.length - 2] = ' ';
    assertEquals("X-Hub-Signature-256 does not match",
        WebhookAuth.failure(META, headers("X-Hub-Signature-256", signature), changed));
  }

  @Test
  @DisplayName("A signature made with another secret fails")
  void metaWrongSecret() throws Exception {
    assertEquals("X-Hub-Signature-256 does not match", WebhookAuth.failure(META,
        headers("X-Hub-Signature-256", "sha256=" + hmacHex("other-secret", BODY)), BODY));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "wrong hex,          sha256=0000000000000000000000000000000000000000000000000000000000000000, X-Hub-Signature-256 does not match",
      "short hex,          sha256=abcd,                X-Hub-Signature-256 does not match",
      "empty hex,          sha256=,                    X-Hub-Signature-256 does not match",
      "non-hex,            sha256=zzzz,                X-Hub-Signature-256 is not hex",
      "odd-length hex,     sha256=abc,                 X-Hub-Signature-256 is not hex",
      "sha1 prefix,        sha1=abcdef,                X-Hub-Signature-256 must be sha256=<hex>",
      "no prefix,          abcdef,                     X-Hub-Signature-256 must be sha256=<hex>",
      "upper-case prefix,  SHA256=abcdef,              X-Hub-Signature-256 must be sha256=<hex>"})
  @DisplayName("A malformed or wrong signature header fails with a reason")
  void metaBadHeader(String what, String header, String expected) {
    assertEquals(expected, WebhookAuth.failure(META, headers("X-Hub-Signature-256", header), BODY));
  }

  @Test
  @DisplayName("A missing signature header fails")
  void metaMissingHeader() {
    assertEquals("missing X-Hub-Signature-256", WebhookAuth.failure(META, headers("X-Hub-Signature", "sha1=ab"), BODY));
  }

  @Test
  @DisplayName("With no appSecret configured, Meta requests are not checked")
  void metaNoAppSecret() {
    Source open = new Source("meta", SourceKind.META, "vt", null, null, AuthFailureMode.REJECT);
    assertNull(WebhookAuth.failure(open, headers("X-Hub-Signature-256", null), BODY));
    assertNull(WebhookAuth.failure(open, headers("X-Hub-Signature-256", "sha256=00"), BODY));
  }

  // ---------------------------------------------------------------- 360dialog Basic auth

  @Test
  @DisplayName("The right Basic credentials pass, the scheme in any case")
  void basicRight() {
    assertNull(WebhookAuth.failure(D360, headers("Authorization", basic("switchboard:p@ss:word")), BODY));
    assertNull(WebhookAuth.failure(D360,
        headers("authorization", basic("switchboard:p@ss:word").replace("Basic", "basic")), BODY));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "wrong password,     switchboard:nope",
      "wrong user,         admin:p@ss:word",
      "no colon,           switchboardp@ss:word",
      "prefix only,        switchboard:p@ss",
      "empty,              ''"})
  @DisplayName("Wrong Basic credentials fail")
  void basicWrong(String what, String credentials) {
    assertEquals("Basic credentials do not match",
        WebhookAuth.failure(D360, headers("Authorization", basic(credentials)), BODY));
  }

  @Test
  @DisplayName("Missing or non-Basic Authorization fails")
  void basicMissing() {
    assertEquals("missing Basic credentials", WebhookAuth.failure(D360, headers("Authorization", null), BODY));
    assertEquals("missing Basic credentials",
        WebhookAuth.failure(D360, headers("Authorization", "Bearer abc.def"), BODY));
    assertEquals("missing Basic credentials", WebhookAuth.failure(D360, headers("Authorization", "Basic"), BODY));
  }

  @Test
  @DisplayName("Basic credentials that are not base64 fail")
  void basicNotBase64() {
    assertEquals("Basic credentials are not base64",
        WebhookAuth.failure(D360, headers("Authorization", "Basic not*base64!"), BODY));
  }

  @Test
  @DisplayName("With no basicAuth configured, 360dialog requests are not checked")
  void basicNotConfigured() {
    Source open = new Source("360dialog", SourceKind.D360, null, null, null, AuthFailureMode.REJECT);
    assertNull(WebhookAuth.failure(open, headers("Authorization", null), BODY));
  }

  // ---------------------------------------------------------------- verify token

  @Test
  @DisplayName("tokenMatches needs both tokens and equal bytes")
  void tokenMatches() {
    assertTrue(WebhookAuth.tokenMatches("vt", "vt"));
    assertFalse(WebhookAuth.tokenMatches("vt", "vT"));
    assertFalse(WebhookAuth.tokenMatches("vt", "vt "));
    assertFalse(WebhookAuth.tokenMatches("vt", null));
    assertFalse(WebhookAuth.tokenMatches(null, null));
  }
}
