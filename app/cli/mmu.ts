/** Process glue for the headless CLI: `npm run --silent mmu -- run <scenario.json|->`. */
import { readFileSync } from 'node:fs';
import { runCli } from './cli';

const result = runCli(process.argv.slice(2), {
  read: (path) => readFileSync(path === '-' ? 0 : path, 'utf8'),
});
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.code;
