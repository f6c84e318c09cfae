package dev.spool;

/**
 * One job to enqueue in a batch with {@link JobClient#enqueueAll}: jobs of different tasks and options
 * can go in one statement.
 */
public record JobRequest<A>(Task<A> task, A args, EnqueueOptions options) {

  /**
   * Checks that the task and the options are there.
   *
   * @param task the task, not null
   * @param args the job's arguments, encoded by the task's codec
   * @param options the job's options, not null
   * @throws IllegalArgumentException when {@code task} or {@code options} is null
   */
  public JobRequest {
    if (task == null || options == null) {
      throw new IllegalArgumentException("task and options must not be null");
    }
  }

  /**
   * A job of {@code task} with default options.
   *
   * @param <A> the type of the arguments
   * @param task the task
   * @param args its arguments
   * @return the request
   */
  public static <A> JobRequest<A> of(Task<A> task, A args) {
    return new JobRequest<>(task, args, new EnqueueOptions());
  }
}
