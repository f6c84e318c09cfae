package dev.spool;

import dev.spool.config.SpoolConfig;
import dev.spool.impl.Recycling;
import dev.spool.impl.SpoolInternals;
import dev.spool.impl.client.PgJobAdmin;
import dev.spool.impl.await.Awaiter;
import dev.spool.impl.client.JdbcEnqueuer;
import dev.spool.impl.client.PgJobClient;
import dev.spool.impl.sql.MigrationPlanner;
import dev.spool.impl.sql.Migrator;
import dev.spool.impl.sql.Queries;
import dev.spool.impl.stats.Stats;
import dev.spool.impl.worker.Worker;
import dev.spool.spi.SpoolListener;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import dev.spool.impl.connect.ConnectUri;
import dev.spool.impl.connect.HostSelector;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.ClientBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The entry point: one per application and database schema, and the one factory of Spool's runtime
 * (the only class of this package that builds what {@code dev.spool.impl} holds).
 *
 * <pre>{@code
 * Spool spool = Spool.builder(vertx).connectingTo("postgresql://localhost/app").build();
 * spool.migrate()
 *     .compose(v -> spool.deployWorkers(new WorkerOptions(), handlers, 2))
 *     .compose(id -> spool.client().enqueue("send-email", new JsonObject().put("to", "a@example.com")));
 * }</pre>
 */
public final class Spool {

  private final SpoolInternals internals;
  private final JobClient client;
  private final Awaiter awaiter;

  private Spool(Builder builder) {
    SpoolOptions options = new SpoolOptions(builder.options);
    PgConnectOptions connectOptions = new PgConnectOptions(builder.connectOptions)
        .setPipeliningLimit(options.getPipeliningLimit())
        .setCachePreparedStatements(true)
        // NOTICEs such as "schema already exists, skipping" are not worth a log line each
        .addProperty("client_min_messages", "warning");
    String appName = connectOptions.getProperties().get("application_name");
    if (appName == null || appName.equals(PgConnectOptions.DEFAULT_PROPERTIES.get("application_name"))) {
      // lets operators (and tests) tell Spool's connections apart in pg_stat_activity
      connectOptions.addProperty("application_name", "spool");
    }
    Queries queries = new Queries(options.getSchema());
    // vertx-pg-client takes one host: a URL of several is served by choosing one per new connection
    HostSelector hosts = builder.uri == null || builder.uri.isSingleHost() ? null
        : new HostSelector(builder.vertx, builder.uri, queries.get("SessionReadOnly"));
    var poolBuilder = PgBuilder.pool().with(new PoolOptions().setMaxSize(options.getPoolSize()));
    Pool pool = (hosts == null ? poolBuilder.connectingTo(connectOptions) : poolBuilder.connectingTo(hosts.supplier(connectOptions)))
        .using(builder.vertx)
        .build();
    this.internals = new SpoolInternals(builder.vertx, connectOptions, options, queries, builder.clock,
        builder.nodeId != null ? builder.nodeId : defaultNodeId(), pool, List.copyOf(builder.periodicJobs.values()),
        new Stats(), builder.listener, new Recycling(), hosts);
    this.awaiter = new Awaiter(builder.vertx, pool, queries, connectOptions, Awaiter.DEFAULT_FALLBACK_POLL);
    this.client = new PgJobClient(pool, queries, options.getMaxPayloadBytes(), awaiter);
  }

  /**
   * Starts building a Spool on this Vert.x instance.
   *
   * @param vertx the Vert.x instance the Spool's pools and workers run on
   * @return a builder, to be given at least a database with {@link Builder#connectingTo(String)}
   */
  public static Builder builder(Vertx vertx) {
    return new Builder(vertx);
  }

  /**
   * Creates or updates Spool's schema; safe to call from several processes at once. Completes with the
   * versions it applied. Waits for locks as {@link MigrateOptions}' defaults say. A schema already newer than
   * this release (migrated by a later one) is left as it is.
   *
   * @return the migration versions applied, in order; empty when the schema was up to date
   */
  public Future<List<Integer>> migrate() {
    return migrate(new MigrateOptions());
  }

