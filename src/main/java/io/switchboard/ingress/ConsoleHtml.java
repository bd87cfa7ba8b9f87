package io.switchboard.ingress;

import java.util.stream.Collectors;

/** The few HTML fragments the server writes itself (the live tail's rows), every value escaped. */
final class ConsoleHtml {

  private static final int PAYLOAD_EXCERPT = 400;

  private ConsoleHtml() {}

  /** One table row on one line (an SSE data line); headers come redacted from the ring. */
  static String tailRow(RecentRequests.Entry e) {
    String headers = e.headers().entrySet().stream().map(h -> h.getKey() + ": " + h.getValue())
        .collect(Collectors.joining("\n"));
    String payload = e.payload().length() > PAYLOAD_EXCERPT ? e.payload().substring(0, PAYLOAD_EXCERPT) + "…" : e.payload();
    return "<tr>" + cell(e.at().toString()) + cell(e.source()) + cell(e.method()) + cell(String.valueOf(e.status()))
        + cell(e.auth()) + cell(e.clientIp()) + cell(e.summary())
        + "<td><details><summary>headers</summary><pre>" + escape(headers) + "</pre></details></td>"
        + "<td><code>" + escape(payload) + "</code></td></tr>";
  }

  private static String cell(String text) {
    return "<td>" + escape(text) + "</td>";
  }

  /** HTML-escapes text and writes line breaks as character references, so a fragment stays on one line. */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        case '\n' -> out.append("&#10;");
        case '\r' -> out.append("&#13;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
