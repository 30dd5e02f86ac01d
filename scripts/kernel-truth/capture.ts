/**
 * Reads what scripts/kernel-truth.sh captured (the directory it names in
 * node_modules/.cache/kernel-truth-current). The ground-truth tests read the kernel's traces,
 * parameters and slab geometry from here; nothing of it is committed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const cacheRoot = (): string =>
  process.env.KVM_MMU_CACHE ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kvm-mmu-visualizer');

export interface CapturedRun {
  name: string;
  dir: string;
  /** QEMU's -cpu: "EPYC" (NPT on) or "EPYC,-npt". */
  cpu: string;
  /** The forced failure, as the script's table has it: "FUNC,RETVAL,NTH[,MODULE]". */
  fault: string | null;
  /** "trace-cmd" when the load was recorded with trace-cmd instead of tracefs. */
  tracer: string | null;
  /** The function_graph text of each module load ("kvm", "kvm-amd", …). */
  traces: Record<string, string>;
  /** The loader's answer per module: 0 or -errno. */
  loads: Record<string, number>;
  /** "kvm.tdp_mmu" → "Y", "faultinject.fired" → "1". */
  params: Record<string, string>;
  /** "pte_list_desc.object_size" → "128". */
  slab: Record<string, string>;
  /** Addresses of a failed load that were named from the module's symbols ("0x… name"). */
  namedAddresses: string[];
}

export interface Capture {
  dir: string;
  kernelRelease: string;
  runs: Map<string, CapturedRun>;
  /** "kvm_amd svm_hardware_setup": every text symbol of the modules (nm). */
  moduleFunctions: Set<string>;
  /** Functions kvm.ko and kvm-amd.ko call outside themselves. */
  moduleImports: Set<string>;
  /** Core functions the guest's set_ftrace_filter refused. */
  filterRejected: Set<string>;
}

const read = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');
const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');
const keyValues = (text: string): Record<string, string> =>
  Object.fromEntries(
    lines(text).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

function readRun(dir: string, spec: string): CapturedRun {
  const [name, cpu, fault, tracer] = spec.split('|') as [string, string, string, string?];
  const runDir = join(dir, name);
  const traces: Record<string, string> = {};
  const loads: Record<string, number> = {};
  for (const m of ['irqbypass', 'kvm', 'faultinject', 'kvm-amd']) {
    const trace = read(join(runDir, `trace-${m}.txt`));
    if (!trace) continue;
    traces[m] = trace;
    const rc = /^kload: \S+: (-?\d+)/m.exec(read(join(runDir, `load-${m}.txt`)));
    if (rc) loads[m] = Number(rc[1]);
  }
  return {
    name,
    dir: runDir,
    cpu,
    fault: fault || null,
    tracer: tracer || null,
    traces,
    loads,
    params: keyValues(read(join(runDir, 'params.txt'))),
    slab: keyValues(read(join(runDir, 'slab.txt'))),
    namedAddresses: lines(read(join(runDir, 'named-addresses.txt'))),
  };
}

/**
 * The capture this checkout's last `npm run kernel-truth` made or reused, else the machine's
 * latest; an error with what to do when there is none.
 */
export function readCapture(): { ok: true; value: Capture } | { ok: false; error: string } {
  const local = fileURLToPath(
    new URL('../../node_modules/.cache/kernel-truth-current', import.meta.url),
  );
  const machine = join(cacheRoot(), 'truth', 'current');
  const pointer = existsSync(local) ? local : machine;
  const dir = read(pointer).trim();
  if (!dir || !existsSync(join(dir, '.complete')))
    return {
      ok: false,
      error: `no kernel capture in ${pointer}: run \`npm run kernel-truth\` (it boots Debian's 6.12 under QEMU; see docs/ground-truth.md)`,
    };
  const runs = new Map(
    lines(read(join(dir, 'runs.txt'))).map((spec) => {
      const run = readRun(dir, spec);
      return [run.name, run] as const;
    }),
  );
  const firstRun = [...runs.values()][0];
  return {
    ok: true,
    value: {
      dir,
      kernelRelease: read(join(dir, 'kernel-release.txt')).trim(),
      runs,
      moduleFunctions: new Set(lines(read(join(dir, 'module-functions.txt')))),
      moduleImports: new Set(lines(read(join(dir, 'module-imports.txt')))),
      filterRejected: new Set(
        firstRun ? lines(read(join(firstRun.dir, 'filter-rejected.txt'))) : [],
      ),
    },
  };
}
