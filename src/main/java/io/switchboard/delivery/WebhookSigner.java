package io.switchboard.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a request the Standard Webhooks way: {@code v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>}.
 * A {@code whsec_} secret is base64 after the prefix (as Svix issues them); any other secret is used as
 * its UTF-8 bytes. During a rotation the previous secret signs too, until its window ends: the header then
 * carries both signatures, space-separated, and a receiver holding either secret verifies.
 */
public final class WebhookSigner {

  private static final String PREFIX = "whsec_";
  private final Mac current;
  private final Mac previous;
  private final long previousUntilSeconds;

  public WebhookSigner(String secret) {
    this(secret, null, null);
  }

  /** {@code previousSecret} may be null; it signs while the request's timestamp is before {@code previousUntil}. */
  public WebhookSigner(String secret, String previousSecret, Instant previousUntil) {
    this.current = mac(secret);
    this.previous = previousSecret == null || previousUntil == null ? null : mac(previousSecret);
    this.previousUntilSeconds = previousUntil == null ? Long.MIN_VALUE : previousUntil.getEpochSecond();
  }

  /** Not thread-safe: each signer is used from its endpoint's context only. */
  public String sign(String messageId, long timestampSeconds, byte[] body) {
    byte[] signed = (messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
    String signature = "v1," + signature(current, signed, body);
    return previous != null && timestampSeconds < previousUntilSeconds
        ? signature + " v1," + signature(previous, signed, body)
        : signature;
  }

  private static String signature(Mac mac, byte[] prefix, byte[] body) {
    mac.update(prefix);
    return Base64.getEncoder().encodeToString(mac.doFinal(body));
  }

  /** Made once per secret: looking the algorithm up costs more than the HMAC of a small body. */
  private static Mac mac(String secret) {
    byte[] bytes = secret.startsWith(PREFIX)
        ? Base64.getDecoder().decode(secret.substring(PREFIX.length()))
        : secret.getBytes(StandardCharsets.UTF_8);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(bytes, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }
}
