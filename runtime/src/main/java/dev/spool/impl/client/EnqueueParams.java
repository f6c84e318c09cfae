package dev.spool.impl.client;

import dev.spool.EnqueueOptions;
import dev.spool.JobRequest;
import dev.spool.Task;
import dev.spool.impl.job.Payloads;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/**
 * The parameters of {@code InsertJob} and {@code InsertJobs} (enqueue.sql), checked and encoded once for
 * both clients: the Vert.x one and the JDBC one.
 */
final class EnqueueParams {

  /** The index of the arguments' array among {@link #batchColumns}. */
  private static final int ARGS = 2;

  private EnqueueParams() {}

  /** One job's parameters; throws IllegalArgumentException for options or arguments that are refused. */
  static <A> Tuple one(Task<A> task, A args, EnqueueOptions options, int maxPayloadBytes, String traceparent) {
    options.validate();
    return Tuple.of(options.getQueue(), task.name(), Buffer.buffer(Payloads.encode(task, args, maxPayloadBytes)),
            (short) options.getPriority(), toOffset(options), (double) options.getDelay().toMillis(),
            options.getMaxAttempts())
        .addValue(timeoutMs(options))
        .addValue(options.getUniqueKey())
        .addValue(softTimeoutMs(options))
        .addValue(options.getKey())
        .addValue(traceparent);
  }

  /**
   * A batch's parameters for the Vert.x client: {@link #batchColumns}, the arguments as {@link Buffer}s. Throws
   * IllegalArgumentException as {@link #one} does, and for a unique key.
   */
  static Tuple batch(List<JobRequest<?>> jobs, int maxPayloadBytes, String traceparent) {
    Object[] columns = batchColumns(jobs, maxPayloadBytes, traceparent);
    byte[][] bytes = (byte[][]) columns[ARGS];
    Buffer[] args = new Buffer[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      args[i] = Buffer.buffer(bytes[i]);
    }
    columns[ARGS] = args;
    return Tuple.wrap(columns);
  }

  /**
   * A batch's parameters for the JDBC client: {@link #batchColumns} as they are, the arguments as {@code byte[][]}
   * (a Buffer would cost the JDBC path two copies of every payload).
   */
  static Tuple jdbcBatch(List<JobRequest<?>> jobs, int maxPayloadBytes, String traceparent) {
    return Tuple.wrap(batchColumns(jobs, maxPayloadBytes, traceparent));
  }

  /**
   * InsertJobs' parameters: one array per column, the arguments' always with one element per job. A column of
   * a value every job must have (queue, task, priority, delay, attempts) that is the same for every job is sent
   * as one element, which the statement applies to all; a nullable column (run_at, time limits, key) that is
   * null for every job is sent empty, which unnest pads with nulls. A batch of one kind of job, the usual one,
   * so costs the server one array to decode and unnest instead of ten: a quarter of its time at 1,000 jobs.
   */
  private static Object[] batchColumns(List<JobRequest<?>> jobs, int maxPayloadBytes, String traceparent) {
    int n = jobs.size();
    String[] queue = new String[n];
    String[] task = new String[n];
    byte[][] args = new byte[n][];
    Short[] priority = new Short[n];
    OffsetDateTime[] runAt = new OffsetDateTime[n];
    Double[] delayMs = new Double[n];
    Integer[] maxAttempts = new Integer[n];
    Integer[] timeoutMs = new Integer[n];
    Integer[] softTimeoutMs = new Integer[n];
    String[] key = new String[n];
    for (int i = 0; i < n; i++) {
      JobRequest<?> job = jobs.get(i);
      EnqueueOptions o = job.options().validate();
      if (o.getUniqueKey() != null) {
        throw new IllegalArgumentException("enqueueAll does not take unique keys; enqueue such jobs one by one");
      }
      queue[i] = o.getQueue();
      task[i] = job.task().name();
      args[i] = encode(job, maxPayloadBytes);
      priority[i] = (short) o.getPriority();
      runAt[i] = toOffset(o);
      delayMs[i] = (double) o.getDelay().toMillis();
      maxAttempts[i] = o.getMaxAttempts();
      timeoutMs[i] = timeoutMs(o);
      softTimeoutMs[i] = softTimeoutMs(o);
      key[i] = o.getKey();
    }
    return new Object[] {oneIfSame(queue), oneIfSame(task), args, oneIfSame(priority), noneIfNull(runAt),
        oneIfSame(delayMs), oneIfSame(maxAttempts), noneIfNull(timeoutMs), noneIfNull(softTimeoutMs), noneIfNull(key),
        traceparent};
  }

  /** {@code values}, or its first element alone when every element equals it (none is null here). */
  private static <T> T[] oneIfSame(T[] values) {
    for (T value : values) {
      if (!value.equals(values[0])) {
        return values;
      }
    }
    return Arrays.copyOf(values, 1);
  }

  /** {@code values}, or no element when every element is null. */
  private static <T> T[] noneIfNull(T[] values) {
    for (T value : values) {
      if (value != null) {
        return values;
      }
    }
    return Arrays.copyOf(values, 0);
  }

  private static <A> byte[] encode(JobRequest<A> job, int maxPayloadBytes) {
    return Payloads.encode(job.task(), job.args(), maxPayloadBytes);
  }

  private static OffsetDateTime toOffset(EnqueueOptions options) {
    return options.getRunAt() == null ? null : options.getRunAt().atOffset(ZoneOffset.UTC);
  }

  private static Integer timeoutMs(EnqueueOptions options) {
    return options.getTimeout() == null ? null : (int) options.getTimeout().toMillis();
  }

  private static Integer softTimeoutMs(EnqueueOptions options) {
    return options.getSoftTimeout() == null ? null : (int) options.getSoftTimeout().toMillis();
  }
}
