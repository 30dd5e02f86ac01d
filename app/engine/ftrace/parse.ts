/**
 * Reads ftrace function_graph text, as /sys/kernel/tracing/trace and `trace-cmd report`
 * print it, into call trees: one per CPU and task, the calls in the order they began.
 * Reading is forgiving where a real capture is imperfect (a cut last line, events lost
 * when the buffer filled, a capture that starts inside a call) and says so in `notes`;
 * text that is not function_graph output at all is refused with what was expected.
 */
import type { Result } from '../scenario';

export interface FtraceCall {
  /** As printed, without the module tag: "kvm_x86_vendor_init", "0xffffffffc04c2014". */
  name: string;
  /** "kvm" for "kvm_x86_vendor_init [kvm]()"; null for core kernel functions. */
  module: string | null;
  /**
   * The name is a bare address (trace-cmd prints it without 0x): the function's module or
   * __init text was gone when the names were looked up.
   */
  unresolved: boolean;
  cpu: number;
  /** "comm-pid", when the capture says which task ran it. */
  task: string | null;
  /** Seconds since boot, when the capture has timestamps. */
  time: number | null;
  /** Microseconds, once the call's end is in the capture. */
  duration: number | null;
  /** 1-based line of the call (of its entry, for a call with a body). */
  line: number;
  children: FtraceCall[];
  /** The capture has the call's entry but not its end (cut off, or events lost). */
  open: boolean;
}

export type FtraceFormat = 'tracefs' | 'trace-cmd';

export interface FtraceCapture {
  format: FtraceFormat;
  /** Top-level calls in the order they began, across CPUs. */
  roots: FtraceCall[];
  cpus: number[];
  /** Lines that held a call, an exit or a comment. */
  graphLines: number;
  /** Anything the reader had to guess at or skip, with line numbers. */
  notes: string[];
}

/** One function_graph record after the columns before its "|" have been read. */
interface Record_ {
  line: number;
  cpu: number;
  task: string | null;
  time: number | null;
  duration: number | null;
  /** Columns of indentation after the "|": 2 at the top level, 2 more per level. */
  indent: number;
  body: string;
}

// Columns, both formats: an optional overhead mark (+ ! # * @ $), the duration in µs.
const DURATION = String.raw`(?:([+!#*@$])\s*)?(?:(\d+(?:\.\d+)?)\s+us\s*)?`;
/** "  12.250324 |   0)  kload-138   | + 54.835 us   |    foo();" (abstime, proc columns optional). */
const TRACEFS = new RegExp(
  String.raw`^\s*(?:(\d+\.\d+)\s*\|\s*)?(\d+)\)\s+(?:(\S+-\d+)\s+\|\s+)?${DURATION}\|( *)(.*)$`,
);
/** "  kload-138   [000]  12.250324: funcgraph_entry:   + 54.835 us   |    foo();" */
const TRACE_CMD = new RegExp(
  String.raw`^\s*(.+?-\d+)\s+\[(\d+)\]\s+(?:\S+\s+)?(\d+\.\d+):\s+funcgraph_(?:entry|exit):\s+${DURATION}\|( *)(.*)$`,
);
/** tracefs "CPU:0 [LOST 12 EVENTS]", trace-cmd "CPU:0 [12 EVENTS DROPPED]". */
const LOST = /^\s*CPU:?\s*(\d+)\s*\[(?:LOST (\d+) EVENTS|(\d+) EVENTS DROPPED)\]/;
/** " 0)   kload-136    =>     init-1    " */
const SWITCH = /^\s*(\d+)\)\s+(\S+-\d+)\s+=>\s+(\S+-\d+)\s*$/;
/** Interrupt entry and exit markers (funcgraph-irqs): " 0)   ==========> |". */
const IRQ_MARK = /^\s*(?:\d+\.\d+\s*\|\s*)?\d+\)\s+(?:\S+-\d+\s+\|\s+)?(?:=+>|<=+)\s*\|/;
/** "name [module]() {", "name();", "0xffffffffc04c2014() {" */
const CALL =
  /^([A-Za-z_.$][\w.$]*|0x[0-9a-f]+)(?: \[([\w-]+)\])?\(\)\s*(\{|;)\s*(?:\/\*.*\*\/)?\s*$/;
const EXIT = /^\}\s*(?:\/\*\s*([\w.$]+)?.*\*\/)?\s*$/;

const MAX_NOTED = 5;

