package io.switchboard.delivery;

import java.util.ArrayList;
import java.util.List;

/**
 * An event glob: {@code *} matches any run of characters, everything else is literal. Matching walks the
 * type once, left to right, finding each literal piece at its earliest place and never going back (the
 * earliest place leaves the most room for the rest), so no glob, however many stars, can backtrack the way
 * a regex does: a stored {@code *******…x} costs microseconds, not the delivery event loop.
 */
record EventGlob(String prefix, List<String> middle, String suffix, boolean starred) {

  EventGlob {
    middle = List.copyOf(middle);
  }

  static EventGlob of(String glob) {
    String[] pieces = glob.split("\\*", -1);
    if (pieces.length == 1) {
      return new EventGlob(glob, List.of(), "", false);
    }
    List<String> middle = new ArrayList<>();
    for (int i = 1; i < pieces.length - 1; i++) {
      if (!pieces[i].isEmpty()) {
        middle.add(pieces[i]);
      }
    }
    return new EventGlob(pieces[0], middle, pieces[pieces.length - 1], true);
  }

  boolean matches(String type) {
    if (!starred) {
      return prefix.equals(type);
    }
    if (type.length() < prefix.length() + suffix.length() || !type.startsWith(prefix) || !type.endsWith(suffix)) {
      return false;
    }
    int from = prefix.length();
    int end = type.length() - suffix.length();
    for (String piece : middle) {
      int at = type.indexOf(piece, from);
      if (at < 0 || at + piece.length() > end) {
        return false;
      }
      from = at + piece.length();
    }
    return true;
  }
}
