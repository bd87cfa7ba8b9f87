package io.switchboard;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.switchboard.config.SwitchboardConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies {@code logging.level} and {@code logging.json} to Logback once the config is known. */
final class LogSetup {

  private LogSetup() {}

  static void apply(SwitchboardConfig.Logging logging) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J backend: its own configuration rules
    }
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(logging.level(), Level.INFO));
    if (logging.json()) {
      ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
      appender.setContext(context);
      appender.setName("JSON");
      JsonEncoder encoder = new JsonEncoder();
      encoder.setContext(context);
      encoder.start();
      appender.setEncoder(encoder);
      appender.start();
      root.detachAndStopAllAppenders();
      root.addAppender(appender);
    }
  }
}
