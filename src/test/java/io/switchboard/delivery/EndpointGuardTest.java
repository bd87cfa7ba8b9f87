package io.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Literal addresses only: InetAddress.getByName on a literal does no DNS lookup. */
class EndpointGuardTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "127.0.0.1,               true",
      "127.8.9.10,              true",
      "::1,                     true",
      "10.0.0.1,                true",
      "172.16.5.4,              true",
      "172.31.255.255,          true",
      "192.168.1.1,             true",
      "169.254.169.254,         true",
      "100.64.0.1,              true",
      "100.127.255.255,         true",
      "0.0.0.0,                 true",
      "::,                      true",
      "224.0.0.1,               true",
      "255.255.255.255,         true",
      "fd00:ec2::254,           true",
      "fc00::1,                 true",
      "fe80::1,                 true",
      "::ffff:10.0.0.1,         true",
      "64:ff9b::a00:1,          true",
      "64:ff9b::808:808,        false",
      "2002:a00:1::1,           true",
      "2002:808:808::1,         false",
      "::ffff:127.0.0.1,        true",
      "8.8.8.8,                 false",
      "1.1.1.1,                 false",
      "172.32.0.1,              false",
      "100.128.0.1,             false",
      "2606:4700:4700::1111,    false",
      "2001:4860:4860::8888,    false"})
  @DisplayName("Loopback, private, link-local, CGNAT, unspecified and ULA addresses are internal")
  void isInternal(String literal, boolean expected) throws Exception {
    assertEquals(expected, EndpointGuard.isInternal(InetAddress.getByName(literal)));
  }

  @Test
  @DisplayName("http is refused unless allowHttp")
  void httpOnlyWhenAllowed() {
    String refusal = new EndpointGuard(true, false).refusal("http://example.com");
    assertNotNull(refusal);
    assertTrue(refusal.contains("only https is allowed"), refusal);
    assertNull(new EndpointGuard(true, true).refusal("http://example.com"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://169.254.169.254/latest", "https://10.0.0.1/", "https://127.0.0.1:8443/x",
      "https://[::1]/", "https://[fd00:ec2::254]/latest/meta-data"})
  @DisplayName("Internal addresses are refused unless allowPrivateNetworks, and allowed when it is set")
  void privateNetworks(String url) {
    String refusal = new EndpointGuard(false, false).refusal(url);
    assertNotNull(refusal, url);
    assertTrue(refusal.contains("resolves to internal address"), refusal);
    assertTrue(refusal.contains("allowPrivateNetworks"), refusal);

    assertNull(new EndpointGuard(true, false).refusal(url));
  }

  @Test
  @DisplayName("A public https literal passes the guard")
  void publicLiteralPasses() {
    assertNull(new EndpointGuard(false, false).refusal("https://8.8.8.8/hook"));
  }

  @Test
  @DisplayName("An http URL to an internal address needs both switches")
  void httpToInternal() {
    assertTrue(new EndpointGuard(true, false).refusal("http://10.0.0.1/").contains("only https"));
    assertTrue(new EndpointGuard(false, true).refusal("http://10.0.0.1/").contains("internal address"));
    assertNull(new EndpointGuard(true, true).refusal("http://10.0.0.1/"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://localhost.:8080/hook", "http://LOCALHOST./", "http://2130706433/",
      "http://0x7f000001/", "http://0177.0.0.1/", "http://127.1/", "http://[::ffff:127.0.0.1]/",
      "http://[0:0:0:0:0:ffff:7f00:1]/", "http://0/"})
  @DisplayName("Names and numeric forms that reach loopback are refused, also when the lookup fails (never left to the HTTP client)")
  void trickyLoopbackForms(String url) {
    String refusal = new EndpointGuard(false, true).refusal(url);
    assertNotNull(refusal, url);
    assertTrue(refusal.contains("internal address") || refusal.contains("does not resolve")
        || refusal.contains("ambiguous numeric address") || refusal.contains("no host"), refusal);
  }

  @Test
  @DisplayName("A name answering a public address first and a loopback one second is refused")
  void publicThenLoopback() throws Exception {
    InetAddress[] answer = {InetAddress.getByName("93.184.216.34"), InetAddress.getByName("127.0.0.1")};
    EndpointGuard guard = new EndpointGuard(false, true, host -> answer);

    String refusal = guard.refusal("http://rebinding.example/hook");

    assertNotNull(refusal);
    assertTrue(refusal.contains("internal address 127.0.0.1"), refusal);
  }

  @Test
  @DisplayName("A public answer names the one address the request connects to; a failed lookup is a refusal")
  void connectsToTheCheckedAddress() throws Exception {
    InetAddress publicAddress = InetAddress.getByName("93.184.216.34");
    EndpointGuard guard = new EndpointGuard(false, true, host -> {
      if (host.equals("hooks.example")) {
        return new InetAddress[] {publicAddress};
      }
      throw new java.net.UnknownHostException(host);
    });

    assertEquals(publicAddress, guard.check("https://hooks.example/in").address());
    assertNull(guard.check("https://hooks.example/in").refusal());
    assertTrue(guard.refusal("https://nowhere.example/").contains("does not resolve"));
  }
}
