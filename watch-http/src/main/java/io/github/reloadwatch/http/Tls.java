package io.github.reloadwatch.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
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

  static List<X509Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
    Collection<? extends Certificate> found;
    try (InputStream in = Files.newInputStream(pem)) {
      found = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (CertificateException e) {
      throw new IOException("[" + pem + "] holds no readable PEM certificate: " + e.getMessage(), e);
    }
    if (found.isEmpty()) {
      throw new IOException("[" + pem + "] holds no certificate: expected PEM"
          + " '-----BEGIN CERTIFICATE-----' blocks");
    }
    List<X509Certificate> result = new ArrayList<>();
    for (Certificate c : found) {
      result.add((X509Certificate) c);
    }
    return result;
  }

  static PrivateKey privateKey(Path pem) throws IOException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    if (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")) {
      throw new IOException("[" + pem + "] is a PKCS#1/SEC1 key: convert it to PKCS#8 with"
          + " 'openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem'");
    }
    if (text.contains("ENCRYPTED PRIVATE KEY")) {
      throw new IOException("[" + pem + "] is encrypted: provide an unencrypted PKCS#8 key"
          + " (the file itself should be protected by permissions)");
    }
    int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = text.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new IOException("[" + pem + "] holds no '-----BEGIN PRIVATE KEY-----' block");
    }
    byte[] der = Base64.getMimeDecoder()
        .decode(text.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end));
    for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IOException("[" + pem + "] is not an RSA, EC or Ed25519 PKCS#8 key");
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
