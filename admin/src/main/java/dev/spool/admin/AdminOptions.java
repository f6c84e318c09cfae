package dev.spool.admin;

import dev.spool.QueueOptions;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the admin HTTP API listens, who may call it, and when {@code /ready} says no.
 *
 * <ul>
 *   <li>{@code host}, {@code port}: loopback by default. Bound to any other address the API requires a
 *       {@code token} (callers send {@code Authorization: Bearer <token>}) and refuses to start without
 *       one. With a token set, every route but {@code /health} requires it, on loopback too.
 *   <li>{@code allowedHosts}: bound to loopback, the API answers only requests whose {@code Host} is a
 *       loopback name or address, the bound host, or one of these (say, the name a reverse proxy on this
 *       machine passes on); any other {@code Host} is a DNS-rebinding attempt and gets a 403.
 *   <li>{@code maxFailureRate}: {@code /ready} fails when more than this share of the runs of this node's
 *       workers failed (retried or dead) in the last {@code rateWindow}, once at least
 *       {@code minRunsForRate} ran in it (1 or more turns the check off).
 *   <li>{@code maxOldestAvailable}: {@code /ready} fails when a due job of a queue that is not paused has
 *       waited longer than this (null turns the check off).
 *   <li>{@code maxVacuumHorizonAge}: {@code /ready} fails when a session or prepared transaction has held back
 *       vacuum of the database longer than this ({@link dev.spool.JobAdmin#vacuumHorizon}). Off (null) by
 *       default: every node would turn not ready at once for a cause outside all of them, which restarting or
 *       replacing a node cannot fix; the shipped alert on {@code spool_vacuum_horizon_age_seconds} tells people.
 *   <li>{@code requireLeader}: {@code /ready} fails when no worker holds the maintenance lease (nothing
 *       would rescue jobs of dead workers).
 *   <li>{@code requireServedQueues}: {@code /ready} fails when due jobs of a queue that is not paused have no
 *       live worker serving their queue.
 *   <li>{@code requireServedTasks}: {@code /ready} fails when due jobs of a queue that is not paused have live
 *       workers of their queue, but none that handles their task. Off by default: one stray or mistyped
 *       enqueue would make every worker of the queue not ready; {@code /ready} lists it under
 *       {@code warnings} instead (and {@code /metrics}, the dashboard and {@code jobs explain} show it).
 *   <li>{@code queueRefresh}: how often the queue gauges of {@code /metrics} are refreshed from the database.
 *   <li>{@code queueOptions}: the settings of the queues as this node's workers have them (not read from
 *       JSON: the worker command passes its own). The keys view shows a keyed queue's limits and weights
 *       from them, because the database does not hold them: every claim passes its worker's figures.
 * </ul>
 */
public class AdminOptions {

  /** The default of {@link #setHost}. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** The default of {@link #setPort}. */
  public static final int DEFAULT_PORT = 7317;
  /** The default of {@link #setToken}. */
  public static final String DEFAULT_TOKEN = null;
  /** The default of {@link #setAllowedHosts}. */
  public static final List<String> DEFAULT_ALLOWED_HOSTS = List.of();
  /** The default of {@link #setMaxFailureRate}. */
  public static final double DEFAULT_MAX_FAILURE_RATE = 0.5;
  /** The default of {@link #setRateWindow}. */
  public static final Duration DEFAULT_RATE_WINDOW = Duration.ofMinutes(1);
  /** The default of {@link #setMinRunsForRate}. */
  public static final int DEFAULT_MIN_RUNS_FOR_RATE = 20;
  /** The default of {@link #setMaxOldestAvailable}. */
  public static final Duration DEFAULT_MAX_OLDEST_AVAILABLE = Duration.ofMinutes(5);
  /** The default of {@link #setMaxVacuumHorizonAge}: null, the check is off. */
  public static final Duration DEFAULT_MAX_VACUUM_HORIZON_AGE = null;
  /** The default of {@link #setRequireLeader}. */
  public static final boolean DEFAULT_REQUIRE_LEADER = true;
  /** The default of {@link #setRequireServedQueues}. */
  public static final boolean DEFAULT_REQUIRE_SERVED_QUEUES = true;
  /** The default of {@link #setRequireServedTasks}. */
  public static final boolean DEFAULT_REQUIRE_SERVED_TASKS = false;
  /** The default of {@link #setQueueRefresh}. */
  public static final Duration DEFAULT_QUEUE_REFRESH = Duration.ofSeconds(10);
  /** The default of {@link #setDashboard}. */
  public static final boolean DEFAULT_DASHBOARD = true;
  /** Queue counts on the dashboard stop here: each costs an index walk of up to this many entries. */
  public static final int DEFAULT_DASHBOARD_COUNT_LIMIT = 10_000;

  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|\\[?[0-9a-fA-F:.]*:[0-9a-fA-F:.]*]?");

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private String token = DEFAULT_TOKEN;
  private List<String> allowedHosts = DEFAULT_ALLOWED_HOSTS;
  private double maxFailureRate = DEFAULT_MAX_FAILURE_RATE;
  private Duration rateWindow = DEFAULT_RATE_WINDOW;
  private int minRunsForRate = DEFAULT_MIN_RUNS_FOR_RATE;
  private Duration maxOldestAvailable = DEFAULT_MAX_OLDEST_AVAILABLE;
  private Duration maxVacuumHorizonAge = DEFAULT_MAX_VACUUM_HORIZON_AGE;
  private boolean requireLeader = DEFAULT_REQUIRE_LEADER;
  private boolean requireServedQueues = DEFAULT_REQUIRE_SERVED_QUEUES;
  private boolean requireServedTasks = DEFAULT_REQUIRE_SERVED_TASKS;
  private Duration queueRefresh = DEFAULT_QUEUE_REFRESH;
  private boolean dashboard = DEFAULT_DASHBOARD;
  private int dashboardCountLimit = DEFAULT_DASHBOARD_COUNT_LIMIT;
  private Map<String, QueueOptions> queueOptions = Map.of();

  /** Options with every setting at its default. */
  public AdminOptions() {}

  /**
   * A copy of {@code other}.
   *
   * @param other the options to copy
   */
  public AdminOptions(AdminOptions other) {
    this.host = other.host;
    this.port = other.port;
    this.token = other.token;
    this.allowedHosts = other.allowedHosts;
    this.maxFailureRate = other.maxFailureRate;
    this.rateWindow = other.rateWindow;
    this.minRunsForRate = other.minRunsForRate;
    this.maxOldestAvailable = other.maxOldestAvailable;
    this.maxVacuumHorizonAge = other.maxVacuumHorizonAge;
    this.requireLeader = other.requireLeader;
    this.requireServedQueues = other.requireServedQueues;
    this.requireServedTasks = other.requireServedTasks;
    this.queueRefresh = other.queueRefresh;
    this.dashboard = other.dashboard;
    this.dashboardCountLimit = other.dashboardCountLimit;
    this.queueOptions = other.queueOptions;
  }

  /**
   * Reads {@code host, port, token, allowedHosts (an array), maxFailureRate, rateWindowMs, minRunsForRate, maxOldestAvailableMs, maxVacuumHorizonAgeMs, requireLeader, requireServedQueues, requireServedTasks, queueRefreshMs, dashboard, dashboardCountLimit}.
   *
   * @param json the options in that shape; absent fields keep their defaults
   */
  public AdminOptions(JsonObject json) {
    setHost(json.getString("host", DEFAULT_HOST));
    setPort(json.getInteger("port", DEFAULT_PORT));
    setToken(json.getString("token", DEFAULT_TOKEN));
    if (json.getJsonArray("allowedHosts") != null) {
      setAllowedHosts(json.getJsonArray("allowedHosts").stream().map(String::valueOf).toList());
    }
    setMaxFailureRate(json.getDouble("maxFailureRate", DEFAULT_MAX_FAILURE_RATE));
    setRateWindow(Duration.ofMillis(json.getLong("rateWindowMs", DEFAULT_RATE_WINDOW.toMillis())));
    setMinRunsForRate(json.getInteger("minRunsForRate", DEFAULT_MIN_RUNS_FOR_RATE));
    Long oldest = json.containsKey("maxOldestAvailableMs") ? json.getLong("maxOldestAvailableMs")
        : DEFAULT_MAX_OLDEST_AVAILABLE.toMillis();
    setMaxOldestAvailable(oldest == null ? null : Duration.ofMillis(oldest));
    Long horizon = json.getLong("maxVacuumHorizonAgeMs");
    setMaxVacuumHorizonAge(horizon == null ? DEFAULT_MAX_VACUUM_HORIZON_AGE : Duration.ofMillis(horizon));
    setRequireLeader(json.getBoolean("requireLeader", DEFAULT_REQUIRE_LEADER));
    setRequireServedQueues(json.getBoolean("requireServedQueues", DEFAULT_REQUIRE_SERVED_QUEUES));
    setRequireServedTasks(json.getBoolean("requireServedTasks", DEFAULT_REQUIRE_SERVED_TASKS));
    setQueueRefresh(Duration.ofMillis(json.getLong("queueRefreshMs", DEFAULT_QUEUE_REFRESH.toMillis())));
    setDashboard(json.getBoolean("dashboard", DEFAULT_DASHBOARD));
    setDashboardCountLimit(json.getInteger("dashboardCountLimit", DEFAULT_DASHBOARD_COUNT_LIMIT));
  }

  /**
   * The options as JSON, the token left out.
   *
   * @return the options as JSON, without the token
   */
  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("port", port)
        .put("allowedHosts", new io.vertx.core.json.JsonArray(allowedHosts)).put("maxFailureRate", maxFailureRate)
        .put("rateWindowMs", rateWindow.toMillis()).put("minRunsForRate", minRunsForRate)
        .put("maxOldestAvailableMs", maxOldestAvailable == null ? null : maxOldestAvailable.toMillis())
        .put("maxVacuumHorizonAgeMs", maxVacuumHorizonAge == null ? null : maxVacuumHorizonAge.toMillis())
        .put("requireLeader", requireLeader).put("requireServedQueues", requireServedQueues)
        .put("requireServedTasks", requireServedTasks).put("queueRefreshMs", queueRefresh.toMillis())
        .put("dashboard", dashboard).put("dashboardCountLimit", dashboardCountLimit);
  }

  /**
   * Checks the options as a whole: off loopback a token is required.
   *
   * @return these options, when valid
   * @throws IllegalArgumentException when the API would be reachable from elsewhere without a token
   */
  public AdminOptions validate() {
    if (!isLoopback(host) && (token == null || token.isBlank())) {
      throw new IllegalArgumentException("the admin API bound to " + host + " (not loopback) needs a bearer token");
    }
    return this;
  }

  /**
   * True for {@code localhost} and loopback IP literals. Host names other than {@code localhost} are
   * not looked up (that could block, and could change): they count as reachable from elsewhere.
   *
   * @param host a host name or IP literal
   * @return true when only this machine can reach it
   */
  public static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!IP_LITERAL.matcher(host).matches()) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress(); // a literal: parsed, not looked up
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** {@return the {@code host} setting} See {@link #setHost}. */
  public String getHost() {
    return host;
  }

  /**
   * The address the API binds to; loopback by default. Any other needs a {@link #setToken token}.
   *
   * @param host a host name or IP literal, not blank
   * @return these options
   */
  public AdminOptions setHost(String host) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    this.host = host;
    return this;
  }

  /** {@return the {@code port} setting} See {@link #setPort}. */
  public int getPort() {
    return port;
  }

  /**
   * 0 picks a free port (see {@link AdminVerticle#actualPort()}).
   *
   * @param port 0 picks a free port (see {@link AdminVerticle#actualPort()}).
   * @return these options
   */
  public AdminOptions setPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
    }
    this.port = port;
    return this;
  }

  /** {@return the {@code token} setting} See {@link #setToken}. */
  public String getToken() {
    return token;
  }

  /**
   * The bearer token callers send ({@code Authorization: Bearer <token>}); with one set, every route but
   * {@code /health} requires it. Null or empty for none, which only loopback allows.
   *
   * @param token the token, or null
   * @return these options
   */
  public AdminOptions setToken(String token) {
    this.token = token == null || token.isEmpty() ? null : token;
    return this;
  }

  /** {@return the {@code allowedHosts} setting} See {@link #setAllowedHosts}. */
  public List<String> getAllowedHosts() {
    return allowedHosts;
  }

  /**
   * Host names (besides loopback ones) a loopback-bound API answers; each a bare name, no port.
   *
   * @param allowedHosts host names (besides loopback ones) a loopback-bound API answers; each a bare name, no port.
   * @return these options
   */
  public AdminOptions setAllowedHosts(List<String> allowedHosts) {
    for (String h : allowedHosts) {
      if (h == null || h.isBlank() || h.contains(":") && !h.startsWith("[") || h.contains("/")) {
        throw new IllegalArgumentException("allowedHosts takes host names without port or scheme, got " + h);
      }
    }
    this.allowedHosts = List.copyOf(allowedHosts);
    return this;
  }

  /** {@return the {@code maxFailureRate} setting} See {@link #setMaxFailureRate}. */
  public double getMaxFailureRate() {
    return maxFailureRate;
  }

  /**
   * {@code /ready} fails when more than this share of the runs of this node's workers failed in the last
   * {@link #setRateWindow rate window}; 1 or more turns the check off.
   *
   * @param maxFailureRate a share, at least 0
   * @return these options
   */
  public AdminOptions setMaxFailureRate(double maxFailureRate) {
    if (!(maxFailureRate >= 0)) {
      throw new IllegalArgumentException("maxFailureRate must be at least 0, got " + maxFailureRate);
    }
    this.maxFailureRate = maxFailureRate;
    return this;
  }

  /** {@return the {@code rateWindow} setting} See {@link #setRateWindow}. */
  public Duration getRateWindow() {
    return rateWindow;
  }

  /**
   * The window the failure rate of {@link #setMaxFailureRate} is measured over; at least a second.
   *
   * @param rateWindow the window
   * @return these options
   */
  public AdminOptions setRateWindow(Duration rateWindow) {
    if (rateWindow.toSeconds() < 1) {
      throw new IllegalArgumentException("rateWindow must be at least a second, got " + rateWindow);
    }
    this.rateWindow = rateWindow;
    return this;
  }

  /** {@return the {@code minRunsForRate} setting} See {@link #setMinRunsForRate}. */
  public int getMinRunsForRate() {
    return minRunsForRate;
  }

  /**
   * The fewest runs in the window before the failure rate counts; at least 1.
   *
   * @param minRunsForRate the fewest runs
   * @return these options
   */
  public AdminOptions setMinRunsForRate(int minRunsForRate) {
    if (minRunsForRate < 1) {
      throw new IllegalArgumentException("minRunsForRate must be at least 1, got " + minRunsForRate);
    }
    this.minRunsForRate = minRunsForRate;
    return this;
  }

  /** {@return the {@code maxOldestAvailable} setting} See {@link #setMaxOldestAvailable}. */
  public Duration getMaxOldestAvailable() {
    return maxOldestAvailable;
  }

  /**
   * {@code /ready} fails when a due job of a queue that is not paused has waited longer than this; null turns the
   * check off.
   *
   * @param maxOldestAvailable the longest wait, or null
   * @return these options
   */
  public AdminOptions setMaxOldestAvailable(Duration maxOldestAvailable) {
    if (maxOldestAvailable != null && maxOldestAvailable.isNegative()) {
      throw new IllegalArgumentException("maxOldestAvailable must not be negative, got " + maxOldestAvailable);
    }
    this.maxOldestAvailable = maxOldestAvailable;
    return this;
  }

  /** {@return the {@code maxVacuumHorizonAge} setting, or null when the check is off} See {@link #setMaxVacuumHorizonAge}. */
  public Duration getMaxVacuumHorizonAge() {
    return maxVacuumHorizonAge;
  }

  /**
   * {@code /ready} fails when a session, prepared transaction or replication slot has held back the database's
   * vacuum horizon for longer than this, naming it. Off by default: every node would turn not ready at once for a
   * cause none of them can fix, so the alert {@code SpoolVacuumHorizonHeld} is the main signal.
   *
   * @param maxVacuumHorizonAge the longest age allowed, positive; null turns the check off
   * @return these options
   * @throws IllegalArgumentException for zero or a negative duration
   */
  public AdminOptions setMaxVacuumHorizonAge(Duration maxVacuumHorizonAge) {
    if (maxVacuumHorizonAge != null && (maxVacuumHorizonAge.isNegative() || maxVacuumHorizonAge.isZero())) {
      throw new IllegalArgumentException("maxVacuumHorizonAge must be positive (or null: off), got " + maxVacuumHorizonAge);
    }
    this.maxVacuumHorizonAge = maxVacuumHorizonAge;
    return this;
  }

  /** {@return the {@code requireLeader} setting} See {@link #setRequireLeader}. */
  public boolean isRequireLeader() {
    return requireLeader;
  }

  /**
   * {@code /ready} fails when no worker holds the maintenance lease (nothing would rescue jobs of dead workers).
   *
   * @param requireLeader true to require a leader
   * @return these options
   */
  public AdminOptions setRequireLeader(boolean requireLeader) {
    this.requireLeader = requireLeader;
    return this;
  }

  /** {@return the {@code requireServedQueues} setting} See {@link #setRequireServedQueues}. */
  public boolean isRequireServedQueues() {
    return requireServedQueues;
  }

  /**
   * Whether {@code /ready} fails while due jobs wait in a queue no live worker serves (else a warning).
   *
   * @param requireServedQueues whether {@code /ready} fails while due jobs wait in a queue no live worker serves (else a warning).
   * @return these options
   */
  public AdminOptions setRequireServedQueues(boolean requireServedQueues) {
    this.requireServedQueues = requireServedQueues;
    return this;
  }

  /** {@return the {@code requireServedTasks} setting} See {@link #setRequireServedTasks}. */
  public boolean isRequireServedTasks() {
    return requireServedTasks;
  }

  /**
   * Whether {@code /ready} fails while due jobs have a task none of their queue's live workers handles (else
   * a warning, the default).
   *
   * @param requireServedTasks whether {@code /ready} fails while due jobs have a task none of their queue's live workers handles (else a warning, the default).
   * @return these options
   */
  public AdminOptions setRequireServedTasks(boolean requireServedTasks) {
    this.requireServedTasks = requireServedTasks;
    return this;
  }

  /** {@return the {@code queueRefresh} setting} See {@link #setQueueRefresh}. */
  public Duration getQueueRefresh() {
    return queueRefresh;
  }

  /**
   * How often the queue gauges of {@code /metrics} are refreshed from the database; at least 1 ms.
   *
   * @param queueRefresh the interval
   * @return these options
   */
  public AdminOptions setQueueRefresh(Duration queueRefresh) {
    if (queueRefresh.toMillis() < 1) {
      throw new IllegalArgumentException("queueRefresh must be at least 1 ms, got " + queueRefresh);
    }
    this.queueRefresh = queueRefresh;
    return this;
  }

  /** {@return the {@code dashboard} setting} See {@link #setDashboard}. */
  public boolean isDashboard() {
    return dashboard;
  }

  /**
   * Whether {@code /} serves the dashboard page (its data comes from the API, under the same token).
   *
   * @param dashboard whether {@code /} serves the dashboard page (its data comes from the API, under the same token).
   * @return these options
   */
  public AdminOptions setDashboard(boolean dashboard) {
    this.dashboard = dashboard;
    return this;
  }

  /** {@return the {@code dashboardCountLimit} setting} See {@link #setDashboardCountLimit}. */
  public int getDashboardCountLimit() {
    return dashboardCountLimit;
  }

  /**
   * Where the dashboard stops counting a queue's jobs of one state (it shows "10,000+"); at least 1.
   *
   * @param dashboardCountLimit where the dashboard stops counting a queue's jobs of one state (it shows "10,000+"); at least 1.
   * @return these options
   */
  public AdminOptions setDashboardCountLimit(int dashboardCountLimit) {
    if (dashboardCountLimit < 1) {
      throw new IllegalArgumentException("dashboardCountLimit must be at least 1, got " + dashboardCountLimit);
    }
    this.dashboardCountLimit = dashboardCountLimit;
    return this;
  }

  /**
   * The settings of one queue as this node's workers have them, or null when it has none.
   *
   * @param queue the queue's name
   * @return its settings, or null
   */
  public QueueOptions getQueueOptions(String queue) {
    QueueOptions options = queueOptions.get(queue);
    return options == null ? null : new QueueOptions(options);
  }

  /**
   * Tells the keys view one queue's limits and weights (see {@link QueueOptions}); null removes them.
   *
   * @param queue the queue's name
   * @param options its settings, or null
   * @return these options
   */
  public AdminOptions setQueueOptions(String queue, QueueOptions options) {
    Map<String, QueueOptions> copy = new LinkedHashMap<>(queueOptions);
    if (options == null) {
      copy.remove(queue);
    } else {
      copy.put(queue, new QueueOptions(options));
    }
    this.queueOptions = Map.copyOf(copy);
    return this;
  }
}
