package io.switchboard.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Each storage verticle's own reactive pool, built here; and how Postgres's refusals are told apart. */
final class Pools {

  private Pools() {}

  /** A commit waits for its WAL flush whatever the server or role default says: what is acknowledged survives. */
  static Pool durable(Vertx vertx, PgConnectOptions options, int maxSize, String name) {
    return create(vertx, new PgConnectOptions(options).addProperty("synchronous_commit", "on"), maxSize, name);
  }

  /**
   * Everything after the inbound row is re-derivable: a lost event commit is re-parsed by the recovery sweep,
   * a lost attempt record means one more (at-least-once) attempt. So those commits skip waiting for a flush.
   */
  static Pool relaxed(Vertx vertx, PgConnectOptions options, int maxSize, String name) {
    return create(vertx, new PgConnectOptions(options).addProperty("synchronous_commit", "off"), maxSize, name);
  }

  /**
   * Relaxed, for statements that only append (INSERT … SELECT FROM unnest, ON CONFLICT on a key): the only table
   * they read besides their keys is the small subscriptions table, so the generic plan Postgres caches after a few
   * executions is as good as a fresh one, and planning each execution would only cost time (BENCHMARKS.md).
   */
  static Pool appending(Vertx vertx, PgConnectOptions options, int maxSize, String name) {
    return build(vertx, new PgConnectOptions(options).addProperty("synchronous_commit", "off"), maxSize, name);
  }

  /** Durable and appending: the inbound bodies' group commits. */
  static Pool durableAppending(Vertx vertx, PgConnectOptions options, int maxSize, String name) {
    return build(vertx, new PgConnectOptions(options).addProperty("synchronous_commit", "on"), maxSize, name);
  }

  /**
   * Ordered delivery's pool: relaxed, and planned to walk its sequences in index order. While deliveries is young
   * its statistics say "a few rows", and the planner sorts a subscription's whole pending set instead of reading
   * the first row of one sequence off its index (BENCHMARKS.md, ordered delivery).
   */
  static Pool ordering(Vertx vertx, PgConnectOptions options, int maxSize) {
    return create(vertx, new PgConnectOptions(options).addProperty("synchronous_commit", "off")
        .addProperty("enable_sort", "off"), maxSize, "ordering");
  }

  /**
   * Named, so each pool has its own meters (unnamed pools share one, and Micrometer warns at the second).
   * Statements are prepared once per connection but planned at every execution: a generic plan made while a
   * table was new and empty (a sequential scan of deliveries) would otherwise stay cached for the connection's
   * life, long after the table has grown, and cost more than the planning it saves (see BENCHMARKS.md).
   */
  private static Pool create(Vertx vertx, PgConnectOptions options, int maxSize, String name) {
    return build(vertx, new PgConnectOptions(options).addProperty("plan_cache_mode", "force_custom_plan"), maxSize,
        name);
  }

  private static Pool build(Vertx vertx, PgConnectOptions options, int maxSize, String name) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(maxSize).setName("postgres-" + name))
        .connectingTo(options)
        .using(vertx)
        .build();
  }

  static Future<Void> close(Pool pool) {
    return pool == null ? Future.succeededFuture() : pool.close();
  }

  /** An error in the data itself (SQLSTATE class 22 or 23): it comes back on every retry of the same rows. */
  static boolean refusedData(Throwable e) {
    return e instanceof PgException pg && pg.getSqlState() != null
        && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"));
  }

  /**
   * A data error that is the rows' own for good, except a foreign key (23503): a status mark for a subscription
   * deleted meanwhile, which the next sweep plans afresh (or no longer owes).
   */
  static boolean refusedForGood(Throwable e) {
    return refusedData(e) && !"23503".equals(((PgException) e).getSqlState());
  }
}
