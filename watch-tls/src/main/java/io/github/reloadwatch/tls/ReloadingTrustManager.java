package io.github.reloadwatch.tls;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager that delegates to a PKIX trust manager rebuilt from each version's CA bundle.
 * Every certificate of the bundle is an anchor, so during a CA rotation a bundle holding the old
 * and the new CA accepts peers of both. Each check reads the delegate once: it is answered by one
 * bundle. With no bundle, every peer is refused (fail closed).
 *
 * <p>Because it extends {@link X509ExtendedTrustManager}, JSSE passes the socket or engine
 * through and the delegate performs the endpoint identification (hostname check) the connection
 * asked for.
 *
 * <p>Thread-safe.
 */
final class ReloadingTrustManager extends X509ExtendedTrustManager {

  /** One bundle: the PKIX delegate, or null with the reason no peer is trusted. */
  record Bundle(X509ExtendedTrustManager delegate, int anchors, String refusal) {}

  private volatile Bundle trust;

  ReloadingTrustManager(String refusal) {
    this.trust = new Bundle(null, 0, refusal);
  }

  /** Builds the delegate for a bundle; the caller publishes it with {@link #publish}. */
  static Bundle prepare(List<X509Certificate> cas, String caFile, String missingRefusal)
      throws TlsMaterialException {
    if (cas.isEmpty()) {
      return new Bundle(null, 0, missingRefusal);
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager extended) {
          return new Bundle(extended, cas.size(), null);
        }
      }
      throw new IllegalStateException("the JDK's PKIX factory made no X509ExtendedTrustManager");
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsMaterialException(caFile, "[" + caFile + "] cannot be used as a CA bundle: "
          + e.getMessage());
    }
  }

  /** Makes a bundle made by {@link #prepare} the one checks are answered with. */
  void publish(Bundle prepared) {
    trust = prepared;
  }

  /** The number of CA certificates trusted now. */
  int anchors() {
    return trust.anchors();
  }

  private X509ExtendedTrustManager delegate() throws CertificateException {
    Bundle t = trust;
    if (t.delegate() == null) {
      throw new CertificateException(t.refusal());
    }
    return t.delegate();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate().checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate().checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate().checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate().checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate().checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate().checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    Bundle t = trust;
    return t.delegate() == null ? new X509Certificate[0] : t.delegate().getAcceptedIssuers();
  }

  @Override
  public String toString() {
    return "ReloadingTrustManager{anchors=" + trust.anchors() + "}";
  }
}