function recordOf(text: string, line: number): { format: FtraceFormat; r: Record_ } | null {
  let m = TRACEFS.exec(text);
  if (m)
    return {
      format: 'tracefs',
      r: {
        line,
        time: m[1] ? Number(m[1]) : null,
        cpu: Number(m[2]),
        task: m[3] ?? null,
        duration: m[5] ? Number(m[5]) : null,
        indent: m[6]!.length,
        body: m[7]!.trimEnd(),
      },
    };
  m = TRACE_CMD.exec(text);
  if (m)
    return {
      format: 'trace-cmd',
      r: {
        line,
        task: m[1]!.trim(),
        cpu: Number(m[2]),
        time: Number(m[3]),
        duration: m[5] ? Number(m[5]) : null,
        indent: m[6]!.length,
        body: m[7]!.trimEnd(),
      },
    };
  return null;
}

/** Why a text that has no function_graph line is not one, in words a user can act on. */
function notFunctionGraph(lines: readonly string[]): string {
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) return 'the capture is empty';
  const head = lines[first]!;
  // trace.dat starts with the bytes 0x17 0x08 'D' "tracing".
  if (head.startsWith('\u0017\u0008Dtracing'))
    return 'this is a binary trace.dat file: run `trace-cmd report trace.dat > trace.txt` and open the text';
  // NUL, or what a text decoder made of bytes that are not UTF-8.
  if (head.includes('\u0000') || head.includes('\ufffd'))
    return 'this is a binary file, not ftrace function_graph text (the text /sys/kernel/tracing/trace or `trace-cmd report` prints)';
  const tracer = lines.map((l) => /^# tracer: (\S+)/.exec(l)?.[1]).find(Boolean);
  if (tracer && tracer !== 'function_graph')
    return `the capture was made with the ${tracer} tracer; record with function_graph (trace-cmd record -p function_graph …, or echo function_graph > current_tracer)`;
  if (tracer)
    return 'the function_graph capture holds no calls (was anything loaded while it ran?)';
  const shown = head.length > 80 ? `${head.slice(0, 80)}…` : head;
  return `not ftrace function_graph output: expected lines like " 0)               |  kvm_x86_vendor_init [kvm]() {" (/sys/kernel/tracing/trace) or "insmod-1234 [000] 12.345678: funcgraph_entry:   |  kvm_x86_vendor_init() {" (trace-cmd report); line ${first + 1} reads ${JSON.stringify(shown)}`;
}

/**
 * A per-(CPU, task) stack of open calls, each with the depth its line was indented to. The
 * depths can skip a level: an interrupt's notrace entry code sits between a call and the
 * handler's calls.
 */
interface Stack {
  open: { call: FtraceCall; depth: number }[];
}

