package io.switchboard.delivery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * The SSRF guard: a subscriber URL may not reach this machine, the private network or a cloud metadata
 * service unless the operator allows it. Checked at send time, on the addresses the name resolves to now,
 * so a DNS answer that changes after the subscription was saved is still caught.
 */
final class EndpointGuard {

  private final boolean allowPrivateNetworks;
  private final boolean allowHttp;

  EndpointGuard(boolean allowPrivateNetworks, boolean allowHttp) {
    this.allowPrivateNetworks = allowPrivateNetworks;
    this.allowHttp = allowHttp;
  }

  /** Returns why the URL is refused, or null when it may be called. Blocking (DNS): call on a worker. */
  String refusal(String url) {
    URI uri = URI.create(url);
    if (!"https".equals(uri.getScheme()) && !allowHttp) {
      return "refused " + url + ": only https is allowed (set delivery.allowHttp: true to permit http)";
    }
    if (allowPrivateNetworks) {
      return null;
    }
    try {
      for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
        if (isInternal(address)) {
          return "refused " + url + ": " + uri.getHost() + " resolves to internal address "
              + address.getHostAddress() + " (set delivery.allowPrivateNetworks: true to permit it)";
        }
      }
      return null;
    } catch (UnknownHostException e) {
      return null; // let the HTTP client report the DNS failure as a retryable network error
    }
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
