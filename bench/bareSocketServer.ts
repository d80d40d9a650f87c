// Memory reference: a bare Socket.IO server with the app's options and
// nothing else (no database, no loops, no gateway handlers beyond a room
// join), to tell Socket.IO's own per-connection cost from the app's.
// Deliberately without the app's request trimming (server/socketRequests.ts,
// trimSocketRequests): that relies on engine.io internals rather than a
// standard option, so this stays plain Socket.IO as documented.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const http = createServer((req, res) => {
  // The load workers ask for a buyer session first; any token will do here.
  res.writeHead(201, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ok: true, token: 'bare', buyerId: 'b_bare' }));
});
const io = new Server(http, { maxHttpBufferSize: 100_000, serveClient: false, perMessageDeflate: false });
io.on('connection', (socket) => void socket.join(`buyer:${socket.id}`));
http.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` });
});
process.on('message', (raw) => {
  const msg = raw as { type: string; id: number };
  if (msg.type === 'memory') {
    global.gc?.();
    global.gc?.();
    const m = process.memoryUsage();
    process.send?.({ id: msg.id, body: { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, sockets: io.engine.clientsCount } });
  } else if (msg.type === 'stop') {
    void io.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
