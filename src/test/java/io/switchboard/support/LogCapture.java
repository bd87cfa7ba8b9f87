package io.switchboard.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** Every log event at INFO and above while open, as the router's own log would show them (tests log WARN). */
public final class LogCapture implements AutoCloseable {

  private final Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
  private final Level previous = root.getLevel();
  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      events.add(event);
    }
  };

  public LogCapture() {
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
    root.setLevel(Level.INFO);
  }

  public List<ILoggingEvent> events() {
    return List.copyOf(events);
  }

  /** Every message with its stack trace, as one text to search for leaks. */
  public String text() {
    StringBuilder all = new StringBuilder();
    for (ILoggingEvent e : events()) {
      all.append(e.getFormattedMessage()).append('\n');
      for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        all.append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
      }
    }
    return all.toString();
  }

  @Override
  public void close() {
    root.setLevel(previous);
    root.detachAppender(appender);
  }
}
