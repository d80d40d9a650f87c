// Every test client connects from 127.0.0.1, so the per-address limits on new
// sessions, queue entries and seats held at once (issue 12) would make one
// address of hundreds of simulated buyers. Suites that start servers switch
// them off with these; the suites about those limits switch them on.
export const LOOPBACK_TEST_LIMITS = {
  LIMIT_SESSIONS_PER_ADDRESS_PER_HOUR: '0',
  LIMIT_QUEUE_ENTRIES_PER_ADDRESS_PER_HOUR: '0',
  LIMIT_HELD_SEATS_PER_ADDRESS: '0',
} as const;
