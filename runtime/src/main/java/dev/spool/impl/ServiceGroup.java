package dev.spool.impl;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Services started together and stopped together: a worker's producers (one per queue), and the
 * services only the elected leader runs (rescuer, scheduler, pruner, vacuumer), which start when this
 * worker wins the election and stop when it loses or resigns.
 */
public final class ServiceGroup implements Service {

  private final List<Service> services;
  private boolean started;
  private Future<Void> stopping = Future.succeededFuture();

  public ServiceGroup(List<? extends Service> services) {
    this.services = List.copyOf(services);
  }

  /** Starts every service at once; completes when all have started, fails when any could not. */
  @Override
  public Future<Void> start() {
    if (started) {
      return Future.succeededFuture();
    }
    started = true;
    List<Future<Void>> all = new ArrayList<>();
    services.forEach(s -> all.add(s.start()));
    return Future.all(all).mapEmpty();
  }

  /**
   * Stops every service at once; completes when all have stopped, whether or not each succeeded. Called
   * again while stopping (or after), it answers the same stop.
   */
  @Override
  public Future<Void> stop() {
    if (!started) {
      return stopping;
    }
    started = false;
    List<Future<Void>> all = new ArrayList<>();
    services.forEach(s -> all.add(s.stop()));
    stopping = Future.join(all).mapEmpty();
    return stopping;
  }

  /** Starts the group when {@code on}, stops it when not: the elector's callback for leader-only services. */
  public void toggle(boolean on) {
    if (on) {
      start();
    } else {
      stop();
    }
  }
}
