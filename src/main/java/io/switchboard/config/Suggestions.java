package io.switchboard.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean …": the known name closest to a mistyped one, if it is close enough to be the intended one. */
public final class Suggestions {

  private Suggestions() {}

  /** {@code "; did you mean 'allowHttp'?"}, or an empty string when nothing is close. */
  public static String didYouMean(String given, Collection<String> known) {
    return closest(given, known).map(name -> "; did you mean '" + name + "'?").orElse("");
  }

  /**
   * Closest by edit distance (a swap of two neighbours counts as one edit, case ignored), allowing one edit
   * per three letters, at most two: {@code alowHttp} finds {@code allowHttp}, {@code evnets} finds
   * {@code events}, {@code url} does not find {@code name}.
   */
  public static Optional<String> closest(String given, Collection<String> known) {
    String lower = given.toLowerCase(Locale.ROOT);
    int allowed = Math.max(1, Math.min(2, given.length() / 3));
    return known.stream()
        .filter(name -> distance(lower, name.toLowerCase(Locale.ROOT)) <= allowed)
        .min(Comparator.comparingInt((String name) -> distance(lower, name.toLowerCase(Locale.ROOT)))
            .thenComparing(Comparator.naturalOrder()));
  }

  /** Optimal string alignment distance: Levenshtein plus transposition of adjacent characters. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