  /**
   * {@link #migrate()}, waiting for locks and retrying as {@code options} say.
   *
   * @param options how long to wait for locks and how often to retry
   * @return the migration versions applied, in order; empty when the schema was up to date
   */
  public Future<List<Integer>> migrate(MigrateOptions options) {
    // A connection of its own, whose session starts with no statement_timeout: a role's or database's (meant for
    // application queries) would cancel an index build halfway, and one of a millisecond cancelled even the first
    // statement that lifts it, on a fresh backend.
    Pool migrating = connect(PgBuilder.pool().with(new PoolOptions().setMaxSize(1)),
        o -> o.addProperty("statement_timeout", "0")).using(internals.vertx()).build();
    return new Migrator(internals.queries(), internals.options().getHistory(),
        internals.options().getMaxPayloadBytes()).migrate(internals.vertx(), migrating, options)
        .eventually(migrating::close);
  }

  /**
   * The schema's applied and pending migrations and the releases that work against it; changes nothing.
   *
   * @return the schema's status
   */
  public Future<SchemaStatus> schemaStatus() {
    return new MigrationPlanner(internals.queries()).status(internals.pool());
  }

  /**
   * What {@link #migrate()} would run now: SQL, locks and estimates of each pending step; changes nothing.
   *
   * @return the pending steps, empty when the schema is up to date
   */
  public Future<MigrationPlan> migrationPlan() {
    return new MigrationPlanner(internals.queries()).plan(internals.pool());
  }

  /**
   * Enqueues and inspects jobs.
   *
   * @return this Spool's client, on its pool
   */
  public JobClient client() {
    return client;
  }

  /**
   * Enqueues on the caller's JDBC connection, inside its transaction ({@link JdbcJobClient}): for code that
   * writes its business rows with JDBC, JPA or Spring and wants the job to commit with them.
   *
   * @return a client that enqueues through JDBC connections
   */
  public JdbcJobClient jdbcClient() {
    return new JdbcEnqueuer(internals.queries(), internals.options().getMaxPayloadBytes());
  }

  /**
   * An operator's view of this Spool's jobs and queues ({@link JobAdmin}), on a small pool of its own:
   * {@link JobAdmin#close() close} it when done. Each call makes a new one.
   *
   * @return a new admin, to close when done
   */
  public JobAdmin admin() {
    return new PgJobAdmin(internals);
  }

  /**
   * A new worker verticle, to deploy with {@code vertx.deployVerticle}.
   *
   * @param options how the worker claims, runs and acks jobs
   * @param handlers the handlers of the tasks it runs
   * @return the verticle, not yet deployed
   */
  public WorkerVerticle worker(WorkerOptions options, JobHandlers handlers) {
    return new Worker(internals, options, handlers);
  }

  /**
   * Deploys {@code instances} worker verticles; completes with the deployment id.
   *
   * @param options how each worker claims, runs and acks jobs
   * @param handlers the handlers of the tasks they run
   * @param instances how many verticles to deploy, at least 1
   * @return the deployment's id, for undeploying them together
   */
  public Future<String> deployWorkers(WorkerOptions options, JobHandlers handlers, int instances) {
    return internals.vertx().deployVerticle(() -> worker(options, handlers),
        new DeploymentOptions().setInstances(instances));
  }

  /**
   * What this Spool's workers have done since it was built.
   *
   * @return live counters of this Spool's workers
   */
  public SpoolStats stats() {
    return internals.stats();
  }

  /**
   * Completes, with the reason, when a recycling limit of this Spool's workers trips
   * ({@link WorkerOptions#setMaxStuckHandlers}, {@link WorkerOptions#setMaxHeapAfterGc}). From then on the
   * workers claim nothing new, hand back what they prefetched and finish what runs; the admin API's
   * {@code /ready} answers 503 with the reason. The process is meant to stop gracefully (undeploy the
   * workers, close Vert.x) and be started afresh by its supervisor: the {@code worker} command does so and
   * exits with code 75. Callbacks run on a worker's event loop: do not block them.
   *
   * @return a future completed with the reason once a recycling limit trips; it never fails
   */
  public Future<String> recycling() {
    return internals.recycling().future();
  }

  /**
   * Why this process is being recycled (see {@link #recycling()}), or empty while it is not.
   *
   * @return the reason, or empty
   */
  public Optional<String> recycleReason() {
    return Optional.ofNullable(internals.recycling().reason());
  }

  /**
   * The pool of the client; usable for the caller's own transactions that enqueue jobs.
   *
   * @return the client's pool
   */
  public Pool pool() {
    return internals.pool();
  }

