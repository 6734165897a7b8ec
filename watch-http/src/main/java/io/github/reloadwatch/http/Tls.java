package io.github.reloadwatch.http;

import io.github.reloadwatch.tls.PemReader;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** Builds an {@link SSLContext} from PEM files: a CA bundle, and a client certificate and key. */
final class Tls {

  private Tls() {}

  static SSLContext context(Path caBundle, Path clientCert, Path clientKey, boolean trustAll)
      throws IOException {
    try {
      TrustManager[] trust = null;
      if (trustAll) {
        trust = new TrustManager[] {new TrustAll()};
      } else if (caBundle != null) {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        List<X509Certificate> cas = certificates(caBundle);
        for (int i = 0; i < cas.size(); i++) {
          store.setCertificateEntry("ca-" + i, cas.get(i));
        }
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        trust = tmf.getTrustManagers();
      }
      KeyManager[] keys = null;
      if (clientCert != null) {
        char[] password = new char[0];
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        List<X509Certificate> chain = certificates(clientCert);
        store.setKeyEntry("client", privateKey(clientKey), password,
            chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, password);
        keys = kmf.getKeyManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** Every certificate of a PEM file, in file order; the message names the file. */
  static List<X509Certificate> certificates(Path pem) throws IOException {
    return PemReader.certificates(Files.readAllBytes(pem), pem.toString());
  }

  /**
   * The private key of a PEM file: PKCS#8, PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, cert-manager's
   * default) or SEC1 ({@code BEGIN EC PRIVATE KEY}); encrypted keys are refused with the command
   * that decrypts them. Messages name the file, never the key.
   */
  static PrivateKey privateKey(Path pem) throws IOException {
    return PemReader.privateKey(Files.readAllBytes(pem), pem.toString());
  }

  /**
   * Accepts every certificate: only for {@code insecureSkipVerify()}. Extends the extended trust
   * manager so that JSSE does not wrap it and add its own hostname check.
   */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
