package io.switchboard.storage;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Brings the schema up to date with the Flyway scripts in {@code db/migration}. Blocking: run on a worker. */
final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  static MigrateResult migrate(PostgresServer server) {
    var options = server.connectOptions();
    MigrateResult result = Flyway.configure()
        .dataSource(server.jdbcUrl(), options.getUser(), options.getPassword())
        .locations("classpath:db/migration")
        .load()
        .migrate();
    // Flyway reports a target version only when it applied something: on a restart the schema's version is
    // the one it found (initialSchemaVersion), which must be logged too, not null.
    String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
    LOG.info("schema migrated applied={} version={}", result.migrationsExecuted, version);
    return result;
  }
}
