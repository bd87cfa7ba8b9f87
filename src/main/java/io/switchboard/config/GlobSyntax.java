package io.switchboard.config;

import java.util.regex.Pattern;

/**
 * What an event glob may look like: the characters event types are made of, plus {@code *}. Event types are
 * short dotted names ({@code message.status.read}), so a glob past these limits is a mistake, not a need.
 */
final class GlobSyntax {

  static final int MAX_LENGTH = 128;
  static final int MAX_STARS = 8;
  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._*-]+");

  private GlobSyntax() {}

  /** Why {@code glob} is refused, or null when it is fine. */
  static String problem(String glob) {
    if (glob == null || glob.isEmpty()) {
      return "must not be empty (use * for every event)";
    }
    if (glob.length() > MAX_LENGTH) {
      return "must be at most " + MAX_LENGTH + " characters (got " + glob.length() + ")";
    }
    if (!ALLOWED.matcher(glob).matches()) {
      return "may hold only letters, digits, '.', '_', '-' and '*' (got '" + printable(glob) + "')";
    }
    long stars = glob.chars().filter(c -> c == '*').count();
    if (stars > MAX_STARS) {
      return "must have at most " + MAX_STARS + " '*' (got " + stars + ")";
    }
    return null;
  }

  /** Control characters shown as \\uXXXX, so the error line stays one line. */
  static String printable(String text) {
    StringBuilder shown = new StringBuilder();
    text.codePoints().limit(MAX_LENGTH).forEach(c -> {
      if (Character.isISOControl(c)) {
        shown.append(String.format("\\u%04x", c));
      } else {
        shown.appendCodePoint(c);
      }
    });
    return shown.toString();
  }
}
