package io.switchboard.api;

import java.util.Objects;

/** POST a signed {@code webhook.test} event to {@code url} now, with {@code secret}, and report the answer. */
public record SendTest(String url, String secret) {

  public SendTest {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(secret, "secret");
  }
}
