package io.github.reloadwatch.tls;

import io.github.reloadwatch.ReloadAction;
import io.github.reloadwatch.ReloadEvent;
import java.net.Socket;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The negative control: the swapping key manager the issue describes (one fixed alias, the
 * current key and chain swapped in place). It even reads both files from one pinned snapshot, so
 * every pair it holds is valid; what it gets wrong is only that a handshake asks for the key and
 * for the chain in two calls, and a swap between them mixes versions.
 */
final class NaiveSwappingKeyManager extends X509ExtendedKeyManager implements ReloadAction {

  private final Path directory;
  private volatile PrivateKey key;
  private volatile X509Certificate[] chain;
  private final AtomicLong generation = new AtomicLong();

  NaiveSwappingKeyManager(Path directory) {
    this.directory = directory;
  }

  long generation() {
    return generation.get();
  }

  /** Loads the pair from one snapshot, then swaps the two fields, one after the other. */
  @Override
  public void reload(ReloadEvent event) throws Exception {
    X509Certificate[] newChain = PemReader.certificates(
        event.snapshot().read(directory.resolve("tls.crt")), "tls.crt")
        .toArray(new X509Certificate[0]);
    PrivateKey newKey = PemReader.privateKey(
        event.snapshot().read(directory.resolve("tls.key")), "tls.key");
    chain = newChain;
    key = newKey;
    generation.incrementAndGet();
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return "server";
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return "server";
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[] {"server"};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return chain.clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return key;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }
}
