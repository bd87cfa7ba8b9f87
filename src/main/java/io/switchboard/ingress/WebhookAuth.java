package io.switchboard.ingress;

import io.switchboard.config.SwitchboardConfig.Source;
import io.switchboard.config.SwitchboardConfig.SourceKind;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks that a webhook comes from its provider: Meta signs the raw bytes with the app secret
 * ({@code X-Hub-Signature-256}), 360dialog sends HTTP Basic credentials. Every comparison is constant-time,
 * and the body is checked exactly as received, never re-serialized.
 */
final class WebhookAuth {

  /** Why a request failed its check, or null when it passed. */
  static String failure(Source source, MultiMap headers, byte[] body) {
    if (source.kind() == SourceKind.META) {
      return source.appSecrets().isEmpty() ? null : metaSignatureFailure(source.appSecrets(), headers, body);
    }
    return source.basicAuth() == null ? null : basicAuthFailure(source, headers.get("authorization"));
  }

  static boolean tokenMatches(String expected, String given) {
    return expected != null && given != null
        && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  private static String metaSignatureFailure(List<String> appSecrets, MultiMap headers, byte[] body) {
    String header = headers.get("x-hub-signature-256");
    if (header == null) {
      return "missing X-Hub-Signature-256";
    }
    if (!header.startsWith("sha256=")) {
      return "X-Hub-Signature-256 must be sha256=<hex>";
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(header.substring("sha256=".length()).trim());
    } catch (IllegalArgumentException e) {
      return "X-Hub-Signature-256 is not hex";
    }
    return signedByAny(appSecrets, body, given) ? null : "X-Hub-Signature-256 does not match";
  }

  /**
   * Several secrets during Meta's app-secret reset: the body is checked against every one, each in constant
   * time and without stopping at a match, so the timing tells nothing about which secret signed it.
   */
  private static boolean signedByAny(List<String> appSecrets, byte[] body, byte[] given) {
    boolean matched = false;
    for (String secret : appSecrets) {
      matched |= MessageDigest.isEqual(hmacSha256(secret, body), given);
    }
    return matched;
  }

  private static String basicAuthFailure(Source source, String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return "missing Basic credentials";
    }
    byte[] given;
    try {
      given = Base64.getDecoder().decode(authorization.substring(6).trim());
    } catch (IllegalArgumentException e) {
      return "Basic credentials are not base64";
    }
    byte[] expected = (source.basicAuth().user() + ":" + source.basicAuth().pass()).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, given) ? null : "Basic credentials do not match";
  }

  /**
   * A Mac per thread and secret, initialised once: looking up the provider and keying a new Mac on every
   * request cost more than the HMAC of a typical body. doFinal leaves the Mac ready for the next body.
   */
  private static final ThreadLocal<Map<String, Mac>> MACS = ThreadLocal.withInitial(HashMap::new);

  static byte[] hmacSha256(String secret, byte[] body) {
    Mac mac = MACS.get().computeIfAbsent(secret, WebhookAuth::newMac);
    try {
      return mac.doFinal(body);
    } catch (RuntimeException e) {
      mac.reset(); // never leave a half-fed Mac for the next request on this thread
      throw e;
    }
  }

  private static Mac newMac(String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  private WebhookAuth() {}
}
