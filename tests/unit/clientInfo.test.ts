// The rules behind TRUST_PROXY and the origin check, on plain request objects.
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { addressKey, ClientInfo, isLoopback, parseTrustProxy, plainAddress } from '../../server/http/clientInfo';
import { OriginPolicy } from '../../server/http/originPolicy';

const request = (peer: string, headers: IncomingHttpHeaders = {}, encrypted = false) => ({ headers, socket: { remoteAddress: peer, encrypted } }) as never;

describe('parseTrustProxy', () => {
  it('reads nothing, hop counts and address lists; refuses nonsense with a reason', () => {
    expect(parseTrustProxy('')).toEqual({ kind: 'none' });
    expect(parseTrustProxy('0')).toEqual({ kind: 'none' });
    expect(parseTrustProxy('false')).toEqual({ kind: 'none' });
    expect(parseTrustProxy('2')).toEqual({ kind: 'hops', hops: 2 });
    expect(parseTrustProxy(' loopback, 10.0.0.0/8 ,fd00::/8')).toEqual({ kind: 'addresses', addresses: ['loopback', '10.0.0.0/8', 'fd00::/8'] });
    expect(typeof parseTrustProxy('true')).toBe('string');
    expect(typeof parseTrustProxy('10.0.0.0/99')).toBe('string');
    expect(typeof parseTrustProxy('1000')).toBe('string');
  });
});

describe('ClientInfo', () => {
  it('without trust: the socket peer, forwarded headers ignored', () => {
    const info = new ClientInfo({ kind: 'none' });
    const req = request('::ffff:198.51.100.7', { 'x-forwarded-for': '203.0.113.1', 'x-forwarded-proto': 'https' });
    expect(info.address(req)).toBe('198.51.100.7');
    expect(info.protocol(req)).toBe('http');
    expect(info.isHttps(req)).toBe(false);
    expect(info.isHttps(request('127.0.0.1', {}, true))).toBe(true); // TLS on our own socket
  });

  it('a trusted peer: the nearest untrusted hop, and its X-Forwarded-Proto', () => {
    const info = new ClientInfo({ kind: 'addresses', addresses: ['10.0.0.0/8'] });
    const req = request('10.0.0.2', { 'x-forwarded-for': '6.6.6.6, 203.0.113.5, 10.0.0.9', 'x-forwarded-proto': 'https, http' });
    expect(info.address(req)).toBe('203.0.113.5');
    expect(info.protocol(req)).toBe('https');
    // An untrusted peer's headers count for nothing.
    expect(info.address(request('192.0.2.1', { 'x-forwarded-for': '203.0.113.5' }))).toBe('192.0.2.1');
    expect(info.protocol(request('192.0.2.1', { 'x-forwarded-proto': 'https' }))).toBe('http');
  });

  it('a hop count trusts that many proxies, no more', () => {
    const info = new ClientInfo({ kind: 'hops', hops: 1 });
    expect(info.address(request('10.9.9.9', { 'x-forwarded-for': '6.6.6.6, 203.0.113.5' }))).toBe('203.0.113.5');
    expect(info.address(request('10.9.9.9'))).toBe('10.9.9.9');
  });

  it('PUBLIC_URL https means HTTPS whatever the last hop', () => {
    expect(new ClientInfo({ kind: 'none' }, true).isHttps(request('127.0.0.1'))).toBe(true);
  });
});

describe('addresses', () => {
  it('rate-limit keys: IPv4 as is, IPv4-mapped as IPv4, IPv6 by /64', () => {
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('2001:db8:0:1:aaaa::1')).toBe(addressKey('2001:db8:0:1:bbbb::2'));
    expect(addressKey('2001:db8:0:1::1')).not.toBe(addressKey('2001:db8:0:2::1'));
    expect(addressKey('not an address')).toBe('not an address');
    expect(plainAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
  });

  it('loopback', () => {
    for (const a of ['127.0.0.1', '127.0.0.5', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a), a).toBe(true);
    for (const a of ['10.0.0.1', '203.0.113.9', '::ffff:10.0.0.1', 'unknown']) expect(isLoopback(a), a).toBe(false);
  });
});

describe('OriginPolicy', () => {
  const hostDerived = new OriginPolicy({ allowedOrigins: [] });
  it('only state-changing methods are checked', () => {
    expect(['GET', 'HEAD', 'OPTIONS', 'get'].map(OriginPolicy.changesState)).toEqual([false, false, false, false]);
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].map(OriginPolicy.changesState)).toEqual([true, true, true, true]);
  });

  it('without PUBLIC_URL the site is the scheme and Host it was reached at (default ports dropped)', () => {
    expect(hostDerived.refusal({ host: 'tickets.example:3000', origin: 'http://tickets.example:3000' }, 'http')).toBeNull();
    expect(hostDerived.refusal({ host: 'tickets.example:80', origin: 'http://tickets.example' }, 'http')).toBeNull();
    expect(hostDerived.refusal({ host: 'TICKETS.example', origin: 'https://tickets.example' }, 'https')).toBeNull();
    expect(hostDerived.refusal({ host: 'tickets.example', origin: 'https://tickets.example' }, 'http')).not.toBeNull();
    expect(hostDerived.refusal({ host: 'tickets.example', origin: 'null' }, 'http')).not.toBeNull();
    expect(hostDerived.refusal({ host: 'tickets.example/x', origin: 'http://tickets.example' }, 'http')).not.toBeNull();
    expect(hostDerived.refusal({ origin: 'http://tickets.example' }, 'http')).not.toBeNull();
  });

  it('without an Origin: Fetch Metadata decides, and no header at all is not a browser', () => {
    expect(hostDerived.refusal({ 'sec-fetch-site': 'cross-site' }, 'http')).not.toBeNull();
    expect(hostDerived.refusal({ 'sec-fetch-site': 'same-site' }, 'http')).not.toBeNull();
    expect(hostDerived.refusal({ 'sec-fetch-site': 'same-origin' }, 'http')).toBeNull();
    expect(hostDerived.refusal({ 'sec-fetch-site': 'none' }, 'http')).toBeNull();
    expect(hostDerived.refusal({}, 'http')).toBeNull();
  });

  it('with PUBLIC_URL only it and the allow-list count', () => {
    const policy = new OriginPolicy({ publicOrigin: 'https://tickets.example', allowedOrigins: ['http://localhost:5173'] });
    expect(policy.refusal({ host: 'internal:3000', origin: 'https://tickets.example' }, 'http')).toBeNull();
    expect(policy.refusal({ host: 'internal:3000', origin: 'http://localhost:5173' }, 'http')).toBeNull();
    expect(policy.refusal({ host: 'internal:3000', origin: 'http://internal:3000' }, 'http')).not.toBeNull();
  });
});
