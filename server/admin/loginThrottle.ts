// How fast anyone may guess the organizer password, without giving attackers
// a switch that locks the organizers out.
//
// - Per address (IPv6 by /64): 5 attempts, then one every 12 s. A successful
//   sign-in refills it. An attempt this bucket refuses charges nothing else,
//   so one address cannot drain anybody else's budget.
// - Per account, against guessing from many addresses: 30 attempts, then one
//   every 2 s, shared by every client that has not signed in before.
// - A browser that has signed in before carries a device token (signed, bound
//   to the password); its attempts are limited per device instead of by the
//   account budget. So a distributed flood that empties the account budget
//   slows new browsers down but cannot lock out an organizer's own browser,
//   and a stolen device token buys only 5 guesses, then one every 12 s.
import type { RateLimitStore, RateLimitStores } from '../rateLimiter';
import { addressKey } from '../http/clientInfo';

export interface LoginAttempt {
  /** The client's address (see ClientInfo). */
  address: string;
  /** Which organizer account (today there is one). */
  account: string;
  /** The verified id of the caller's device token, or null. */
  deviceId: string | null;
}

export interface LoginThrottle {
  /** Charges one attempt: 0 when the password may be checked, else the ms to wait (nothing was checked). */
  admit(attempt: LoginAttempt): Promise<number>;
  /** The password was right: this address and device start afresh. */
  succeeded(attempt: LoginAttempt): Promise<void>;
}

export const LOGIN_LIMITS = {
  perAddress: { ratePerSecond: 5 / 60, burst: 5 },
  perAccount: { ratePerSecond: 1 / 2, burst: 30 },
  perDevice: { ratePerSecond: 5 / 60, burst: 5 },
} as const;

/** The throttle over token buckets; shared buckets (RateLimitStores backed by Redis) make it cluster-wide. */
export class BucketLoginThrottle implements LoginThrottle {
  private readonly perAddress: RateLimitStore;
  private readonly perAccount: RateLimitStore;
  private readonly perDevice: RateLimitStore;

  constructor(stores: RateLimitStores) {
    this.perAddress = stores('login:address', LOGIN_LIMITS.perAddress);
    this.perAccount = stores('login:account', LOGIN_LIMITS.perAccount);
    this.perDevice = stores('login:device', LOGIN_LIMITS.perDevice);
  }

  async admit(attempt: LoginAttempt): Promise<number> {
    const addressWait = await this.perAddress.take(addressKey(attempt.address));
    if (addressWait > 0) return addressWait;
    return attempt.deviceId ? this.perDevice.take(`${attempt.account}:${attempt.deviceId}`) : this.perAccount.take(attempt.account);
  }

  async succeeded(attempt: LoginAttempt): Promise<void> {
    await this.perAddress.reset(addressKey(attempt.address));
    if (attempt.deviceId) await this.perDevice.reset(`${attempt.account}:${attempt.deviceId}`);
  }
}
