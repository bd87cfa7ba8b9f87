package io.switchboard.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The provider payloads in shared/fixtures (copied to test resources), and how providers sign them. */
public final class Fixtures {

  public static final String APP_SECRET = "test-app-secret";
  public static final String VERIFY_TOKEN = "test-verify-token";

  private Fixtures() {}

  public static Path dir() {
    return Path.of(System.getProperty("switchboard.fixtures", "src/test/resources/fixtures/whatsapp"));
  }

  public static byte[] bytes(String name) {
    try {
      return Files.readAllBytes(dir().resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fixture with every {@code wamid.} id made unique, so files and loops do not deduplicate each other. */
  public static byte[] unique(String name, String suffix) {
    String text = new String(bytes(name), StandardCharsets.UTF_8);
    return text.replaceAll("\"(wamid\\.[^\"]*)\"", "\"$1-" + suffix + "\"").getBytes(StandardCharsets.UTF_8);
  }

  /** Meta's {@code X-Hub-Signature-256} header value for these exact bytes. */
  public static String metaSignature(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
