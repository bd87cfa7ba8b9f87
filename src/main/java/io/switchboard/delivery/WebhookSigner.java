package io.switchboard.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a request the Standard Webhooks way: {@code v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>}.
 * A {@code whsec_} secret is base64 after the prefix (as Svix issues them); any other secret is used as
 * its UTF-8 bytes.
 */
public final class WebhookSigner {

  private static final String PREFIX = "whsec_";
  private final SecretKeySpec key;
  /** Made once: looking the algorithm up costs more than the HMAC of a small body. Confined to one context. */
  private Mac mac;

  public WebhookSigner(String secret) {
    byte[] bytes = secret.startsWith(PREFIX)
        ? Base64.getDecoder().decode(secret.substring(PREFIX.length()))
        : secret.getBytes(StandardCharsets.UTF_8);
    this.key = new SecretKeySpec(bytes, "HmacSHA256");
  }

  public String sign(String messageId, long timestampSeconds, byte[] body) {
    try {
      if (mac == null) {
        mac = Mac.getInstance("HmacSHA256");
        mac.init(key);
      }
      mac.update((messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    } catch (RuntimeException e) {
      mac = null; // a Mac left half-updated must not sign the next request
      throw e;
    }
  }
}