  /**
   * The Vert.x instance this Spool runs on.
   *
   * @return the Vert.x instance
   */
  public Vertx vertx() {
    return internals.vertx();
  }

  /**
   * A copy of this Spool's options.
   *
   * @return a copy of the options
   */
  public SpoolOptions options() {
    return new SpoolOptions(internals.options());
  }

  /**
   * A copy of the options this Spool connects with, <b>aimed at the first host of its URL only</b>. With a
   * URL of several hosts ({@link Builder#connectingTo(String)}) a client built from these keeps dialing that
   * host after a failover, while Spool's own connections move to the new primary: build clients with
   * {@link #connect(ClientBuilder)} instead, or take one connection's options from
   * {@link #resolveConnectOptions()}.
   *
   * @deprecated names the first host of a multi-host URL only; use {@link #connect(ClientBuilder)} or
   *     {@link #resolveConnectOptions()}, which follow a failover as Spool does
   * @return a copy of the connect options
   */
  @Deprecated
  public PgConnectOptions connectOptions() {
    return internals.connectOptions();
  }

  /**
   * Aims {@code builder} ({@code PgBuilder.pool()} or {@code PgBuilder.client()}, with the caller's own
   * {@code PoolOptions}) at this Spool's database the way Spool's own pools connect: with its connect options
   * (user, password, database, properties), and with a URL of several hosts each new connection goes to the
   * first host that answers, or with {@code target_session_attrs=read-write} the first that answers as
   * writable, so the client follows a failover by itself.
   *
   * <pre>{@code
   * SqlClient log = spool.connect(PgBuilder.client().with(new PoolOptions().setMaxSize(2))).using(vertx).build();
   * }</pre>
   *
   * @param <C> what the builder builds: a {@code Pool} or a {@code SqlClient}
   * @param builder a {@code PgBuilder} the caller set up
   * @return {@code builder}, aimed at this Spool's database
   */
  public <C> ClientBuilder<C> connect(ClientBuilder<C> builder) {
    return connect(builder, UnaryOperator.identity());
  }

  /**
   * {@link #connect(ClientBuilder)} with connect options of the caller's own: {@code adjust} changes a copy of
   * Spool's (say, {@code o -> o.addProperty("synchronous_commit", "off")}); the host and port it sets are
   * replaced, per connection, by the host chosen from the URL.
   *
   * @param <C> what the builder builds: a {@code Pool} or a {@code SqlClient}
   * @param builder a {@code PgBuilder} the caller set up
   * @param adjust changes a copy of Spool's connect options
   * @return {@code builder}, aimed at this Spool's database
   */
  public <C> ClientBuilder<C> connect(ClientBuilder<C> builder, UnaryOperator<PgConnectOptions> adjust) {
    return internals.connect(builder, Objects.requireNonNull(adjust.apply(internals.connectOptions()), "adjusted options"));
  }

  /**
   * The options of one new connection, aimed at the host Spool's connections go to now (for a URL of several
   * hosts: probed as for {@link #connect(ClientBuilder)}; fails naming why no host would do). For a connection
   * made outside a pool ({@code PgConnection.connect}); ask again for each new one, as the host changes on a
   * failover.
   *
   * @return the options of one connection to the current host
   */
  public Future<PgConnectOptions> resolveConnectOptions() {
    return internals.resolveConnectOptions();
  }

  /**
   * The clock of time-dependent services (settable for tests).
   *
   * @return the clock
   */
  public Clock clock() {
    return internals.clock();
  }

  /**
   * This process's name in lease owners: host, pid and a random part.
   *
   * @return the node id
   */
  public String nodeId() {
    return internals.nodeId();
  }

  /**
   * The periodic jobs declared on this Spool; the elected leader among its workers enqueues them.
   *
   * @return the periodic jobs, in declaration order
   */
  public List<PeriodicJob<?>> periodicJobs() {
    return internals.periodicJobs();
  }

  /**
   * Closes the client's pool and the awaits' LISTEN connection. Undeploy worker verticles first.
   *
   * @return a future that completes once both are closed
   */
  public Future<Void> close() {
    return awaiter.stop().eventually(() -> internals.pool().close());
  }

