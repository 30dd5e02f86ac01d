/**
 * The CLI validates one scenario per process: compiling zod's fast path for each
 * object schema (new Function, on the first parse) costs more than it saves, so
 * the CLI turns it off. Imported first by mmu.ts, before any schema is built.
 */
import { config } from 'zod/mini';

config({ jitless: true });