export function parseFtrace(text: string): Result<FtraceCapture> {
  const lines = text.split(/\r?\n/);
  const notes: string[] = [];
  const roots: FtraceCall[] = [];
  const cpus = new Set<number>();
  const stacks = new Map<string, Stack>();
  /** The task each CPU runs, learnt from "=>" lines, for captures without a task column. */
  const running = new Map<number, string>();
  /** Calls read on a CPU before its first "=>" line named the task that made them. */
  const unnamedCalls = new Map<number, FtraceCall[]>();
  const unreadable: number[] = [];
  let format: FtraceFormat | null = null;
  let graphLines = 0;
  let exitsWithoutEntry = 0;
  let mixed = false;

  const stackOf = (cpu: number, task: string | null): Stack => {
    const key = `${cpu}/${task ?? running.get(cpu) ?? ''}`;
    let s = stacks.get(key);
    if (!s) stacks.set(key, (s = { open: [] }));
    return s;
  };
  /** Closes the open calls at `depth` or deeper: the capture lost their ends. */
  const unwindTo = (s: Stack, depth: number) => {
    while ((s.open.at(-1)?.depth ?? -1) >= depth) s.open.pop()!.call.open = true;
  };

  lines.forEach((text, i) => {
    const line = i + 1;
    if (text.trim() === '' || /^\s*#/.test(text) || /^\s*-{10,}\s*$/.test(text)) return;
    const sw = SWITCH.exec(text);
    if (sw) {
      const cpu = Number(sw[1]);
      // The first switch on a CPU names the task that ran before it: its calls were read
      // into an unnamed stack.
      const unnamed = stacks.get(`${cpu}/`);
      if (!running.has(cpu) && unnamed) {
        stacks.delete(`${cpu}/`);
        stacks.set(`${cpu}/${sw[2]}`, unnamed);
      }
      for (const c of unnamedCalls.get(cpu) ?? []) c.task = sw[2]!;
      unnamedCalls.delete(cpu);
      running.set(cpu, sw[3]!);
      return;
    }
    if (IRQ_MARK.test(text)) return;
    const lost = LOST.exec(text);
    if (lost) {
      notes.push(
        `line ${line}: CPU ${lost[1]} lost ${lost[2] ?? lost[3]} events (the buffer filled): calls around here may be missing`,
      );
      for (const [key, s] of stacks) if (key.startsWith(`${lost[1]}/`)) unwindTo(s, 0);
      return;
    }
    // trace-cmd's header lines ("cpus=2", "version = 6", "CPU 1 is empty").
    if (/^(cpus=\d+|version\s*=|CPU \d+ is empty)/.test(text.trim())) return;
    const rec = recordOf(text, line);
    if (!rec) {
      unreadable.push(line);
      return;
    }
    if (format && format !== rec.format) mixed = true;
    format ??= rec.format;
    const r = rec.r;
    graphLines++;
    cpus.add(r.cpu);
    const body = r.body;
    // Comments: trace_printk(), events, return values.
    if (body.startsWith('/*')) return;
    const s = stackOf(r.cpu, r.task);
    const depth = Math.max(0, (r.indent - 2) >> 1);
    if (EXIT.test(body)) {
      // An exit closes the open call at its depth; calls deeper than it lost their ends.
      unwindTo(s, depth + 1);
      if (s.open.at(-1)?.depth !== depth) {
        exitsWithoutEntry++;
        return;
      }
      s.open.pop()!.call.duration = r.duration;
      return;
    }
    const call = CALL.exec(body);
    if (!call) {
      unreadable.push(line);
      return;
    }
    // A call at or above an open call's depth means that call's end was lost.
    unwindTo(s, depth);
    const node: FtraceCall = {
      name: call[1]!,
      module: call[2] ?? null,
      unresolved: /^(0x)?[0-9a-f]{8,16}$/.test(call[1]!),
      cpu: r.cpu,
      task: r.task ?? running.get(r.cpu) ?? null,
      time: r.time,
      duration: call[3] === ';' ? r.duration : null,
      line,
      children: [],
      open: false,
    };
    (s.open.at(-1)?.call.children ?? roots).push(node);
    if (node.task === null && !running.has(r.cpu))
      unnamedCalls.set(r.cpu, [...(unnamedCalls.get(r.cpu) ?? []), node]);
    if (call[3] === '{') s.open.push({ call: node, depth });
  });

  if (!format) return { ok: false, error: notFunctionGraph(lines) };
  for (const s of stacks.values()) unwindTo(s, 0);
  if (mixed)
    notes.push(
      'the capture mixes /sys/kernel/tracing/trace lines with trace-cmd report lines; read as one',
    );
  if (unreadable.length) {
    const shown = unreadable.slice(0, MAX_NOTED).map((n) => {
      const t = lines[n - 1]!.trim();
      return `${n} (${JSON.stringify(t.length > 60 ? `${t.slice(0, 60)}…` : t)})`;
    });
    const last = unreadable.at(-1) === lines.length || unreadable.at(-1) === lastNonBlank(lines);
    notes.push(
      `${unreadable.length} line${unreadable.length > 1 ? 's' : ''} could not be read and ${unreadable.length > 1 ? 'were' : 'was'} skipped: line ${shown.join(', line ')}${unreadable.length > MAX_NOTED ? ', …' : ''}${last && unreadable.length === 1 ? ' (the capture ends in the middle of a line)' : ''}`,
    );
  }
  if (exitsWithoutEntry)
    notes.push(
      `${exitsWithoutEntry} call end${exitsWithoutEntry > 1 ? 's' : ''} without a beginning: the capture started inside ${exitsWithoutEntry > 1 ? 'calls' : 'a call'}`,
    );
  const unresolved = countCalls(roots, (c) => c.unresolved);
  if (unresolved)
    notes.push(
      `${unresolved} call${unresolved > 1 ? 's are' : ' is'} shown as an address, not compared: the function's module or __init text was gone when names were looked up (a failed load frees the module; trace-cmd may miss __init functions)`,
    );
  const cut = countCalls(roots, (c) => c.open);
  if (cut)
    notes.push(
      `${cut} call${cut > 1 ? 's have' : ' has'} no end in the capture (cut off, or its events were lost)`,
    );
  return {
    ok: true,
    value: { format, roots, cpus: [...cpus].sort((a, b) => a - b), graphLines, notes },
  };
}

const lastNonBlank = (lines: readonly string[]): number => {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.trim()) return i + 1;
  return 0;
};

export function countCalls(roots: readonly FtraceCall[], pred: (c: FtraceCall) => boolean): number {
  let n = 0;
  const walk = (cs: readonly FtraceCall[]) => {
    for (const c of cs) {
      if (pred(c)) n++;
      walk(c.children);
    }
  };
  walk(roots);
  return n;
}
