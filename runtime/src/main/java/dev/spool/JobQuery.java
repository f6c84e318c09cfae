package dev.spool;

/**
 * A filter for {@link JobAdmin#list}: jobs newest first, optionally of one state, queue and task, below an
 * id (to page on from the last id of the previous page), at most {@code limit} of them.
 *
 * <p>A filter no index serves (a task that is rare, say, in a table of 10 million jobs) walks the table
 * from the newest job down until the page is full. {@link #setDepth} bounds that walk to a range of ids, so
 * each page costs the same however rare the match: a short page then means "none in this range", and
 * the next one starts below it.
 */
public class JobQuery {

  /** The default of {@link #setLimit}. */
  public static final int DEFAULT_LIMIT = 50;
  /** The largest page: a page is for people and scripts, not for exports (page on with {@link #setBeforeId}). */
  public static final int MAX_LIMIT = 1000;

  private JobState state;
  private String queue;
  private String task;
  private String key;
  private Long beforeId;
  private int limit = DEFAULT_LIMIT;
  private Long depth;

  /** A query that matches every job: add conditions with the setters. */
  public JobQuery() {}

  /**
   * A copy of {@code other}.
   *
   * @param other the query to copy
   */
  public JobQuery(JobQuery other) {
    this.state = other.state;
    this.queue = other.queue;
    this.task = other.task;
    this.key = other.key;
    this.beforeId = other.beforeId;
    this.limit = other.limit;
    this.depth = other.depth;
  }

  /** {@return the {@code state} setting} See {@link #setState}. */
  public JobState getState() {
    return state;
  }

  /**
   * Only jobs in this state (null for any); {@link JobState#AVAILABLE} means due now, SCHEDULED due later.
   *
   * @param state only jobs in this state (null for any); {@link JobState#AVAILABLE} means due now, SCHEDULED due later.
   * @return this job query, for chaining
   */
  public JobQuery setState(JobState state) {
    this.state = state;
    return this;
  }

  /** {@return the {@code queue} setting} See {@link #setQueue}. */
  public String getQueue() {
    return queue;
  }

  /**
   * Only jobs of this queue (null for any); a name as {@link EnqueueOptions#setQueue} takes.
   *
   * @param queue only jobs of this queue (null for any); a name as {@link EnqueueOptions#setQueue} takes.
   * @return this job query, for chaining
   */
  public JobQuery setQueue(String queue) {
    this.queue = queue == null ? null : Names.check("queue", queue);
    return this;
  }

  /** {@return the {@code task} setting} See {@link #setTask}. */
  public String getTask() {
    return task;
  }

  /**
   * Only jobs of this task (null for any); a name as {@link Task} takes.
   *
   * @param task only jobs of this task (null for any); a name as {@link Task} takes.
   * @return this job query, for chaining
   */
  public JobQuery setTask(String task) {
    this.task = task == null ? null : Names.check("task", task);
    return this;
  }

  /** {@return the {@code key} setting} See {@link #setKey}. */
  public String getKey() {
    return key;
  }

  /**
   * Only jobs of this key ({@link EnqueueOptions#setKey}); null for any.
   *
   * @param key only jobs of this key ({@link EnqueueOptions#setKey}); null for any.
   * @return this job query, for chaining
   */
  public JobQuery setKey(String key) {
    this.key = key;
    return this;
  }

  /** {@return the {@code beforeId} setting} See {@link #setBeforeId}. */
  public Long getBeforeId() {
    return beforeId;
  }

  /**
   * Only jobs with a smaller id (null for no bound); at least 1.
   *
   * @param beforeId only jobs with a smaller id (null for no bound); at least 1.
   * @return this job query, for chaining
   */
  public JobQuery setBeforeId(Long beforeId) {
    if (beforeId != null && beforeId < 1) {
      throw new IllegalArgumentException("before must be at least 1, got " + beforeId);
    }
    this.beforeId = beforeId;
    return this;
  }

  /** {@return the {@code limit} setting} See {@link #setLimit}. */
  public int getLimit() {
    return limit;
  }

  /**
   * From 1 to {@link #MAX_LIMIT}; a larger one is refused rather than quietly lowered.
   *
   * @param limit from 1 to {@link #MAX_LIMIT}; a larger one is refused rather than quietly lowered.
   * @return this job query, for chaining
   */
  public JobQuery setLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + limit);
    }
    this.limit = limit;
    return this;
  }

  /** {@return the {@code depth} setting} See {@link #setDepth}. */
  public Long getDepth() {
    return depth;
  }

  /**
   * Only jobs among the {@code depth} ids below the bound ({@link #getBeforeId}, else the newest id); null
   * (the default) for no such limit.
   *
   * @param depth only jobs among the {@code depth} ids below the bound ({@link #getBeforeId}, else the newest id); null (the default) for no such limit.
   * @return this job query, for chaining
   */
  public JobQuery setDepth(Long depth) {
    if (depth != null && depth < 1) {
      throw new IllegalArgumentException("depth must be at least 1, got " + depth);
    }
    this.depth = depth;
    return this;
  }
}
