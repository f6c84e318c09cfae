package dev.spool.loadtest;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy between worker processes and PostgreSQL, inside the load tester, that can fail like a
 * network does without closing anything: {@link #blackHole} stops forwarding in both directions while every
 * socket stays open (the bytes wait in the proxy and in kernel buffers, as TCP would retransmit them into
 * a dead link), {@link #heal} forwards them again; a delay makes a slow link (half of the round trip added
 * each way, bytes kept in order, bandwidth untouched).
 *
 * <p>Plain threads, two per direction of each connection: a worker process opens a handful of
 * connections, and a proxy that is itself on an event loop would share the one being measured.
 */
final class LinkProxy implements Closeable {

  /** Bytes read on one side, to be written on the other once due. */
  private record Chunk(long dueNanos, byte[] bytes) {}

  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final long oneWayDelayNanos;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Object gate = new Object();
  private volatile boolean blackHoled;
  private volatile boolean closed;

  /** Listens on a free local port and forwards to {@code upstream}, adding {@code roundTripMs} per round trip. */
  LinkProxy(InetSocketAddress upstream, double roundTripMs) throws IOException {
    this.upstream = upstream;
    this.oneWayDelayNanos = (long) (roundTripMs / 2 * 1e6);
    this.server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "link-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Stops forwarding; every socket stays open and nothing is dropped. */
  void blackHole() {
    blackHoled = true;
  }

  /** Forwards again what waited and what comes. */
  void heal() {
    synchronized (gate) {
      blackHoled = false;
      gate.notifyAll();
    }
  }

  private void accept() {
    while (!closed) {
      try {
        Socket downstream = server.accept();
        Socket up = new Socket();
        up.connect(upstream, 10_000);
        for (Socket s : List.of(downstream, up)) {
          s.setTcpNoDelay(true);
          sockets.add(s);
        }
        pipe(downstream, up, "up");
        pipe(up, downstream, "down");
      } catch (IOException e) {
        if (!closed) {
          System.err.println("link proxy: " + e);
        }
      }
    }
  }

  /** One direction: a reader thread queues chunks with their due time, a writer writes them when due. */
  private void pipe(Socket from, Socket to, String direction) throws IOException {
    LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    InputStream in = from.getInputStream();
    OutputStream out = to.getOutputStream();
    Thread reader = new Thread(() -> {
      byte[] buffer = new byte[64 * 1024];
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          queue.put(new Chunk(System.nanoTime() + oneWayDelayNanos, Arrays.copyOf(buffer, n)));
        }
      } catch (IOException | InterruptedException e) {
        // the other side closed, or the proxy did
      }
      queue.add(new Chunk(0, null));
    }, "link-proxy-read-" + direction);
    Thread writer = new Thread(() -> {
      try {
        while (true) {
          Chunk chunk = queue.take();
          synchronized (gate) {
            while (blackHoled && !closed) {
              gate.wait(); // a black hole: hold everything, close nothing
            }
          }
          if (chunk.bytes() == null) {
            break;
          }
          long wait = chunk.dueNanos() - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          out.write(chunk.bytes());
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // the other side went away
      }
      closeQuietly(to);
      closeQuietly(from);
    }, "link-proxy-write-" + direction);
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    heal();
    closeQuietly(server);
    sockets.forEach(LinkProxy::closeQuietly);
  }

  private static void closeQuietly(ServerSocket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
