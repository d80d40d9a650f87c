// A bounded two-lane FIFO. The high lane (confirm, release, extend, admin, check-in)
// is always drained before the low lane (new holds), so a storm of hold
// attempts cannot starve the buyers who are trying to pay. Each lane has its
// own bound: a full low lane never blocks a confirm from getting in.
export type Lane = 'high' | 'low';

class Queue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    // Compact once the consumed prefix dominates, keeping shift O(1) amortised.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

export class Mailbox<T> {
  private readonly high = new Queue<T>();
  private readonly low = new Queue<T>();

  constructor(readonly capacityPerLane: number) {
    if (!(capacityPerLane > 0)) throw new Error('mailbox capacity must be positive');
  }

  get depth(): number {
    return this.high.length + this.low.length;
  }

  depthOf(lane: Lane): number {
    return lane === 'high' ? this.high.length : this.low.length;
  }

  /** False when the lane is full: the caller must answer `busy` right away. */
  offer(lane: Lane, item: T): boolean {
    const queue = lane === 'high' ? this.high : this.low;
    if (queue.length >= this.capacityPerLane) return false;
    queue.push(item);
    return true;
  }

  /** Next item, high lane first; undefined when empty. */
  take(): T | undefined {
    return this.high.length > 0 ? this.high.shift() : this.low.shift();
  }
}
