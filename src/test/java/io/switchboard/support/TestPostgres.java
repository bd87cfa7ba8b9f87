package io.switchboard.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;

/** One embedded Postgres for the whole test JVM; tests truncate between runs instead of starting their own. */
public final class TestPostgres {

  private static EmbeddedPostgres postgres;

  private TestPostgres() {}

  public static synchronized int port() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Flyway.configure().dataSource(jdbcUrl(), "postgres", "").locations("classpath:db/migration").load().migrate();
    }
    return postgres.getPort();
  }

  public static String url() {
    return "postgresql://postgres@localhost:" + port() + "/postgres";
  }

  public static String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
  }

  /** Empties every table so each test starts from nothing. */
  public static void reset() {
    port();
    execute("TRUNCATE inbound_webhooks, inbound_outcomes, events, deliveries, delivery_attempts, subscriptions RESTART IDENTITY CASCADE");
    execute("UPDATE recovery_watermark SET inbound_id = 0, sample_id = 0, sample_at = '-infinity', scan_to = 0");
  }

  public static void execute(String sql) {
    try (Connection c = DriverManager.getConnection(jdbcUrl(), "postgres", ""); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  public static long count(String sql) {
    return queryLong("SELECT count(*) FROM (" + sql + ") AS q");
  }

  public static long queryLong(String sql) {
    return Long.parseLong(queryString(sql));
  }

  public static String queryString(String sql) {
    try (Connection c = DriverManager.getConnection(jdbcUrl(), "postgres", "");
         Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }
}
