/**
 * Test helper: renders a model run as function_graph text, the way /sys/kernel/tracing/trace
 * or `trace-cmd report` would print a capture of the same calls, so the reader and the
 * check can be tested on traces whose content is known.
 */
import type { RunResult } from '../index';
import { modelCalls, type ModelCall } from './model';
import { CORE_FUNCTIONS } from './kernel';
import type { FtraceCall } from './parse';

/** A call tree as nested names, for comparing trees in tests: ["leaf", { caller: [...] }]. */
export const callShape = (calls: readonly (FtraceCall | ModelCall)[]): unknown[] =>
  calls.map((c) => (c.children.length ? { [c.name]: callShape(c.children) } : c.name));

export interface RenderOptions {
  format?: 'tracefs' | 'trace-cmd';
  /** tracefs: the TIME column (options/funcgraph-abstime). */
  abstime?: boolean;
  /** The CPU each top-level call runs on; calls on different CPUs interleave. */
  cpuOf?: (root: number) => number;
  /** Functions left out, their callees moved up, as a build that inlines them shows them. */
  inline?: readonly string[];
  /** Names as another release traces them ({ kmem_cache_create: '__kmem_cache_create_args' }). */
  rename?: Readonly<Record<string, string>>;
}

interface Line {
  time: number;
  cpu: number;
  depth: number;
  /** "name [kvm]() {", "name();", "}" */
  text: string;
  duration: number | null;
}

const TASK = 'kload-42';

/** The module a function's trace line names: none for core kernel functions. */
function moduleOf(run: RunResult, name: string): string | null {
  if (CORE_FUNCTIONS.includes(name)) return null;
  const owner = run.variant.functions[name]?.owner;
  return owner === 'svm' ? 'kvm_amd' : owner === 'vmx' ? 'kvm_intel' : 'kvm';
}

function mark(us: number): string {
  return us >= 1000 ? '#' : us >= 100 ? '!' : us >= 10 ? '+' : ' ';
}

export function renderFunctionGraph(run: RunResult, o: RenderOptions = {}): string {
  const inline = new Set(o.inline ?? []);
  const shows = (c: ModelCall): boolean => !inline.has(c.name) || c.children.some(shows);
  const lines: Line[] = [];
  const emit = (calls: readonly ModelCall[], cpu: number, depth: number, clock: { t: number }) => {
    for (const c of calls) {
      if (inline.has(c.name)) {
        emit(c.children, cpu, depth, clock);
        continue;
      }
      const name = o.rename?.[c.name] ?? c.name;
      const module = moduleOf(run, c.name);
      const label = `${name}${module ? ` [${module}]` : ''}()`;
      const start = (clock.t += 1);
      if (!c.children.some(shows)) {
        lines.push({ time: start, cpu, depth, text: `${label};`, duration: 1.5 });
        continue;
      }
      lines.push({ time: start, cpu, depth, text: `${label} {`, duration: null });
      emit(c.children, cpu, depth + 1, clock);
      lines.push({ time: (clock.t += 1), cpu, depth, text: '}', duration: clock.t - start + 0.25 });
    }
  };
  // One clock per CPU, all starting together: calls on different CPUs interleave.
  const clocks = new Map<number, { t: number }>();
  modelCalls(run).forEach((root, i) => {
    const cpu = o.cpuOf?.(i) ?? 0;
    if (!clocks.has(cpu)) clocks.set(cpu, { t: 1_000_000 + cpu / 10 });
    emit([root], cpu, 0, clocks.get(cpu)!);
  });
  lines.sort((a, b) => a.time - b.time);
  const format = o.format ?? 'tracefs';
  const head =
    format === 'tracefs'
      ? [
          '# tracer: function_graph',
          '#',
          o.abstime
            ? '#     TIME        CPU  DURATION                  FUNCTION CALLS'
            : '# CPU  DURATION                  FUNCTION CALLS',
          '#      |          |     |   |                     |   |   |   |',
        ]
      : [`cpus=${new Set(lines.map((l) => l.cpu)).size}`];
  return [
    ...head,
    ...lines.map((l) => {
      const duration =
        l.duration === null
          ? ' '.repeat(14)
          : `${mark(l.duration)} ${l.duration.toFixed(3)} us`.padEnd(14);
      const graph = `|${' '.repeat(2 + 2 * l.depth)}${l.text}`;
      const seconds = (l.time / 1e6).toFixed(6);
      if (format === 'trace-cmd')
        return `${TASK.padStart(16)} [${String(l.cpu).padStart(3, '0')}] ${seconds}: funcgraph_${l.text === '}' ? 'exit' : 'entry'}: ${duration} ${graph}`;
      return `${o.abstime ? `${seconds.padStart(12)} |  ` : ''} ${l.cpu}) ${duration} ${graph}`;
    }),
    '',
  ].join('\n');
}
