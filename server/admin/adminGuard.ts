// The organizer-only wrapper for HTTP routes: 401 without credentials, 403 for
// a buyer session, then the input validated (query for GET, JSON body
// otherwise) before the handler sees it.
import type { ZodType } from 'zod';
import { fail, invalidRequest } from '../../lib/protocol';
import type { BuyerSessions } from '../buyerSession';
import { BodyError, readJsonBody, sendAck, type RequestContext } from '../http/router';
import type { AdminAuth } from './adminAuth';

export type AdminGuard = <T>(schema: ZodType<T> | null, fn: (ctx: RequestContext, input: T) => Promise<void> | void) => (ctx: RequestContext) => Promise<void>;

export function adminGuard(auth: AdminAuth, sessions: BuyerSessions): AdminGuard {
  return function asAdmin<T>(schema: ZodType<T> | null, fn: (ctx: RequestContext, input: T) => Promise<void> | void) {
    return async (ctx: RequestContext) => {
      // fromRequest is asynchronous (revocations live in the store): a missing await would let everyone in.
      if (!(await auth.fromRequest(ctx.req))) {
        const isBuyer = sessions.fromRequest(ctx.req) !== null;
        return sendAck(ctx.res, isBuyer ? fail('forbidden', 'Organizers only.') : fail('unauthorized', 'Sign in as an organizer.'));
      }
      let input = undefined as T;
      if (schema) {
        let body: unknown;
        try {
          body = ctx.req.method === 'GET' ? Object.fromEntries(ctx.url.searchParams) : await readJsonBody(ctx.req);
        } catch (error) {
          if (error instanceof BodyError) return sendAck(ctx.res, fail('invalid_request', error.message), error.status);
          throw error;
        }
        const parsed = schema.safeParse(body);
        if (!parsed.success) return sendAck(ctx.res, invalidRequest(parsed.error));
        input = parsed.data;
      }
      await fn(ctx, input);
    };
  };
}
