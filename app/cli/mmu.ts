/** Process glue for the headless CLI: `npm run --silent mmu -- run <scenario.json|->`. */
import './oneShot';
import { closeSync, openSync, readSync } from 'node:fs';
import { runCli } from './cli';
import { isTreeCommand } from './treeArgs';

/**
 * Reads a file, or stdin for "-", and stops as soon as it passes `limit` bytes
 * (EFBIG), so an endless input (/dev/zero, a stream that never ends) is refused
 * instead of read until memory runs out.
 */
function readAtMost(path: string, limit: number): string {
  const fd = path === '-' ? 0 : openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.allocUnsafe(64 * 1024);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EOF') break;
        // stdin set non-blocking by whoever started us: wait for more instead of spinning.
        if (code === 'EAGAIN') {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
          continue;
        }
        throw e;
      }
      if (n === 0) break;
      total += n;
      if (total > limit) throw Object.assign(new Error('input too large'), { code: 'EFBIG' });
      chunks.push(Buffer.from(chunk.subarray(0, n)));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

const argv = process.argv.slice(2);
// The importer (tree-sitter) only for the commands that read trees: the others start faster.
const result = isTreeCommand(argv)
  ? await (await import('./tree')).runTreeCli(argv)
  : await runCli(argv, { read: readAtMost });
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.code;
