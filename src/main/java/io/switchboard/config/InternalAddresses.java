package io.switchboard.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which addresses count as internal (this machine, private networks, link-local and metadata services), for
 * the SSRF guard at send time and for refusing, where a subscription is defined, a URL that could never pass.
 */
public final class InternalAddresses {

  private static final Pattern NUMERIC = Pattern.compile("(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+))*",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern DOTTED_QUAD =
      Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

  private InternalAddresses() {}

  /** 0177.0.0.1, 0x7f.1, 2130706433: resolvers disagree on these (octal or decimal?), so none is guessed. */
  public static boolean ambiguousNumeric(String host) {
    return NUMERIC.matcher(host).matches() && !DOTTED_QUAD.matcher(host).matches();
  }

  /**
   * Why delivery would refuse this URL whatever DNS says, or null: http without {@code allowHttp}; a literal
   * internal address, an ambiguous numeric one or a {@code localhost} name without {@code allowPrivateNetworks}.
   * The messages are the send-time guard's.
   */
  static String refusalOnSight(URI uri, boolean allowHttp, boolean allowPrivateNetworks) {
    if (!"https".equals(uri.getScheme()) && !allowHttp) {
      return "only https is allowed (set delivery.allowHttp: true to permit http)";
    }
    if (allowPrivateNetworks) {
      return null;
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (ambiguousNumeric(host)) {
      return host + " is an ambiguous numeric address; write it as a dotted quad";
    }
    if (name.equals("localhost") || name.endsWith(".localhost")) {
      return host + " is this machine (set delivery.allowPrivateNetworks: true to permit it)";
    }
    InetAddress literal = literal(host);
    return literal != null && isInternal(literal)
        ? host + " is internal address " + literal.getHostAddress()
            + " (set delivery.allowPrivateNetworks: true to permit it)"
        : null;
  }

  /** The address a host names literally (a dotted quad, or [v6]); null for a name, which is never looked up here. */
  private static InetAddress literal(String host) {
    boolean v6 = host.startsWith("[") && host.endsWith("]");
    if (!v6 && !DOTTED_QUAD.matcher(host).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName(v6 ? host.substring(1, host.length() - 1) : host);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  public static boolean isInternal(InetAddress address) {
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
