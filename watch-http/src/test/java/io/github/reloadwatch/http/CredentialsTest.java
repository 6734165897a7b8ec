package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Credentials from a URI's user info and headers, and the redaction of their secrets. */
class CredentialsTest {

  private static final String PASSWORD = "pa55+w0rd@secret";

  @Test
  void withoutUserInfo_keepsSchemePortPathAndQuery() {
    URI uri = URI.create("https://admin:pw@example.org:8443/prom/-/reload?x=1");
    assertThat(Credentials.withoutUserInfo(uri))
        .isEqualTo(URI.create("https://example.org:8443/prom/-/reload?x=1"));
    assertThat(Credentials.redacted(uri)).isEqualTo("https://example.org:8443/prom/-/reload?x=1");
    URI plain = URI.create("http://h/");
    assertThat(Credentials.withoutUserInfo(plain)).isSameAs(plain);
  }

  @Test
  void userInfo_becomesBasicAuth_andNothingShowsThePassword() throws Exception {
    URI uri = URI.create("http://admin:pa55+w0rd%40secret@h/-/reload");
    Credentials credentials = new Credentials(null, null, null, uri, Map.of());
    Credentials.Loaded loaded = credentials.load("POST http://h/-/reload");
    String encoded = Base64.getEncoder()
        .encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    assertThat(loaded.authorization()).isEqualTo("Basic " + encoded);
    assertThat(loaded.excerpt("you sent " + PASSWORD + " as " + encoded))
        .isEqualTo("you sent [redacted] as [redacted]");
    assertThat(loaded.toString()).isEqualTo("basic auth user 'admin'");
    assertThat(credentials.source())
        .isEqualTo("basic auth user 'admin' with the password from the URI's user info");
    assertThat(credentials.summary()).isEqualTo(", basicAuthUser=admin");
  }

  @Test
  void sensitiveHeaderValues_areRedacted_othersAreNot() throws Exception {
    Credentials credentials = new Credentials(null, null, null, URI.create("http://h/"),
        Map.of("X-Api-Key", "key-77aa", "X-Session", "abc", "X-Team", "platform"));
    Credentials.Loaded loaded = credentials.load("POST http://h/");
    assertThat(loaded.authorization()).isNull();
    assertThat(loaded.excerpt("key-77aa platform abc"))
        .isEqualTo("[redacted] platform abc"); // three characters are too short to hide anything
  }

  @Test
  void excerpt_collapsesWhitespace_andIsBounded() throws Exception {
    Credentials.Loaded none =
        new Credentials(null, null, null, URI.create("http://h/"), Map.of()).load("POST http://h/");
    assertThat(none.excerpt("  line one\n\n\tline two  ")).isEqualTo("line one line two");
    assertThat(none.excerpt(" \n ")).isEqualTo("(empty body)");
    assertThat(none.excerpt("x".repeat(600))).hasSize(515).endsWith("...");
  }
}
