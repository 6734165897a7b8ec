package io.github.reloadwatch.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager whose aliases name generations. {@code choose*Alias} returns the current
 * generation's alias; {@link #getPrivateKey} and {@link #getCertificateChain} resolve the
 * generation an alias names, kept for the retention after it was superseded. JSSE, Netty and
 * Jetty call these three separately; because the alias, not the moment of the call, decides what
 * they return, a handshake never gets the key of one version and the chain of another.
 *
 * <p>Thread-safe and lock-free.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {

  private final Generations generations;

  ReloadingKeyManager(Generations generations) {
    this.generations = generations;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return choose(keyType, issuers);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return choose(keyType, issuers);
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return chooseAny(keyTypes, issuers);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers,
      SSLEngine engine) {
    return chooseAny(keyTypes, issuers);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String alias = choose(keyType, issuers);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return getServerAliases(keyType, issuers);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Identity identity = generations.byAlias(alias);
    return identity == null ? null : identity.chain();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Identity identity = generations.byAlias(alias);
    return identity == null ? null : identity.key();
  }

  private String chooseAny(String[] keyTypes, Principal[] issuers) {
    if (keyTypes == null) {
      return null;
    }
    Identity identity = generations.current(); // one read: every key type sees one generation
    for (String keyType : keyTypes) {
      if (matches(identity, keyType, issuers)) {
        return identity.alias();
      }
    }
    return null;
  }

  private String choose(String keyType, Principal[] issuers) {
    Identity identity = generations.current();
    return matches(identity, keyType, issuers) ? identity.alias() : null;
  }

  /**
   * Whether the identity can answer a peer asking for this key type and, if the peer named the
   * CAs it accepts, whether one of them issued a certificate of the chain, as the JDK's own key
   * manager decides.
   */
  private static boolean matches(Identity identity, String keyType, Principal[] issuers) {
    if (identity == null || !identity.serves(keyType)) {
      return false;
    }
    if (issuers == null || issuers.length == 0) {
      return true;
    }
    for (X509Certificate certificate : identity.chain()) {
      for (Principal issuer : issuers) {
        if (certificate.getIssuerX500Principal().equals(issuer)
            || certificate.getSubjectX500Principal().equals(issuer)) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public String toString() {
    Identity current = generations.current();
    return "ReloadingKeyManager{" + (current == null ? "no identity yet" : current) + "}";
  }
}
