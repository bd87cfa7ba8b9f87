package io.switchboard.api;

/** Failure codes carried by {@code message.fail(code, text)}; they mirror the HTTP status a caller answers. */
public final class ReplyCodes {

  public static final int BAD_REQUEST = 400;
  public static final int NOT_FOUND = 404;
  public static final int CONFLICT = 409;
  public static final int STORAGE_UNAVAILABLE = 503;

  private ReplyCodes() {}
}
