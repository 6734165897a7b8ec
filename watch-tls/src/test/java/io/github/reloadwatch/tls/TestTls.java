package io.github.reloadwatch.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** A loopback TLS echo server on the JDK's {@link SSLServerSocket}, and client helpers. */
final class TestTls {

  private TestTls() {}

  /** Echoes bytes back; records each client's certificate chain when it sent one. */
  static final class Server implements AutoCloseable {
    private static final AtomicInteger count = new AtomicInteger();

    private final SSLServerSocket socket;
    private final ExecutorService connections;
    private final Thread acceptor;
    final Queue<X509Certificate> clientCertificates = new ConcurrentLinkedQueue<>();
    final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();

    Server(SSLContext context, boolean needClientAuth) throws IOException {
      socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
      socket.setNeedClientAuth(needClientAuth);
      int n = count.incrementAndGet();
      AtomicInteger threads = new AtomicInteger();
      connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-tls-server-" + n + "-conn-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      acceptor = new Thread(this::accept, "test-tls-server-" + n + "-accept");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void accept() {
      while (!socket.isClosed()) {
        Socket s;
        try {
          s = socket.accept();
        } catch (IOException e) {
          return; // closed
        }
        connections.execute(() -> serve((SSLSocket) s));
      }
    }

    private void serve(SSLSocket s) {
      try (s) {
        s.startHandshake();
        try {
          Certificate[] peer = s.getSession().getPeerCertificates();
          clientCertificates.add((X509Certificate) peer[0]);
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
          // no client certificate
        }
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
          out.write(b);
          out.flush();
        }
      } catch (IOException e) {
        failures.add(e);
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
      connections.shutdownNow();
      try {
        acceptor.join(TimeUnit.SECONDS.toMillis(10));
        connections.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A trust manager that trusts exactly these CAs. */
  static X509TrustManager trusting(X509Certificate... cas) throws GeneralSecurityException,
      IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    for (int i = 0; i < cas.length; i++) {
      store.setCertificateEntry("ca-" + i, cas[i]);
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(store);
    return (X509TrustManager) factory.getTrustManagers()[0];
  }

  /** The JDK's own key manager over a key and chain: the static baseline. */
  static KeyManager staticKeyManager(TestPki.Leaf leaf) throws GeneralSecurityException,
      IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    char[] password = "test".toCharArray();
    store.setKeyEntry("server", leaf.keys.getPrivate(), password,
        leaf.chain.toArray(new Certificate[0]));
    KeyManagerFactory factory = KeyManagerFactory.getInstance("NewSunX509");
    factory.init(store, password);
    return factory.getKeyManagers()[0];
  }

  static SSLContext context(KeyManager keyManager, TrustManager trustManager)
      throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManager == null ? null : new KeyManager[] {keyManager},
        trustManager == null ? null : new TrustManager[] {trustManager}, null);
    return context;
  }

  /**
   * Connects with a fresh client context (so no session is resumed: every call is a full
   * handshake) and returns the handshaken socket.
   */
  static SSLSocket connect(int port, TrustManager trust, KeyManager clientKeys)
      throws GeneralSecurityException, IOException {
    SSLSocket s = (SSLSocket) context(clientKeys, trust).getSocketFactory()
        .createSocket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(30_000);
    s.startHandshake();
    return s;
  }

  /** A full handshake; returns the serial of the server's leaf certificate. */
  static BigInteger serverSerial(int port, TrustManager trust) throws GeneralSecurityException,
      IOException {
    try (SSLSocket s = connect(port, trust, null)) {
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  /** Writes a byte and reads its echo: the connection still works. */
  static void echo(SSLSocket s, int value) throws IOException {
    s.getOutputStream().write(value);
    s.getOutputStream().flush();
    int back = s.getInputStream().read();
    if (back != value) {
      throw new IOException("echo returned " + back + " instead of " + value);
    }
  }

  static List<String> ourThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("reloadwatch-"))
        .toList();
  }
}
