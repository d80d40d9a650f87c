// Imported first by every module that defines zod schemas. In the browser,
// pages run under a Content-Security-Policy without 'unsafe-eval'; zod would
// probe for eval with `new Function` (to compile fast object parsers), and
// although it catches the refusal, the browser still reports a CSP violation.
// Jitless mode skips the probe. The server keeps the compiled parsers.
import { z } from 'zod';

if (typeof window !== 'undefined') z.config({ jitless: true });
