package dev.spool;

/**
 * One job to enqueue in a batch with {@link JobClient#enqueueAll}: jobs of different tasks and options
 * can go in one statement.
 */
public record JobRequest<A>(Task<A> task, A args, EnqueueOptions options) {

  public JobRequest {
    if (task == null || options == null) {
      throw new IllegalArgumentException("task and options must not be null");
    }
  }

  public static <A> JobRequest<A> of(Task<A> task, A args) {
    return new JobRequest<>(task, args, new EnqueueOptions());
  }
}
