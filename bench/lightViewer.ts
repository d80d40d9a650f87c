// A minimal Socket.IO viewer for the fan-out bench: a plain `ws` websocket
// speaking the Engine.IO v4 / Socket.IO v5 wire protocol, so that thousands
// of viewers fit in a few processes on the same box as the server. It reads
// only the first bytes of each frame (event name and version) instead of
// parsing the whole JSON like socket.io-client does — a browser parses its
// own frames on its own CPU, and the bench must not measure one process
// parsing for thousands. The server sees an ordinary Socket.IO client.
import WebSocket from 'ws';

export interface FrameSink {
  /**
   * Called for every seats:update frame: the versions it covers (`fromVersion`…`version`),
   * and the number of seat changes in its delta when `countChanges`.
   */
  (index: number, fromVersion: number, version: number, changes: number): void;
}

/** Called for every queue:update frame (waiting room): the server's clock when it was sent, and "now serving". */
export interface QueueSink {
  (index: number, sentAt: number, serving: number): void;
}

const UPDATE_PREFIX = '42["seats:update"';
const QUEUE_PREFIX = '42["queue:update"';
const SENT_AT = /"at":(\d+)/;
const SERVING = /"serving":(\d+)/;
const FROM_VERSION = /"fromVersion":(\d+)/;
const VERSION = /"version":(\d+)/;
const DELTA = Buffer.from('"delta":"');
// One status code per change in the delta ('a', 'h', 's'); distances are digits.
const IS_STATUS_CODE = new Uint8Array(256);
for (const c of 'ahs') IS_STATUS_CODE[c.charCodeAt(0)] = 1;

export class LightViewer {
  private ws!: WebSocket;
  private acks = new Map<number, (frame: Buffer) => void>();
  private nextAck = 1;
  open = false;

  constructor(
    readonly index: number,
    private readonly onFrame: FrameSink,
    private readonly countChanges: boolean,
    private readonly onQueueUpdate?: QueueSink,
  ) {}

  /** Opens the websocket and connects the default namespace with the buyer token. */
  connect(baseUrl: string, token: string, timeoutMs = 60_000): Promise<void> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    this.ws = new WebSocket(url, { perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('connect timeout')), timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      this.ws.once('error', fail);
      this.ws.on('close', () => (this.open = false));
      this.ws.on('message', (data: Buffer) => {
        const type = data[0];
        if (type === 0x32 /* '2' ping */ && data.length === 1) {
          this.ws.send('3');
          return;
        }
        if (type === 0x30 /* '0' engine open */) {
          this.ws.send(`40${JSON.stringify({ token })}`);
          return;
        }
        const head = data.toString('latin1', 0, Math.min(data.length, 96));
        if (head.startsWith('40')) {
          this.open = true;
          clearTimeout(timer);
          resolve();
        } else if (head.startsWith('44')) fail(new Error(`connect refused: ${head}`));
        else if (head.startsWith(UPDATE_PREFIX)) this.frame(head, data);
        else if (head.startsWith(QUEUE_PREFIX)) this.queueFrame(data);
        else if (head.startsWith('43')) this.ack(head, data);
      });
    });
  }

  /** Emits an event with an ack and resolves with the raw ack frame (not parsed). */
  emit(event: string, payload: unknown, timeoutMs = 120_000): Promise<Buffer> {
    const id = this.nextAck++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.delete(id);
        reject(new Error(`no ack for ${event}`));
      }, timeoutMs);
      this.acks.set(id, (frame) => {
        clearTimeout(timer);
        resolve(frame);
      });
      this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }

  close(): void {
    this.ws?.close();
  }

  private frame(head: string, data: Buffer): void {
    const match = VERSION.exec(head);
    if (!match) return;
    const version = Number(match[1]);
    const from = FROM_VERSION.exec(head);
    let changes = 0;
    if (this.countChanges) {
      const start = data.indexOf(DELTA);
      if (start >= 0) for (let i = start + DELTA.length; i < data.length && data[i] !== 0x22; i++) changes += IS_STATUS_CODE[data[i]];
    }
    this.onFrame(this.index, from ? Number(from[1]) : version, version, changes);
  }

  private queueFrame(data: Buffer): void {
    if (!this.onQueueUpdate) return;
    // A queue:update is a few hundred bytes: read the two numbers without parsing the JSON.
    const text = data.toString('latin1');
    const at = SENT_AT.exec(text);
    if (at) this.onQueueUpdate(this.index, Number(at[1]), Number(SERVING.exec(text)?.[1] ?? NaN));
  }

  private ack(head: string, data: Buffer): void {
    const id = Number(/^43(\d+)/.exec(head)?.[1]);
    const done = this.acks.get(id);
    if (!done) return;
    this.acks.delete(id);
    done(data);
  }
}
