package io.github.reloadwatch.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away PKI made with the openssl command line inside a test's temp directory: a CA, a
 * server certificate for {@code localhost} only (so connecting to 127.0.0.1 fails hostname
 * verification) with an RSA key, and a client certificate with an EC key, both keys written as
 * PKCS#8 ({@code BEGIN PRIVATE KEY}, openssl 3's default); the client key again as SEC1, and a
 * second client with an RSA key as PKCS#1. No private key is ever committed.
 */
final class TestCertificates {

  final Path dir;
  final Path caCert;
  final Path serverCert;
  final Path serverKey;
  final Path clientCert;
  final Path clientKey;
  /** The client key as SEC1 ({@code BEGIN EC PRIVATE KEY}). */
  final Path clientKeySec1;
  /** A second client certificate, with an RSA key written as PKCS#1, cert-manager's default. */
  final Path rsaClientCert;
  final Path rsaClientKeyPkcs1;

  private TestCertificates(Path dir) {
    this.dir = dir;
    this.caCert = dir.resolve("ca.pem");
    this.serverCert = dir.resolve("server.pem");
    this.serverKey = dir.resolve("server-key.pem");
    this.clientCert = dir.resolve("client.pem");
    this.clientKey = dir.resolve("client-key.pem");
    this.clientKeySec1 = dir.resolve("client-key-sec1.pem");
    this.rsaClientCert = dir.resolve("rsa-client.pem");
    this.rsaClientKeyPkcs1 = dir.resolve("rsa-client-key-pkcs1.pem");
  }

  static TestCertificates create(Path dir) throws IOException, InterruptedException {
    TestCertificates c = new TestCertificates(dir);
    c.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=reloadwatch test CA", "-keyout", "ca-key.pem", "-out", "ca.pem");
    c.issue("server", "rsa:2048", "/CN=localhost",
        "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth");
    c.issue("client", "ec", "/CN=reloadwatch client", "extendedKeyUsage=clientAuth");
    c.openssl("ec", "-in", "client-key.pem", "-out", "client-key-sec1.pem");
    c.issue("rsa-client", "rsa:2048", "/CN=reloadwatch rsa client", "extendedKeyUsage=clientAuth");
    c.openssl("rsa", "-in", "rsa-client-key.pem", "-traditional", "-out",
        "rsa-client-key-pkcs1.pem");
    return c;
  }

  /** Another self-signed CA that signed nothing here: trusting it alone must fail. */
  static Path unrelatedCa(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    TestCertificates c = new TestCertificates(dir);
    c.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-days", "2", "-subj", "/CN=unrelated CA", "-keyout", "other-ca-key.pem",
        "-out", "other-ca.pem");
    return dir.resolve("other-ca.pem");
  }

  private void issue(String name, String keyType, String subject, String extensions)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("req", "-newkey", keyType));
    if (keyType.equals("ec")) {
      args.addAll(List.of("-pkeyopt", "ec_paramgen_curve:prime256v1"));
    }
    args.addAll(List.of("-nodes", "-subj", subject,
        "-keyout", name + "-key.pem", "-out", name + ".csr"));
    openssl(args.toArray(new String[0]));
    Files.writeString(dir.resolve(name + ".ext"), extensions + "\n");
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
        "-CAcreateserial", "-days", "2", "-extfile", name + ".ext", "-out", name + ".pem");
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("openssl " + String.join(" ", args) + " failed: " + output);
    }
  }

  /** The server side: its certificate and key, and optionally trust in the CA for client auth. */
  SSLContext serverContext() throws IOException, GeneralSecurityException, InterruptedException {
    openssl("pkcs12", "-export", "-in", "server.pem", "-inkey", "server-key.pem",
        "-passout", "pass:changeit", "-out", "server.p12");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
      keys.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "changeit".toCharArray());
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", Tls.certificates(caCert).get(0));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }
}
