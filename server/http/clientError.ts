// Requests Node cannot even parse (bad framing, a body where none was
// announced, oversized headers) never reach a route: Node answers them on the
// raw socket. By default that is an empty `400 Bad Request`; here it is the
// same JSON Ack as every other refusal, so clients see one error shape. Like
// Node's own handler, it writes only if nothing of a response has gone out on
// this connection yet, then closes it.
import type { Socket } from 'node:net';
import { fail } from '../../lib/protocol';

const STATUS_LINES: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

function rawResponse(status: number, message: string): string {
  const body = JSON.stringify(fail('invalid_request', message));
  return [
    `HTTP/1.1 ${status} ${STATUS_LINES[status]}`,
    'Content-Type: application/json; charset=utf-8',
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

export function onClientError(error: Error & { code?: string }, socket: Socket): void {
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    if (error.code === 'HPE_HEADER_OVERFLOW') socket.write(rawResponse(431, 'The request headers are too large.'));
    else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') socket.write(rawResponse(408, 'The request took too long to arrive.'));
    else socket.write(rawResponse(400, 'The request is not valid HTTP (for example a body that was not announced).'));
  }
  socket.destroy();
}
