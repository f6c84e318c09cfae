package dev.spool.impl.client;

import dev.spool.EnqueueOptions;
import dev.spool.JobRequest;
import dev.spool.Task;
import dev.spool.impl.job.Payloads;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The parameters of {@code InsertJob} and {@code InsertJobs} (enqueue.sql), checked and encoded once for
 * both clients: the Vert.x one and the JDBC one.
 */
final class EnqueueParams {

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

  /** A batch's parameters, as arrays; throws IllegalArgumentException as {@link #one} does, and for a unique key. */
  static Tuple batch(List<JobRequest<?>> jobs, int maxPayloadBytes, String traceparent) {
    int n = jobs.size();
    String[] queue = new String[n];
    String[] task = new String[n];
    Buffer[] args = new Buffer[n];
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
      args[i] = Buffer.buffer(encode(job, maxPayloadBytes));
      priority[i] = (short) o.getPriority();
      runAt[i] = toOffset(o);
      delayMs[i] = (double) o.getDelay().toMillis();
      maxAttempts[i] = o.getMaxAttempts();
      timeoutMs[i] = timeoutMs(o);
      softTimeoutMs[i] = softTimeoutMs(o);
      key[i] = o.getKey();
    }
    return Tuple.of(queue, task, args, priority, runAt, delayMs, maxAttempts, timeoutMs).addValue(softTimeoutMs)
        .addValue(key).addValue(traceparent);
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
