// Prometheus metrics (prom-client). One registry per server instance, so
// tests can run several servers in one process.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Outcome } from '../core/types';

export class Metrics {
  readonly registry = new Registry();
  readonly commands = new Counter({
    name: 'seatline_commands_total',
    help: 'Commands handled by the reservation loops, by type and outcome',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly commandLatency = new Histogram({
    name: 'seatline_command_latency_seconds',
    help: 'Time from entering the mailbox to the reply, after commit',
    labelNames: ['type'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'seatline_batch_size',
    help: 'Commands per loop tick',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    registers: [this.registry],
  });
  readonly commitDuration = new Histogram({
    name: 'seatline_commit_duration_seconds',
    help: 'Duration of the one SQLite transaction per tick',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [this.registry],
  });
  readonly mailboxDepth = new Gauge({
    name: 'seatline_mailbox_depth',
    help: 'Commands waiting in an event loop mailbox',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });
  readonly socketsConnected = new Gauge({
    name: 'seatline_sockets_connected',
    help: 'Connected Socket.IO clients',
    registers: [this.registry],
  });
  readonly holdsExpired = new Counter({
    name: 'seatline_holds_expired_total',
    help: 'Holds released because their deadline passed',
    registers: [this.registry],
  });

  readonly failedCommits = new Counter({
    name: 'seatline_failed_commits_total',
    help: "Batch commits that failed: reason 'fenced' (another process owned the event by then) or 'error'",
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly ownershipChanges = new Counter({
    name: 'seatline_ownership_changes_total',
    help: 'Events this process started or stopped owning (distributed mode)',
    labelNames: ['change'],
    registers: [this.registry],
  });

  constructor(withProcessMetrics = true) {
    if (withProcessMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'seatline_' });
  }

  observeCommand(type: string, outcome: Outcome, latencyMs: number): void {
    this.commands.inc({ type, outcome: outcome.ok ? 'ok' : outcome.code });
    this.commandLatency.observe({ type }, latencyMs / 1000);
  }
}
