package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A URL of several hosts with {@code target_session_attrs=read-write}: Spool connects to the server that
 * answers as a primary, whichever place it has in the list. (The failover itself, a standby promoted while
 * workers run, is measured by the load tester's {@code chaos --fault failover}.)
 */
class MultiHostTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");

  /** The test database's URL with a host that refuses connections (port 1) listed before the real one. */
  static String withDeadHostFirst(String extra) {
    String uri = TestDatabase.uri();
    int authority = uri.indexOf("://") + 3;
    int at = uri.indexOf('@', authority);
    int slash = uri.indexOf('/', authority);
    int hosts = at >= 0 && (slash < 0 || at < slash) ? at + 1 : authority;
    String joined = uri.substring(0, hosts) + "127.0.0.1:1," + uri.substring(hosts);
    return joined + (joined.contains("?") ? "&" : "?") + extra;
  }

  @Test
  void workersAndClientsReachTheWritableServerPastOneThatIsDown() {
    Spool multi = Spool.builder(vertx).connectingTo(withDeadHostFirst("target_session_attrs=read-write"))
        .schema(schema).build();
    AtomicInteger runs = new AtomicInteger();
    await(vertx.deployVerticle(() -> multi.worker(new WorkerOptions(), new JobHandlers().register(WORK, (args, ctx) -> {
      runs.incrementAndGet();
      return Future.succeededFuture();
    })), new DeploymentOptions()));
    await(multi.client().enqueue(WORK, new JsonObject()));
    eventually(Duration.ofSeconds(10), () -> runs.get() == 1 && count("true") == 0);
  }

  @Test
  void clientsBuiltFromTheSpoolReachTheWritableServerPastOneThatIsDown() {
    Spool multi = Spool.builder(vertx).connectingTo(withDeadHostFirst("target_session_attrs=read-write"))
        .schema(schema).build();
    SqlClient own = multi.connect(PgBuilder.client().with(new PoolOptions().setMaxSize(2))).using(vertx).build();
    SqlClient adjusted = multi.connect(PgBuilder.client(), o -> o.addProperty("synchronous_commit", "off"))
        .using(vertx).build();
    try {
      assertThat(await(own.query("select 1").execute()).iterator().next().getInteger(0)).isEqualTo(1);
      assertThat(await(adjusted.query("show synchronous_commit").execute()).iterator().next().getString(0))
          .isEqualTo("off");
      PgConnectOptions resolved = await(multi.resolveConnectOptions());
      assertThat(resolved.getPort()).isNotEqualTo(1);
      PgConnection conn = await(PgConnection.connect(vertx, resolved));
      await(conn.close());
      // the deprecated options still name the URL's first host: the trap connect() avoids
      @SuppressWarnings("deprecation")
      int firstPort = multi.connectOptions().getPort();
      assertThat(firstPort).isEqualTo(1);
    } finally {
      await(own.close());
      await(adjusted.close());
    }
  }

  @Test
  void aSingleHostSpoolResolvesToItsOwnHost() {
    PgConnectOptions resolved = await(spool.resolveConnectOptions());
    SqlClient own = spool.connect(PgBuilder.client()).using(vertx).build();
    try {
      assertThat(resolved.getDatabase()).isEqualTo(PgConnectOptions.fromUri(TestDatabase.uri()).getDatabase());
      assertThat(await(own.query("select 1").execute()).size()).isEqualTo(1);
    } finally {
      await(own.close());
    }
  }

  @Test
  void noWritableServerIsAClearFailureNamingEachHost() {
    Spool none = Spool.builder(vertx)
        .connectingTo("postgresql://postgres@127.0.0.1:1,127.0.0.1:2/db?target_session_attrs=read-write").build();
    assertThatThrownBy(() -> await(none.client().enqueue(WORK, new JsonObject())))
        .hasMessageContaining("no writable PostgreSQL server").hasMessageContaining("127.0.0.1:1")
        .hasMessageContaining("127.0.0.1:2");
  }

  @Test
  void aBadUrlIsRefusedWhenTheSpoolIsBuilt() {
    assertThatThrownBy(() -> Spool.builder(vertx).connectingTo("postgresql://h1,h2/db?target_session_attrs=standby"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target_session_attrs=standby");
  }

  @Test
  void aUrlOfOneHostStillConnectsAsBefore() {
    assertThat(await(spool.client().enqueue(WORK, new JsonObject()))).isPositive();
  }
}
