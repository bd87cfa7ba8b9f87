package io.switchboard.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed values out of a config object, leniently (the environment gives everything as text) and
 * recording one problem line per bad key instead of throwing, so a user sees every mistake at once.
 */
final class Values {

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private final List<String> problems;

  Values(List<String> problems) {
    this.problems = problems;
  }

  String string(JsonObject object, String key, String path) {
    Object value = object.getValue(key);
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value == null ? null : value.toString();
    }
    return problem(path + "." + key, "must be a string", null);
  }

  String requiredString(JsonObject object, String key, String path) {
    String value = string(object, key, path);
    if (value == null || value.isBlank()) {
      return problem(path + "." + key, "is required", null);
    }
    return value;
  }

  int integer(JsonObject object, String key, String path, int min, int max) {
    Object value = object.getValue(key);
    try {
      long number = value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value).trim());
      if (number < min || number > max) {
        return problem(path + "." + key, "must be between " + min + " and " + max + " (got " + number + ")", min);
      }
      return (int) number;
    } catch (NumberFormatException e) {
      return problem(path + "." + key, "must be a whole number (got '" + value + "')", min);
    }
  }

  int integer(JsonObject object, String key, String path, int min, int max, int fallback) {
    return object.getValue(key) == null ? fallback : integer(object, key, path, min, max);
  }

  Integer optionalInteger(JsonObject object, String key, String path, int min, int max) {
    return object.getValue(key) == null ? null : integer(object, key, path, min, max);
  }

  double decimal(JsonObject object, String key, String path, double min, double max) {
    Object value = object.getValue(key);
    try {
      double number = value instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(value).trim());
      if (number < min || number > max) {
        return problem(path + "." + key, "must be between " + min + " and " + max, min);
      }
      return number;
    } catch (NumberFormatException e) {
      return problem(path + "." + key, "must be a number (got '" + value + "')", min);
    }
  }

  boolean bool(JsonObject object, String key, String path, boolean fallback) {
    Object value = object.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    String text = value.toString().trim().toLowerCase(Locale.ROOT);
    if (text.equals("true") || text.equals("false")) {
      return Boolean.parseBoolean(text);
    }
    return problem(path + "." + key, "must be true or false (got '" + value + "')", fallback);
  }

  /** A key the defaults always give; null only if an item left it out where no template fills it. */
  boolean bool(JsonObject object, String key, String path) {
    return object.getValue(key) == null ? problem(path + "." + key, "is required", false) : bool(object, key, path, false);
  }

  <E extends Enum<E>> E choice(JsonObject object, String key, String path, Class<E> type) {
    E fallback = type.getEnumConstants()[0];
    return object.getValue(key) == null ? problem(path + "." + key, "is required", fallback)
        : choice(object, key, path, type, fallback);
  }

  Duration duration(JsonObject object, String key, String path) {
    return object.getValue(key) == null ? problem(path + "." + key, "is required", null) : duration(object, key, path, null);
  }

  Duration duration(JsonObject object, String key, String path, Duration fallback) {
    Object value = object.getValue(key);
    if (value == null) {
      return fallback;
    }
    Duration parsed = parseDuration(value.toString());
    if (parsed == null || parsed.isZero()) {
      return problem(path + "." + key, "must be a positive duration like 500ms, 30s, 2m, 1h (got '" + value + "')",
          fallback);
    }
    return parsed;
  }

  List<Duration> durations(JsonObject object, String key, String path, List<Duration> fallback) {
    if (object.getValue(key) == null) {
      return fallback;
    }
    List<Duration> result = new ArrayList<>();
    for (String item : strings(object, key, path)) {
      Duration parsed = parseDuration(item);
      if (parsed == null || parsed.isZero()) {
        return problem(path + "." + key, "must list positive durations like 5s, 2m (got '" + item + "')", fallback);
      }
      result.add(parsed);
    }
    return result;
  }

  /** A list from a YAML sequence, or from comma-separated text (as the environment gives it). */
  List<String> strings(JsonObject object, String key, String path) {
    Object value = object.getValue(key);
    List<String> result = new ArrayList<>();
    if (value instanceof JsonArray array) {
      array.forEach(item -> result.add(String.valueOf(item).trim()));
    } else if (value != null) {
      for (String part : value.toString().split(",")) {
        if (!part.isBlank()) {
          result.add(part.trim());
        }
      }
    }
    return result;
  }

  <E extends Enum<E>> E choice(JsonObject object, String key, String path, Class<E> type, E fallback) {
    String value = string(object, key, path);
    if (value == null) {
      return fallback;
    }
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(value.trim())) {
        return constant;
      }
    }
    return problem(path + "." + key, "must be one of " + names(type) + " (got '" + value + "')", fallback);
  }

  JsonObject object(JsonObject parent, String key, String path) {
    Object value = parent.getValue(key);
    if (value == null) {
      return new JsonObject();
    }
    if (value instanceof JsonObject object) {
      return object;
    }
    return problem(path + "." + key, "must be a mapping", new JsonObject());
  }

  <T> T problem(String key, String what, T fallback) {
    problems.add(key.startsWith(".") ? key.substring(1) + ": " + what : key + ": " + what);
    return fallback;
  }

  static Duration parseDuration(String text) {
    Matcher matcher = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      return null;
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  private static <E extends Enum<E>> String names(Class<E> type) {
    List<String> names = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      names.add(constant.name().toLowerCase(Locale.ROOT));
    }
    return names.toString();
  }
}
