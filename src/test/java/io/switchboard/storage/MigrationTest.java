package io.switchboard.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.support.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Upgrades of a database that already holds rows, in a database of its own beside the shared test one. */
@DisplayName("Schema migrations")
class MigrationTest {

  @Test
  @DisplayName("V3 copies what classification made of each body into inbound_outcomes")
  void outcomesLeaveTheBodiesTable() throws SQLException {
    String url = freshDatabase("migration_v3");
    flyway(url).target("2").load().migrate();
    execute(url, """
        INSERT INTO inbound_webhooks (source, received_at, status, error, event_count, processed_at, body) VALUES
          ('meta', now(), 'processed', NULL, 2, '2026-01-02T03:04:05Z', '\\x7b7d'),
          ('meta', now(), 'parse_error', 'no entry', 0, '2026-01-02T03:04:06Z', '\\x7b7d'),
          ('meta', now(), 'received', NULL, NULL, NULL, '\\x7b7d'),
          ('meta', now(), 'invalid', 'not JSON', NULL, NULL, '\\x7b')""");

    flyway(url).load().migrate();

    assertEquals(List.of("1 processed null 2 1767323045", "2 parse_error no entry 0 1767323046"), rows(url, """
        SELECT inbound_id, status, error, event_count, extract(epoch FROM processed_at)::bigint
        FROM inbound_outcomes ORDER BY 1"""));
    // Body rows are not rewritten; the outcome is what readers use.
    assertEquals(List.of("1 processed", "2 parse_error", "3 received", "4 invalid"),
        rows(url, "SELECT id, status FROM inbound_webhooks ORDER BY 1"));
    assertEquals(List.of(), rows(url, """
        SELECT column_name FROM information_schema.columns
        WHERE table_name = 'inbound_webhooks' AND column_name IN ('event_count', 'processed_at')"""));
  }

  private static FluentConfiguration flyway(String url) {
    return Flyway.configure().dataSource(url, "postgres", "").locations("classpath:db/migration");
  }

  /** A new, empty database on the shared server; dropped first if an earlier run left it. */
  private static String freshDatabase(String name) throws SQLException {
    TestPostgres.port();
    TestPostgres.execute("DROP DATABASE IF EXISTS " + name);
    TestPostgres.execute("CREATE DATABASE " + name);
    return TestPostgres.jdbcUrl().replaceFirst("/postgres$", "/" + name);
  }

  private static void execute(String url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Each row as its columns' text joined by spaces. */
  private static List<String> rows(String url, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
         Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          values.add(rs.getString(i));
        }
        rows.add(String.join(" ", values));
      }
    }
    return rows;
  }
}
