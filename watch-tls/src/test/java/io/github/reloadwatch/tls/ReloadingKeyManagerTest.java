package io.github.reloadwatch.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.reloadwatch.testing.FakeScheduler;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

/** The key manager's contract, without a handshake. */
class ReloadingKeyManagerTest {

  private final FakeScheduler scheduler = new FakeScheduler();
  private final Generations generations = new Generations(scheduler, Duration.ofMinutes(2));
  private final ReloadingKeyManager keys = new ReloadingKeyManager(generations);
  private final TestPki.Ca ca = TestPki.ca("km CA");

  private Identity publish(long generation, TestPki.Leaf leaf) {
    Identity identity = new Identity(generation, leaf.keys.getPrivate(), leaf.chain,
        "d" + generation, Instant.EPOCH);
    generations.publish(identity);
    return identity;
  }

  @Test
  void nothingLoaded_choosesNothing() {
    assertThat(keys.chooseServerAlias("EC", null, null)).isNull();
    assertThat(keys.getPrivateKey("anything")).isNull();
    assertThat(keys.getCertificateChain("anything")).isNull();
  }

  @Test
  void chooses_onlyTheKeyTypeItHas() {
    Identity ec = publish(1, TestPki.leaf(ca, "ec"));
    assertThat(keys.chooseServerAlias("EC", null, null)).isEqualTo(ec.alias());
    assertThat(keys.chooseEngineServerAlias("EC_EC", null, null)).isEqualTo(ec.alias());
    assertThat(keys.chooseServerAlias("RSA", null, null)).isNull();
    assertThat(keys.chooseClientAlias(new String[] {"RSA", "EC"}, null, null))
        .isEqualTo(ec.alias());
    assertThat(keys.getServerAliases("EC", null)).containsExactly(ec.alias());
    assertThat(keys.getClientAliases("RSA", null)).isNull();
  }

  @Test
  void issuers_mustIncludeOneOfTheChain() {
    Identity identity = publish(1, TestPki.leaf(ca, "leaf"));
    Principal ours = new X500Principal("CN=km CA");
    Principal other = new X500Principal("CN=someone else");
    assertThat(keys.chooseClientAlias(new String[] {"EC"}, new Principal[] {other, ours}, null))
        .isEqualTo(identity.alias());
    assertThat(keys.chooseClientAlias(new String[] {"EC"}, new Principal[] {other}, null))
        .isNull();
    assertThat(keys.chooseClientAlias(new String[] {"EC"}, new Principal[] {other, other},
        null)).isNull();
  }

  @Test
  void aliasChosenBeforeARotation_resolvesTheKeyAndChainOfItsGeneration() {
    TestPki.Leaf v1 = TestPki.leaf(ca, "v1");
    TestPki.Leaf v2 = TestPki.leaf(ca, "v2");
    publish(1, v1);
    String alias = keys.chooseServerAlias("EC", null, null);

    publish(2, v2); // a rotation between choosing the alias and asking for the key and chain

    assertThat(keys.getPrivateKey(alias)).isEqualTo(v1.keys.getPrivate());
    assertThat(keys.getCertificateChain(alias)[0]).isEqualTo(v1.certificate);
    String next = keys.chooseServerAlias("EC", null, null);
    assertThat(next).isNotEqualTo(alias);
    assertThat(keys.getPrivateKey(next)).isEqualTo(v2.keys.getPrivate());
    assertThat(keys.getCertificateChain(next)[0]).isEqualTo(v2.certificate);
  }

  @Test
  void chain_isACopy() {
    Identity identity = publish(1, TestPki.leaf(ca, "leaf"));
    keys.getCertificateChain(identity.alias())[0] = null;
    assertThat(keys.getCertificateChain(identity.alias())[0]).isNotNull();
  }

  @Test
  void toString_namesTheGeneration_neverTheKey() {
    Identity identity = publish(1, TestPki.leaf(ca, "leaf"));
    assertThat(keys.toString()).contains("generation=1").contains(identity.alias())
        .doesNotContain("private");
  }
}
