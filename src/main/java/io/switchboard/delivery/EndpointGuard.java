package io.switchboard.delivery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The SSRF guard: a subscriber URL may not reach this machine, the private network or a cloud metadata
 * service unless the operator allows it. Checked at send time, on the addresses the name resolves to now, and
 * the request then goes to exactly the address checked: the HTTP client never resolves the name again, so a
 * DNS answer that changes between the check and the connection (rebinding) reaches nothing new.
 */
final class EndpointGuard {

  /** How names are resolved: the system resolver, or a test's. Blocking. */
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** Where a checked request may go: refused (and why), or to {@code address}; null means "resolve freely". */
  record Verdict(String refusal, InetAddress address) {
    static Verdict refused(String why) {
      return new Verdict(why, null);
    }
  }

  private static final Pattern NUMERIC = Pattern.compile("(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+))*",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern DOTTED_QUAD = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

  private final boolean allowPrivateNetworks;
  private final boolean allowHttp;
  private final Resolver resolver;

  EndpointGuard(boolean allowPrivateNetworks, boolean allowHttp) {
    this(allowPrivateNetworks, allowHttp, InetAddress::getAllByName);
  }

  EndpointGuard(boolean allowPrivateNetworks, boolean allowHttp, Resolver resolver) {
    this.allowPrivateNetworks = allowPrivateNetworks;
    this.allowHttp = allowHttp;
    this.resolver = resolver;
  }

  /** Whether this guard must resolve names itself (and so block): only while private networks are refused. */
  boolean resolves() {
    return !allowPrivateNetworks;
  }

  /** Returns why the URL is refused, or null when it may be called. Blocking (DNS): call on a worker. */
  String refusal(String url) {
    return check(url).refusal();
  }

  /**
   * Refuses a URL whose scheme is not allowed, whose host does not resolve, or any of whose addresses is
   * internal (a name answering a public address and a loopback one is refused whichever comes first); else
   * names the one address to connect to. Blocking (DNS) while private networks are refused.
   */
  Verdict check(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Verdict.refused("refused " + url + ": not a valid URL");
    }
    if (!"https".equals(uri.getScheme()) && !allowHttp) {
      return Verdict.refused("refused " + url + ": only https is allowed (set delivery.allowHttp: true to permit http)");
    }
    if (allowPrivateNetworks) {
      return new Verdict(null, null);
    }
    String host = uri.getHost();
    if (host == null) {
      return Verdict.refused("refused " + url + ": no host");
    }
    if (NUMERIC.matcher(host).matches() && !DOTTED_QUAD.matcher(host).matches()) {
      // 0177.0.0.1, 0x7f.1, 2130706433: resolvers disagree on these (octal or decimal?), so none is guessed.
      return Verdict.refused("refused " + url + ": " + host + " is an ambiguous numeric address; write it as a"
          + " dotted quad");
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
    } catch (UnknownHostException e) {
      // Never left to the HTTP client: it would resolve the name its own way (a trailing dot, another answer).
      return Verdict.refused("refused " + url + ": " + host + " does not resolve");
    }
    for (InetAddress address : addresses) {
      if (isInternal(address)) {
        return Verdict.refused("refused " + url + ": " + host + " resolves to internal address "
            + address.getHostAddress() + " (set delivery.allowPrivateNetworks: true to permit it)");
      }
    }
    return addresses.length == 0 ? Verdict.refused("refused " + url + ": " + host + " does not resolve")
        : new Verdict(null, addresses[0]);
  }

  static boolean isInternal(InetAddress address) {
    if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
        || address.isAnyLocalAddress() || address.isMulticastAddress()) {
      return true;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return first == 0 || (first == 100 && second >= 64 && second < 128) // carrier-grade NAT
          || (first == 192 && second == 0 && (b[2] & 0xff) == 0)            // IETF protocol assignments
          || (first == 198 && (second == 18 || second == 19))                // benchmarking
          || first >= 240;                                                   // reserved, broadcast
    }
    if (address instanceof Inet6Address v6) {
      if ((b[0] & 0xfe) == 0xfc) {
        return true; // fc00::/7 unique local, includes AWS' fd00:ec2::254 metadata address
      }
      if (isMappedV4(b) || isNat64(b)) {
        return embeddedV4IsInternal(b[12], b[13], b[14], b[15]);
      }
      if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
        return embeddedV4IsInternal(b[2], b[3], b[4], b[5]); // 2002::/16 6to4 carries an IPv4 address
      }
      return v6.isIPv4CompatibleAddress();
    }
    return false;
  }

  private static boolean embeddedV4IsInternal(byte a, byte b, byte c, byte d) {
    try {
      return isInternal(InetAddress.getByAddress(new byte[] {a, b, c, d}));
    } catch (UnknownHostException impossible) {
      return true;
    }
  }

  /** 64:ff9b::/96, the well-known NAT64 prefix: the last 4 bytes are the IPv4 address reached. */
  private static boolean isNat64(byte[] b) {
    if ((b[0] & 0xff) != 0x00 || (b[1] & 0xff) != 0x64 || (b[2] & 0xff) != 0xff || (b[3] & 0xff) != 0x9b) {
      return false;
    }
    for (int i = 4; i < 12; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isMappedV4(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
  }
}
