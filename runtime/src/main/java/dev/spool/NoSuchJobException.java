package dev.spool;

/** No job with this id is stored: never enqueued, or finished and pruned (or deleted at once on completion). */
public final class NoSuchJobException extends RuntimeException {

  /** The id asked for. */
  private final long id;

  /**
   * No job with this id is stored.
   *
   * @param id the id asked for
   */
  public NoSuchJobException(long id) {
    super("no job " + id + " (never enqueued, or finished and no longer stored)");
    this.id = id;
  }

  /** {@return the id asked for} */
  public long id() {
    return id;
  }
}
