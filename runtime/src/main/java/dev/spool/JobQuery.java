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

  public static final int DEFAULT_LIMIT = 50;
  /** Larger limits are lowered to this: a page is for people and scripts, not for exports. */
  public static final int MAX_LIMIT = 1000;

  private JobState state;
  private String queue;
  private String task;
  private String key;
  private Long beforeId;
  private int limit = DEFAULT_LIMIT;
  private Long depth;

  public JobQuery() {}

  public JobQuery(JobQuery other) {
    this.state = other.state;
    this.queue = other.queue;
    this.task = other.task;
    this.key = other.key;
    this.beforeId = other.beforeId;
    this.limit = other.limit;
    this.depth = other.depth;
  }

  public JobState getState() {
    return state;
  }

  /** Only jobs in this state (null for any); {@link JobState#AVAILABLE} means due now, SCHEDULED due later. */
  public JobQuery setState(JobState state) {
    this.state = state;
    return this;
  }

  public String getQueue() {
    return queue;
  }

  public JobQuery setQueue(String queue) {
    this.queue = queue;
    return this;
  }

  public String getTask() {
    return task;
  }

  public JobQuery setTask(String task) {
    this.task = task;
    return this;
  }

  public String getKey() {
    return key;
  }

  /** Only jobs of this key ({@link EnqueueOptions#setKey}); null for any. */
  public JobQuery setKey(String key) {
    this.key = key;
    return this;
  }

  public Long getBeforeId() {
    return beforeId;
  }

  /** Only jobs with a smaller id (null for no bound). */
  public JobQuery setBeforeId(Long beforeId) {
    this.beforeId = beforeId;
    return this;
  }

  public int getLimit() {
    return limit;
  }

  /** At least 1; values above {@link #MAX_LIMIT} are lowered to it. */
  public JobQuery setLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    this.limit = Math.min(limit, MAX_LIMIT);
    return this;
  }

  public Long getDepth() {
    return depth;
  }

  /**
   * Only jobs among the {@code depth} ids below the bound ({@link #getBeforeId}, else the newest id); null
   * (the default) for no such limit.
   */
  public JobQuery setDepth(Long depth) {
    if (depth != null && depth < 1) {
      throw new IllegalArgumentException("depth must be at least 1, got " + depth);
    }
    this.depth = depth;
    return this;
  }
}
