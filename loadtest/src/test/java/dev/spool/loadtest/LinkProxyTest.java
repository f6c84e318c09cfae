package dev.spool.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/**
 * The chaos run's link to PostgreSQL, against an echo server: it forwards both ways, black-holes without
 * closing anything and delivers what waited when healed, and a slow link adds its round trip.
 */
class LinkProxyTest {

  private ServerSocket echo;

  @BeforeEach
  void startEcho() throws IOException {
    echo = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    Thread server = new Thread(() -> {
      try {
        while (true) {
          Socket s = echo.accept();
          Thread t = new Thread(() -> {
            try (s) {
              s.getInputStream().transferTo(s.getOutputStream());
            } catch (IOException e) {
              // the client went away
            }
          });
          t.setDaemon(true);
          t.start();
        }
      } catch (IOException e) {
        // closed at the end of the test
      }
    });
    server.setDaemon(true);
    server.start();
  }

  @AfterEach
  void stopEcho() throws IOException {
    echo.close();
  }

  private InetSocketAddress echoAddress() {
    return new InetSocketAddress("127.0.0.1", echo.getLocalPort());
  }

  @Test
  void aBlackHoledLinkHoldsBytesWithoutClosingAndDeliversThemWhenHealed() throws Exception {
    try (LinkProxy proxy = new LinkProxy(echoAddress(), 0); Socket client = new Socket("127.0.0.1", proxy.port())) {
      client.setSoTimeout(300);
      InputStream in = client.getInputStream();
      client.getOutputStream().write('a');
      assertThat(in.read()).isEqualTo('a');

      proxy.blackHole();
      client.getOutputStream().write('b');
      assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
      assertThat(client.isClosed()).isFalse();

      proxy.heal();
      client.setSoTimeout(5_000);
      assertThat(in.read()).isEqualTo('b');
    }
  }

  @Test
  void aSlowLinkAddsItsRoundTrip() throws Exception {
    try (LinkProxy proxy = new LinkProxy(echoAddress(), 40); Socket client = new Socket("127.0.0.1", proxy.port())) {
      client.setSoTimeout(5_000);
      long start = System.nanoTime();
      client.getOutputStream().write('x');
      assertThat(client.getInputStream().read()).isEqualTo('x');
      // one crossing each way, half of the 40 ms round trip each
      assertThat((System.nanoTime() - start) / 1e6).isGreaterThanOrEqualTo(40);
    }
  }

  @Test
  void faultsAreSpelledAsOnTheCommandLine() {
    Fault.Converter converter = new Fault.Converter();
    assertThat(converter.convert("slow-link")).isEqualTo(Fault.SLOW_LINK);
    assertThat(converter.convert("kill")).isEqualTo(Fault.KILL);
    assertThatThrownBy(() -> converter.convert("SLOW_LINK")).isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("kill, partition, freeze, slow-link");
  }
}
