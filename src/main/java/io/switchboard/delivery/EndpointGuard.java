package io.switchboard.delivery;

import io.switchboard.config.InternalAddresses;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;

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

  /**
   * Where a checked request may go: refused (and why), or to {@code address}; null means "resolve freely".
   * {@code unresolved}: the refusal is a name that did not resolve now, which may pass later (a resolver outage).
   */
  record Verdict(String refusal, InetAddress address, boolean unresolved) {
    static Verdict refused(String why) {
      return new Verdict(why, null, false);
    }
  }

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
      return new Verdict(null, null, false);
    }
    String host = uri.getHost();
    if (host == null) {
      return Verdict.refused("refused " + url + ": no host");
    }
    if (InternalAddresses.ambiguousNumeric(host)) {
      return Verdict.refused("refused " + url + ": " + host + " is an ambiguous numeric address; write it as a"
          + " dotted quad");
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
    } catch (UnknownHostException e) {
      // Never left to the HTTP client: it would resolve the name its own way (a trailing dot, another answer).
      // Not sent now, but retried: the JDK says the same for a resolver timing out.
      return new Verdict("refused " + url + ": " + host + " does not resolve", null, true);
    }
    for (InetAddress address : addresses) {
      if (isInternal(address)) {
        return Verdict.refused("refused " + url + ": " + host + " resolves to internal address "
            + address.getHostAddress() + " (set delivery.allowPrivateNetworks: true to permit it)");
      }
    }
    return addresses.length == 0 ? new Verdict("refused " + url + ": " + host + " does not resolve", null, true)
        : new Verdict(null, addresses[0], false);
  }

  static boolean isInternal(InetAddress address) {
    return InternalAddresses.isInternal(address);
  }
}