  private static String defaultNodeId() {
    String runtime = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
    return runtime + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Builds a {@link Spool}. */
  public static final class Builder {
    private final Vertx vertx;
    private PgConnectOptions connectOptions;
    private ConnectUri uri;
    private SpoolOptions options = new SpoolOptions();
    private Clock clock = Clock.systemUTC();
    private String nodeId;
    private SpoolListener listener = SpoolListener.NONE;
    private final java.util.Map<String, PeriodicJob<?>> periodicJobs = new java.util.LinkedHashMap<>();

    private Builder(Vertx vertx) {
      this.vertx = Objects.requireNonNull(vertx, "vertx");
    }

    /**
     * A {@code postgresql://user:password@host:port/database} URI. As with libpq, it may name several
     * hosts ({@code postgresql://user@h1:5432,h2:5433/db}) and ask for the writable one with
     * {@code ?target_session_attrs=read-write}: each new connection then goes to the first host that
     * answers as a primary, so workers and clients follow a failover by themselves. Throws
     * {@link IllegalArgumentException} saying what is wrong with a URI it cannot read.
     *
     * @param uri the database URI
     * @return this builder
     */
    public Builder connectingTo(String uri) {
      this.uri = ConnectUri.parse(uri);
      this.connectOptions = this.uri.base();
      return this;
    }

    /**
     * The options of one host (no host selection).
     *
     * @param connectOptions host, port, database, user and password of the one server
     * @return this builder
     */
    public Builder connectingTo(PgConnectOptions connectOptions) {
      this.connectOptions = new PgConnectOptions(connectOptions);
      this.uri = null;
      return this;
    }

    /**
     * The options of the Spool: schema, pool size, retention, vacuum, limits ({@link SpoolOptions}); copied.
     *
     * @param options the options
     * @return this builder
     */
    public Builder options(SpoolOptions options) {
      this.options = new SpoolOptions(options);
      return this;
    }

    /**
     * Takes the database URL (when set), the options and the periodic jobs of a configuration read with
     * {@link SpoolConfig} — the same file and keys as the CLI's {@code --config}. Worker settings and task
     * options are the caller's to use: {@code config.workerOptions()}, {@code config.taskOptions()}.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder config(SpoolConfig config) {
      if (config.databaseUrl() != null) {
        connectingTo(config.databaseUrl());
      }
      options(config.spoolOptions());
      config.periodicJobs().forEach(this::periodic);
      return this;
    }

    /**
     * {@link #config(SpoolConfig)} of a configuration in the file's shape (read, say, with vertx-config),
     * with the process's {@code SPOOL_*} variables over it; throws {@link dev.spool.config.ConfigException}
     * naming the key of a bad value.
     *
     * @param config the configuration as JSON, in the file's shape
     * @return this builder
     */
    public Builder config(JsonObject config) {
      return config(SpoolConfig.fromJson(config, System.getenv(), null));
    }

    /**
     * Shorthand for {@code options(new SpoolOptions().setSchema(schema))} on top of the current options.
     *
     * @param schema a lower-case SQL identifier
     * @return this builder
     */
    public Builder schema(String schema) {
      this.options = new SpoolOptions(options).setSchema(schema);
      return this;
    }

    /**
     * The clock of time-dependent services (leases, schedules, periodic jobs); the system's by default, a settable
     * one in tests.
     *
     * @param clock the clock, not null
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Overrides the node id written as lease owner (defaults to pid@host plus a random part).
     *
     * @param nodeId the node id
     * @return this builder
     */
    public Builder nodeId(String nodeId) {
      this.nodeId = nodeId;
      return this;
    }

    /**
     * Hears what workers do (claims, runs, outcomes, late acks, rescues): for metrics and logs.
     *
     * @param listener the listener; its methods must not block
     * @return this builder
     */
    public Builder listener(SpoolListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Declares a periodic job. Declare the same ones on every node: whichever node's worker is elected
     * leader enqueues them, each slot once.
     *
     * @param job the periodic job, by a name not yet declared
     * @return this builder
     */
    public Builder periodic(PeriodicJob<?> job) {
      if (periodicJobs.putIfAbsent(job.name(), job) != null) {
        throw new IllegalArgumentException("a periodic job named " + job.name() + " is already declared");
      }
      return this;
    }

    /**
     * Builds the Spool; connects lazily, so nothing goes to the database yet.
     *
     * @return the Spool
     * @throws IllegalStateException when no database was given
     */
    public Spool build() {
      if (connectOptions == null) {
        throw new IllegalStateException("Spool needs a database: call connectingTo(...)");
      }
      return new Spool(this);
    }
  }
}
