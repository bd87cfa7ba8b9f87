package io.switchboard.support;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/** Reading HTTP/1.1 answers off a raw socket, for tests that write requests byte by byte. */
public final class RawHttp {

  private RawHttp() {}

  /** One response's status line and headers, up to and including the blank line (or what came before EOF). */
  public static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  /** The Content-Length a response head declares, 0 without one. */
  public static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    return 0;
  }
}
