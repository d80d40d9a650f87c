// Who is really calling, and over what. Behind a reverse proxy the TCP peer is
// the proxy; X-Forwarded-For / X-Forwarded-Proto say who and how, but only a
// trusted proxy may say it (TRUST_PROXY), or any client could pick its own
// address and dodge every per-address limit. Without TRUST_PROXY the headers
// are ignored. The rules are Express's `trust proxy` (proxy-addr).
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import proxyaddr from 'proxy-addr';

export type TrustProxy =
  | { kind: 'none' }
  /** Trust this many proxies in front of the server (the socket peer is hop 0). */
  | { kind: 'hops'; hops: number }
  /** Trust peers with these addresses, CIDR ranges or proxy-addr names (loopback, linklocal, uniquelocal). */
  | { kind: 'addresses'; addresses: string[] };

/** TRUST_PROXY as configured, or a sentence saying what is wrong with it. */
export function parseTrustProxy(value: string): TrustProxy | string {
  const text = value.trim();
  if (text === '' || text === '0' || text === 'false') return { kind: 'none' };
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return hops <= 32 ? { kind: 'hops', hops } : 'a hop count must be at most 32';
  }
  const addresses = text.split(',').map((a) => a.trim()).filter(Boolean);
  try {
    proxyaddr.compile(addresses);
  } catch (error) {
    return `${(error as Error).message}; use a hop count, or proxy addresses / CIDR ranges / loopback, linklocal, uniquelocal`;
  }
  return { kind: 'addresses', addresses };
}

/** The parts of a request these rules read (an engine.io handshake request qualifies too). */
type RequestLike = Pick<IncomingMessage, 'headers' | 'socket'>;

export class ClientInfo {
  private readonly trust: (address: string, hop: number) => boolean;

  /** `publicHttps`: PUBLIC_URL is https, so the site is served over HTTPS whatever the hop behind the proxy is. */
  constructor(
    trustProxy: TrustProxy,
    private readonly publicHttps = false,
  ) {
    switch (trustProxy.kind) {
      case 'none':
        this.trust = () => false;
        break;
      case 'hops': {
        const { hops } = trustProxy;
        this.trust = (_address, hop) => hop < hops;
        break;
      }
      case 'addresses':
        this.trust = proxyaddr.compile(trustProxy.addresses);
        break;
      default: {
        const _exhaustive: never = trustProxy;
        throw new Error(`unknown TRUST_PROXY kind ${String(_exhaustive)}`);
      }
    }
  }

  /** The client's address: the socket peer, or the nearest untrusted hop of X-Forwarded-For. */
  address(req: RequestLike): string {
    const peer = req.socket?.remoteAddress;
    if (!peer) return 'unknown';
    const address = proxyaddr({ headers: req.headers, socket: { remoteAddress: peer }, connection: { remoteAddress: peer } } as unknown as IncomingMessage, this.trust);
    return plainAddress(address);
  }

  /** The scheme the client used to reach this hop's proxy chain: TLS on our socket, or a trusted X-Forwarded-Proto. */
  protocol(req: RequestLike): 'http' | 'https' {
    if ((req.socket as { encrypted?: boolean } | null)?.encrypted) return 'https';
    const peer = req.socket?.remoteAddress;
    if (!peer || !this.trust(peer, 0)) return 'http';
    const forwarded = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0].trim().toLowerCase();
    return forwarded === 'https' ? 'https' : 'http';
  }

  /** Served over HTTPS (cookies get Secure, responses HSTS): PUBLIC_URL is https, or this request came over TLS. */
  isHttps(req: RequestLike): boolean {
    return this.publicHttps || this.protocol(req) === 'https';
  }
}

/** IPv4-mapped IPv6 (::ffff:1.2.3.4) as plain IPv4; anything else as given. */
export function plainAddress(address: string): string {
  try {
    const parsed = ipaddr.parse(address);
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) return (parsed as ipaddr.IPv6).toIPv4Address().toString();
    return parsed.toString();
  } catch {
    return address;
  }
}

/**
 * The key an address is rate-limited under: an IPv4 address itself, an IPv6
 * address by its /64 (one subscriber usually gets a whole /64, so per-address
 * limits on single IPv6 addresses would be free to dodge).
 */
export function addressKey(address: string): string {
  try {
    const parsed = ipaddr.parse(address);
    if (parsed.kind() === 'ipv4') return parsed.toString();
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
    return `${v6.parts.slice(0, 4).map((p) => p.toString(16)).join(':')}::/64`;
  } catch {
    return address;
  }
}

export function isLoopback(address: string): boolean {
  try {
    const parsed = ipaddr.process(address);
    return parsed.range() === 'loopback';
  } catch {
    return false;
  }
}
