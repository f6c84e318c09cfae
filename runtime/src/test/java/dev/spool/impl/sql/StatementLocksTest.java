package dev.spool.impl.sql;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.impl.sql.StatementLocks.Lock;
import dev.spool.impl.sql.StatementLocks.Mode;
import dev.spool.impl.sql.StatementLocks.Work;
import dev.spool.testing.SpoolTestBase;
import io.vertx.sqlclient.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lock read from a statement's text is the lock PostgreSQL takes: each statement runs in a transaction
 * rolled back afterwards, and pg_locks says the strongest mode its session then holds on the jobs table.
 */
class StatementLocksTest extends SpoolTestBase {

  private static final List<String> MODES = List.of("AccessShareLock", "RowShareLock", "RowExclusiveLock",
      "ShareUpdateExclusiveLock", "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock");
  private static final List<Mode> ORDER = List.of(Mode.ACCESS_SHARE, Mode.ROW_SHARE, Mode.ROW_EXCLUSIVE,
      Mode.SHARE_UPDATE_EXCLUSIVE, Mode.SHARE, Mode.SHARE_ROW_EXCLUSIVE, Mode.EXCLUSIVE, Mode.ACCESS_EXCLUSIVE);

  /** The strongest lock the statement's session holds on the jobs table after running it, or NONE. */
  private Mode heldOnJobs(String statement) {
    return await(spool.pool().withConnection(conn -> conn.query("begin").execute()
        .compose(v -> conn.query(statement).execute())
        .compose(v -> conn.query("select mode from pg_locks where pid = pg_backend_pid() and relation = '"
            + schema + ".jobs'::regclass").execute())
        .eventually(() -> conn.query("rollback").execute())
        .map(rows -> {
          Mode strongest = Mode.NONE;
          for (Row row : rows) {
            Mode mode = ORDER.get(MODES.indexOf(row.getString(0)));
            strongest = mode.compareTo(strongest) > 0 ? mode : strongest;
          }
          return strongest;
        })));
  }

  private void assertRead(String statement, Mode mode, Work work) {
    String filled = statement.replace("{schema}", schema);
    Lock read = StatementLocks.of(SqlStatements.normalized(filled));
    assertThat(read.mode()).as(filled).isEqualTo(mode);
    assertThat(read.work()).as(filled).isEqualTo(work);
    assertThat(heldOnJobs(filled)).as("PostgreSQL's lock for " + filled).isEqualTo(mode);
  }

  @Test
  void readsTheLockPostgresqlTakes() {
    assertRead("alter table {schema}.jobs add column x integer", Mode.ACCESS_EXCLUSIVE, Work.CATALOG);
    assertRead("alter table {schema}.jobs add column x double precision default random()", Mode.ACCESS_EXCLUSIVE,
        Work.REWRITE);
    assertRead("alter table {schema}.jobs set (fillfactor = 60)", Mode.SHARE_UPDATE_EXCLUSIVE, Work.CATALOG);
    assertRead("alter table {schema}.jobs alter column queue set statistics 500", Mode.SHARE_UPDATE_EXCLUSIVE,
        Work.CATALOG);
    assertRead("alter table {schema}.jobs add constraint probe check (attempt >= 0) not valid", Mode.ACCESS_EXCLUSIVE,
        Work.CATALOG);
    assertRead("create index probe on {schema}.jobs (queue)", Mode.SHARE, Work.INDEX_BUILD);
    assertRead("update {schema}.jobs set priority = priority", Mode.ROW_EXCLUSIVE, Work.ROWS);
    assertRead("lock table {schema}.jobs in share row exclusive mode", Mode.SHARE_ROW_EXCLUSIVE, Work.CATALOG);
    assertRead("create table {schema}.probe (id bigint references {schema}.jobs (id))", Mode.SHARE_ROW_EXCLUSIVE,
        Work.CATALOG);
    assertRead("alter table {schema}.jobs drop column if exists nothing_here", Mode.ACCESS_EXCLUSIVE, Work.CATALOG);
  }

  @Test
  void saysWhatItCannotRead() {
    assertThat(StatementLocks.of("do $$ begin perform 1; end $$").mode()).isEqualTo(Mode.UNKNOWN);
    assertThat(StatementLocks.of("create index concurrently p on s.jobs (queue)"))
        .isEqualTo(new Lock(Mode.SHARE_UPDATE_EXCLUSIVE, "s.jobs", Work.CONCURRENT_INDEX_BUILD));
    assertThat(StatementLocks.of("create or replace function s.f() returns int language sql as $$ select 1 $$").mode())
        .isEqualTo(Mode.NONE);
  }

  @Test
  void splitsScriptsBetweenStatementsOnly() {
    List<String> statements = SqlStatements.split("""
        -- a comment; not a statement
        create function s.f() returns text language plpgsql as $fn$ begin return 'a;b'; end $fn$;
        insert into s.t values ('x;y', "we;ird");
        /* a block; comment */ select 1;
        -- trailing comment only
        """);
    assertThat(statements).hasSize(3);
    assertThat(statements.get(0)).startsWith("-- a comment; not a statement\ncreate function").endsWith("end $fn$");
    assertThat(statements.get(1)).isEqualTo("insert into s.t values ('x;y', \"we;ird\")");
  }

  @Test
  void cutsAMigrationIntoItsTransactionAndTheConcurrentStepsAfterIt() {
    MigrationSteps.Parts parts = MigrationSteps.of("""
        alter table s.jobs add column c text;
        -- why it is concurrent
        create index concurrently if not exists jobs_c on s.jobs (c);
        drop index concurrently if exists s.jobs_old;
        """);
    assertThat(parts.transactional()).isEqualTo("alter table s.jobs add column c text;\n");
    assertThat(parts.outside()).extracting(MigrationSteps.Outside::index).containsExactly("jobs_c", null);
    assertThat(parts.allInTransaction()).contains("create index if not exists jobs_c on s.jobs (c);")
        .contains("drop index if exists s.jobs_old;");
    assertThatThrownBy(() -> MigrationSteps.of("create index concurrently on s.jobs (c)"))
        .hasMessageStartingWith("a concurrent index build must name its index");
  }
}
