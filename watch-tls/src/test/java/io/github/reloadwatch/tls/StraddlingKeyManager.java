package io.github.reloadwatch.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Forces the worst interleaving without depending on speed: when armed, the next handshake is
 * held between {@code getPrivateKey} (which JSSE calls first) and {@code getCertificateChain}
 * until the test has rotated the Secret and released it. Everything else is delegated.
 */
final class StraddlingKeyManager extends X509ExtendedKeyManager {

  private static final Duration HOLD = Duration.ofSeconds(30);

  private final X509ExtendedKeyManager delegate;
  private final AtomicBoolean armed = new AtomicBoolean();
  private final Semaphore held = new Semaphore(0);
  // one latch per held handshake: a released handshake that is slow to wake must not leave its
  // permit to the next one
  private final AtomicReference<CountDownLatch> release = new AtomicReference<>();
  private final ThreadLocal<PrivateKey> heldKey = new ThreadLocal<>();
  private final AtomicInteger straddled = new AtomicInteger();
  private final AtomicInteger mixed = new AtomicInteger();

  StraddlingKeyManager(X509ExtendedKeyManager delegate) {
    this.delegate = delegate;
  }

  /** Arms the trap and waits until a handshake is held in it. */
  boolean holdNextHandshake() throws InterruptedException {
    release.set(new CountDownLatch(1));
    armed.set(true);
    return held.tryAcquire(HOLD.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Lets the held handshake ask for its chain. */
  void releaseHandshake() {
    release.get().countDown();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    PrivateKey key = delegate.getPrivateKey(alias);
    if (armed.compareAndSet(true, false)) {
      heldKey.set(key);
      CountDownLatch mine = release.get();
      held.release();
      try {
        mine.await(HOLD.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return key;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    X509Certificate[] chain = delegate.getCertificateChain(alias);
    PrivateKey key = heldKey.get();
    if (key != null) {
      heldKey.remove();
      straddled.incrementAndGet();
      try {
        Certificates.checkKeyMatches(key, chain[0], "held key", "chain");
      } catch (TlsMaterialException e) {
        mixed.incrementAndGet();
      }
    }
    return chain;
  }

  /** How many held handshakes asked for their chain after the rotation. */
  int straddled() {
    return straddled.get();
  }

  /** How many of them got a chain that does not belong to the key they got before. */
  int mixed() {
    return mixed.get();
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return delegate.chooseServerAlias(keyType, issuers, socket);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return delegate.chooseEngineServerAlias(keyType, issuers, engine);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return delegate.getServerAliases(keyType, issuers);
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return delegate.chooseClientAlias(keyType, issuers, socket);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return delegate.getClientAliases(keyType, issuers);
  }
}
