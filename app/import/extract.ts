/**
 * Pure extraction: from a tree-sitter C syntax tree to the importer's IR (./ir.ts). No file
 * system and no wasm loading here, so this can run in a worker once a parser is loaded.
 *
 * Kernel C is parsed without preprocessing, so macros leave marks in the tree: block macros
 * (`for_each_online_cpu(cpu) { … }`) come out as nested function definitions, attributes such
 * as `__init` can split a definition's header, and some statements become ERROR nodes. Each case
 * is handled where it shows up below; docs/importer.md measures how often they occur.
 */
import type { Node } from 'web-tree-sitter';
import type {
  Arg,
  CallItem,
  Cond,
  ErrorEdge,
  ExtractedFunction,
  FileExtraction,
  Guard,
  Item,
  OpsTable,
  ParseError,
  ReturnValue,
  Via,
} from './ir';

export interface ExtractOptions {
  /** Globals whose assignments are reported (e.g. `enable_ept`, `tdp_enabled`). */
  globals?: readonly string[];
  /** Op fields whose designated initialisers are reported (e.g. `hardware_setup`). */
  opsFields?: readonly string[];
}

const line = (n: Node): number => n.startPosition.row + 1;
const named = (n: Node): Node[] => n.namedChildren.filter((c) => c.type !== 'comment');
const unique = (xs: string[]): string[] => [...new Set(xs)];

/** Names a node mentions, in source order: what an "unknown" condition or argument keeps. */
function identsOf(n: Node): string[] {
  if (n.type === 'identifier' || n.type === 'field_identifier' || n.type === 'type_identifier')
    return [n.text];
  return unique(
    n.descendantsOfType(['identifier', 'field_identifier', 'type_identifier']).map((d) => d.text),
  );
}

function unparen(n: Node): Node {
  let cur = n;
  while (cur.type === 'parenthesized_expression' && named(cur).length === 1) cur = named(cur)[0]!;
  return cur;
}

/** `a`, `a.b`, `a->b.c`, `*a`: a name path, or null for anything else. */
function pathOf(n: Node): string | null {
  const x = unparen(n);
  switch (x.type) {
    case 'identifier':
    case 'field_identifier':
    case 'true':
    case 'false':
    case 'null':
      return x.text;
    case 'field_expression': {
      const base = x.childForFieldName('argument');
      const field = x.childForFieldName('field');
      const op = x.childForFieldName('operator')?.text ?? (x.text.includes('->') ? '->' : '.');
      const head = base && pathOf(base);
      return head && field ? `${head}${op}${field.text}` : null;
    }
    case 'pointer_expression': {
      const arg = x.childForFieldName('argument');
      const op = x.childForFieldName('operator')?.text;
      const inner = arg && pathOf(arg);
      return inner && op === '*' ? `*${inner}` : null;
    }
    default:
      return null;
  }
}

const CMP = new Set(['<', '<=', '>', '>=', '==', '!=']);

type Atom = { kind: 'ident'; name: string } | { kind: 'number'; value: string };

/** A name path or a number: what conditions and arguments share. */
function atom(x: Node): Atom | null {
  const path = pathOf(x);
  if (path !== null) return { kind: 'ident', name: path };
  return x.type === 'number_literal' ? { kind: 'number', value: x.text } : null;
}

/** A condition or value, reduced to names and operators. */
export function toCond(n: Node): Cond {
  const x = unparen(n);
  const a = atom(x);
  if (a) return a;
  switch (x.type) {
    case 'call_expression': {
      const c = calleeOf(x);
      return { kind: 'call', callee: c.callee, args: c.args };
    }
    case 'unary_expression': {
      const op = x.childForFieldName('operator')?.text;
      const arg = x.childForFieldName('argument');
      if (op === '!' && arg) return { kind: 'not', arg: toCond(arg) };
      if (op === '-' && arg?.type === 'number_literal')
        return { kind: 'number', value: `-${arg.text}` };
      break;
    }
    case 'binary_expression': {
      const op = x.childForFieldName('operator')?.text ?? '';
      const l = x.childForFieldName('left');
      const r = x.childForFieldName('right');
      if (!l || !r) break;
      if (op === '&&' || op === '||') {
        const kind = op === '&&' ? 'and' : 'or';
        const flat = (c: Cond): Cond[] => (c.kind === kind ? c.args : [c]);
        return { kind, args: [...flat(toCond(l)), ...flat(toCond(r))] };
      }
      if (CMP.has(op))
        return {
          kind: 'cmp',
          op: op as '<' | '<=' | '>' | '>=' | '==' | '!=',
          left: toCond(l),
          right: toCond(r),
        };
      break;
    }
  }
  return { kind: 'unknown', idents: identsOf(x) };
}

function toArg(n: Node): Arg {
  const x = unparen(n);
  const a = atom(x);
  if (a) return a;
  switch (x.type) {
    case 'string_literal':
      return { kind: 'string', value: x.text.slice(1, -1) };
    case 'concatenated_string':
      return {
        kind: 'string',
        value: named(x)
          .filter((s) => s.type === 'string_literal')
          .map((s) => s.text.slice(1, -1))
          .join(''),
      };
    case 'pointer_expression': {
      const arg = x.childForFieldName('argument');
      const target = arg && pathOf(arg);
      if (x.childForFieldName('operator')?.text === '&' && target)
        return { kind: 'addr', name: target };
      break;
    }
    case 'sizeof_expression': {
      const t = x.childForFieldName('type') ?? x.childForFieldName('value');
      if (t) return { kind: 'sizeof', of: t.text.replace(/\s+/g, ' ').replace(/^\(|\)$/g, '') };
      break;
    }
    case 'call_expression':
      return { kind: 'call', callee: calleeOf(x).callee };
  }
  return { kind: 'other', idents: identsOf(x) };
}

const argsOf = (list: Node | null): Arg[] => (list ? named(list).map(toArg) : []);

/** Macros that call an op of kvm_x86_ops by name: `static_call(kvm_x86_X)`, `kvm_x86_call(X)`. */
const OP_MACROS: Record<string, Via> = {
  static_call: 'static_call',
  static_call_cond: 'static_call_cond',
  kvm_x86_call: 'kvm_x86_call',
};

interface Callee {
  callee: string;
  via?: Via;
  object?: string;
  args: Arg[];
  args2?: Arg[];
}

/** Who a call calls, with indirect calls through the vendor ops normalised to `@op`. */
function calleeOf(call: Node): Callee {
  const f = call.childForFieldName('function');
  const args = argsOf(call.childForFieldName('arguments'));
  if (!f) return { callee: '?', args };
  if (f.type === 'identifier') return { callee: f.text, args };
  if (f.type === 'field_expression') {
    const field = f.childForFieldName('field')?.text ?? '?';
    const base = f.childForFieldName('argument');
    const object = base && pathOf(base);
    return { callee: `@${field}`, via: 'member', ...(object ? { object } : {}), args };
  }
  if (f.type === 'call_expression') {
    const inner = f.childForFieldName('function');
    const innerArgs = named(f.childForFieldName('arguments') ?? f);
    const via = inner?.type === 'identifier' ? OP_MACROS[inner.text] : undefined;
    if (via && innerArgs.length === 1 && innerArgs[0]!.type === 'identifier') {
      const name = innerArgs[0]!.text;
      const op = via === 'kvm_x86_call' ? name : name.replace(/^kvm_x86_/, '');
      return { callee: `@${op}`, via, args };
    }
    // A curried macro such as guard(mutex)(&lock): the macro is the callee.
    const c = calleeOf(f);
    return { ...c, args2: args };
  }
  const target = pathOf(f);
  return { callee: target ? `@${target.replace(/^\*/, '')}` : '?', via: 'pointer', args };
}

function returnValue(n: Node | undefined): ReturnValue {
  if (!n) return { kind: 'none' };
  const x = unparen(n);
  if (x.type === 'number_literal') return { kind: 'number', value: x.text };
  if (x.type === 'identifier') return { kind: 'ident', name: x.text };
  if (x.type === 'call_expression') return { kind: 'call', callee: calleeOf(x).callee };
  if (x.type === 'unary_expression' && x.childForFieldName('operator')?.text === '-') {
    const arg = x.childForFieldName('argument');
    if (arg?.type === 'identifier' && /^E[A-Z0-9]+$/.test(arg.text))
      return { kind: 'errno', name: arg.text };
    if (arg?.type === 'number_literal') return { kind: 'number', value: `-${arg.text}` };
  }
  return { kind: 'other', idents: identsOf(x) };
}

/** Calls that only wrap the value they test: `if (WARN_ON_ONCE(r))` tests r. */
const TRANSPARENT = new Set(['WARN_ON', 'WARN_ON_ONCE', 'unlikely', 'likely']);
const ERR_TESTS = new Set(['IS_ERR', 'IS_ERR_OR_NULL']);
const ZERO = new Set(['0', 'NULL']);

/**
 * The values a condition treats as failed when it is true: `r`, `!p`, `r < 0`, `r != 0`,
 * `p == NULL`, `IS_ERR(p)`, each side of an `||`. Returns the tested value nodes.
 */
function errorTested(cond: Node): Node[] {
  const x = unparen(cond);
  if (x.type === 'call_expression') {
    const f = x.childForFieldName('function');
    const args = named(x.childForFieldName('arguments') ?? x);
    if (f?.type === 'identifier' && args[0]) {
      if (TRANSPARENT.has(f.text)) return errorTested(args[0]);
      if (ERR_TESTS.has(f.text)) return [unparen(args[0])];
    }
    return [x];
  }
  if (x.type === 'binary_expression') {
    const op = x.childForFieldName('operator')?.text;
    const l = x.childForFieldName('left');
    const r = x.childForFieldName('right');
    if (!l || !r) return [];
    if (op === '||') return [...errorTested(l), ...errorTested(r)];
    const rhs = unparen(r).text;
    if ((op === '<' && rhs === '0') || ((op === '!=' || op === '==') && ZERO.has(rhs))) {
      // `p == NULL` fails when p is NULL; `r != 0` and `r < 0` when r is set.
      return [unparen(l)];
    }
    return [];
  }
  if (x.type === 'unary_expression' && x.childForFieldName('operator')?.text === '!') {
    const arg = x.childForFieldName('argument');
    return arg ? [unparen(arg)] : [];
  }
  return pathOf(x) !== null ? [x] : [];
}

/** The goto or non-zero return that ends an error branch, if the branch is one. */
function errorExit(stmt: Node | null): ErrorEdge | null {
  if (!stmt) return null;
  if (stmt.type === 'goto_statement') {
    const label = stmt.childForFieldName('label')?.text;
    return label ? { kind: 'goto', label, line: line(stmt) } : null;
  }
  if (stmt.type === 'return_statement') {
    const value = returnValue(named(stmt)[0]);
    const success = value.kind === 'none' || (value.kind === 'number' && value.value === '0');
    return success ? null : { kind: 'return', value, line: line(stmt) };
  }
  if (stmt.type === 'compound_statement') return errorExit(named(stmt).at(-1) ?? null);
  return null;
}

/** A call whose result was just stored in `variable`, waiting for the `if` that tests it. */
interface Pending {
  call: CallItem;
  variable: string;
}

type Position = CallItem['position'];

class FunctionWalker {
  readonly items: Item[] = [];
  private label: string | null = null;
  /** Call items by their node's id, to attach error edges found later. */
  private readonly byNode = new Map<number, CallItem>();

  constructor(private readonly globals: ReadonlySet<string>) {}

  statements(nodes: Node[], guards: Guard[]): void {
    let pending: Pending | null = null;
    for (let i = 0; i < nodes.length; i++) {
      const s = nodes[i]!;
      const macro = blockMacro(s);
      const next = nodes[i + 1];
      if (macro && next) {
        // `list_for_each_entry(…) stmt;` reads as a call missing its `;`: it guards the next statement.
        this.statement(next, [...guards, { kind: 'loop', name: macro, line: line(s) }], null);
        i++;
        pending = null;
        continue;
      }
      pending = this.statement(s, guards, pending);
    }
  }

  private at(n: Node, guards: Guard[]) {
    return { line: line(n), guards, label: this.label };
  }

  /** Handles one statement; returns a call whose result the next statement may test. */
  private statement(s: Node, guards: Guard[], pending: Pending | null): Pending | null {
    switch (s.type) {
      case 'compound_statement':
        this.statements(named(s), guards);
        return null;
      case 'expression_statement': {
        const e = named(s)[0];
        if (!e) return null;
        if (e.type === 'assignment_expression') {
          const target = pathOf(e.childForFieldName('left') ?? e);
          const right = e.childForFieldName('right');
          const call = right ? this.expression(right, guards, 'statement') : null;
          this.assignment(e, guards);
          if (call && target) {
            call.assignedTo = target;
            return { call, variable: target };
          }
          return null;
        }
        this.expression(e, guards, 'statement');
        return null;
      }
      case 'declaration': {
        const type = s.childForFieldName('type');
        if (type?.type === 'macro_type_specifier') {
          // `for_each_possible_cpu(cpu) f(x);` reads as a declaration of f with a macro type.
          const loop: Guard = {
            kind: 'loop',
            name: type.childForFieldName('name')?.text ?? '?',
            line: line(s),
          };
          for (const d of s.childrenForFieldName('declarator'))
            if (d.type === 'function_declarator') this.macroCall(d, [...guards, loop]);
          return null;
        }
        let last: Pending | null = null;
        for (const d of s.childrenForFieldName('declarator')) {
          if (d.type !== 'init_declarator') continue;
          const value = d.childForFieldName('value');
          const call = value ? this.expression(value, guards, 'statement') : null;
          const name = declaredName(d.childForFieldName('declarator'));
          if (call && name) {
            call.assignedTo = name;
            last = { call, variable: name };
          }
        }
        return last;
      }
      case 'if_statement':
        this.ifStatement(s, guards, pending);
        return null;
      case 'return_statement': {
        const e = named(s)[0];
        const call = e ? this.expression(e, guards, 'statement') : null;
        if (call) call.returned = true;
        this.items.push({ kind: 'return', value: returnValue(e), ...this.at(s, guards) });
        return null;
      }
      case 'goto_statement': {
        const target = s.childForFieldName('label')?.text ?? '?';
        this.items.push({ kind: 'goto', target, ...this.at(s, guards) });
        return null;
      }
      case 'labeled_statement': {
        const name = s.childForFieldName('label')?.text ?? '?';
        this.label = name;
        this.items.push({ kind: 'label', name, ...this.at(s, guards) });
        const inner = named(s).filter((c) => c.type !== 'statement_identifier');
        let p: Pending | null = null;
        for (const c of inner) p = this.statement(c, guards, p);
        return p;
      }
      case 'for_statement':
      case 'while_statement':
      case 'do_statement': {
        const body = s.childForFieldName('body');
        for (const c of named(s)) if (c.id !== body?.id) this.expression(c, guards, 'condition');
        if (body)
          this.statement(
            body,
            [...guards, { kind: 'loop', name: s.type.split('_')[0]!, line: line(s) }],
            null,
          );
        return null;
      }
      case 'switch_statement': {
        const cond = s.childForFieldName('condition');
        if (cond) this.expression(cond, guards, 'condition');
        const g: Guard = { kind: 'switch', idents: cond ? identsOf(cond) : [], line: line(s) };
        const body = s.childForFieldName('body');
        if (body) this.statements(named(body), [...guards, g]);
        return null;
      }
      case 'case_statement': {
        const value = s.childForFieldName('value');
        this.statements(
          named(s).filter((c) => c.id !== value?.id),
          guards,
        );
        return null;
      }
      case 'function_definition': {
        // A real definition swallowed by a misparse belongs to itself, not to this function.
        if (definitionName(s)?.header === 'ok') return null;
        // A block macro (for_each_*(cpu) { … }) read as a definition.
        const name = s.childForFieldName('type')?.text ?? '?';
        const body = s.childForFieldName('body');
        if (body) this.statement(body, [...guards, { kind: 'loop', name, line: line(s) }], null);
        return null;
      }
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_elif':
      case 'preproc_elifdef':
        this.preproc(s, guards);
        return null;
      case 'preproc_call':
      case 'preproc_def':
      case 'preproc_function_def':
      case 'preproc_include':
      case 'break_statement':
      case 'continue_statement':
        return null;
      case 'ERROR':
        // Keep what tree-sitter could still read inside: statements, or at least their calls.
        for (const c of named(s)) this.statement(c, guards, null);
        return null;
      default:
        this.expression(s, guards, 'nested');
        return null;
    }
  }

  private ifStatement(s: Node, guards: Guard[], pending: Pending | null): void {
    const condNode = s.childForFieldName('condition');
    const consequence = s.childForFieldName('consequence');
    const alternative = s.childForFieldName('alternative');
    if (condNode) this.expression(condNode, guards, 'condition');
    const cond: Cond = condNode ? toCond(condNode) : { kind: 'unknown', idents: [] };
    const exit = errorExit(consequence);
    if (exit && condNode) {
      const tested = errorTested(condNode);
      if (pending && tested.some((t) => pathOf(t) === pending.variable))
        pending.call.onError ??= exit;
      for (const t of tested) {
        const call = t.type === 'call_expression' ? this.byNode.get(t.id) : undefined;
        if (call) call.onError ??= exit;
      }
    }
    const at = line(s);
    if (consequence)
      this.statement(
        consequence,
        [...guards, { kind: 'if', cond, branch: 'then', line: at }],
        null,
      );
    if (alternative) {
      const body = alternative.type === 'else_clause' ? named(alternative)[0] : alternative;
      if (body)
        this.statement(body, [...guards, { kind: 'if', cond, branch: 'else', line: at }], null);
    }
  }

  private preproc(s: Node, guards: Guard[]): void {
    const directive = s.child(0)?.text ?? '#if';
    const cond = s.childForFieldName('condition') ?? s.childForFieldName('name');
    const alternative = s.childForFieldName('alternative');
    const idents = cond ? identsOf(cond) : [];
    const g = (branch: 'then' | 'else'): Guard => ({
      kind: 'preproc',
      directive,
      idents,
      branch,
      line: line(s),
    });
    const body = named(s).filter((c) => c.id !== cond?.id && c.id !== alternative?.id);
    this.statements(body, [...guards, g('then')]);
    if (!alternative) return;
    if (alternative.type === 'preproc_else')
      this.statements(named(alternative), [...guards, g('else')]);
    else this.preproc(alternative, [...guards, g('else')]);
  }

  /** Emits the calls of an expression in source order; returns the call it is, if it is one. */
  private expression(n: Node, guards: Guard[], position: Position): CallItem | null {
    const top = unparen(n);
    let result: CallItem | null = null;
    const visit = (x: Node): void => {
      if (x.type === 'call_expression') {
        const isTop = x.id === top.id;
        const item = this.call(x, guards, isTop || position === 'condition' ? position : 'nested');
        if (isTop) result = item;
        const f = x.childForFieldName('function');
        // A curried macro's first argument list belongs to the same call.
        if (f?.type === 'call_expression')
          named(f.childForFieldName('arguments') ?? f).forEach(visit);
        else if (f && f.type !== 'identifier') visit(f);
        named(x.childForFieldName('arguments') ?? x).forEach(visit);
        return;
      }
      if (x.type === 'assignment_expression') {
        const right = x.childForFieldName('right');
        if (right) visit(right);
        this.assignment(x, guards);
        return;
      }
      if (x.type === 'function_definition' || x.type === 'compound_statement') {
        this.statement(x, guards, null);
        return;
      }
      named(x).forEach(visit);
    };
    visit(top);
    return result;
  }

  private call(n: Node, guards: Guard[], position: Position): CallItem {
    const c = calleeOf(n);
    const item: CallItem = {
      kind: 'call',
      callee: c.callee,
      ...(c.via ? { via: c.via } : {}),
      ...(c.object ? { object: c.object } : {}),
      args: c.args,
      ...(c.args2 ? { args2: c.args2 } : {}),
      position,
      ...this.at(n, guards),
    };
    this.items.push(item);
    this.byNode.set(n.id, item);
    return item;
  }

  /** The call hidden in a declarator by a statement macro: its parameters are the arguments. */
  private macroCall(d: Node, guards: Guard[]): void {
    const callee = d.childForFieldName('declarator')?.text ?? '?';
    const params = named(d.childForFieldName('parameters') ?? d);
    const args = params.map((p): Arg => {
      const only = named(p);
      return only.length === 1 && only[0]!.type === 'type_identifier'
        ? { kind: 'ident', name: only[0]!.text }
        : { kind: 'other', idents: identsOf(p) };
    });
    this.items.push({ kind: 'call', callee, args, position: 'statement', ...this.at(d, guards) });
  }

  private assignment(e: Node, guards: Guard[]): void {
    const left = e.childForFieldName('left');
    const target = left && pathOf(left);
    const right = e.childForFieldName('right');
    if (!target || !right || !watched(this.globals, target)) return;
    this.items.push({
      kind: 'assign',
      target,
      op: e.childForFieldName('operator')?.text ?? '=',
      value: toCond(right),
      ...this.at(e, guards),
    });
  }
}

/**
 * The name of a block macro used without braces (`list_for_each_entry(…) stmt;`), which
 * tree-sitter reads as a call statement missing its `;`.
 */
function blockMacro(s: Node): string | null {
  if (s.type !== 'expression_statement' || !s.children.some((c) => c.isMissing)) return null;
  const call = named(s)[0];
  const f = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  return f?.type === 'identifier' ? f.text : null;
}

/** A watched global, or a member of one (`kvm_x86_ops.hardware_enable` for `kvm_x86_ops`). */
const watched = (globals: ReadonlySet<string>, target: string): boolean =>
  globals.has(target) || globals.has(target.split(/\.|->/)[0]!);

/** The identifier a (possibly nested) declarator declares. */
function declaredName(d: Node | null): string | null {
  let cur = d;
  while (cur) {
    if (cur.type === 'identifier') return cur.text;
    cur =
      cur.childForFieldName('declarator') ??
      named(cur).find((c) => /declarator|identifier/.test(c.type)) ??
      null;
  }
  return null;
}

interface Definition {
  name: string;
  nameNode: Node;
  header: 'ok' | 'misparsed';
}

/**
 * A definition's name: walk `declarator` fields (function, pointer, parenthesized declarators)
 * down to the identifier. When no function declarator is on the way, an attribute split the
 * header (`void __init f(void)` reads as a declaration plus `f (void) { … }`): the name is
 * then the fragment's type.
 */
function definitionName(def: Node): Definition | null {
  let d = def.childForFieldName('declarator');
  let sawFunction = false;
  while (d) {
    if (d.type === 'function_declarator') sawFunction = true;
    if (d.type === 'identifier') {
      if (sawFunction) return { name: d.text, nameNode: d, header: 'ok' };
      break;
    }
    d =
      d.childForFieldName('declarator') ??
      named(d).find((c) => /declarator|identifier/.test(c.type)) ??
      null;
  }
  const t = def.childForFieldName('type');
  if (
    t?.type === 'type_identifier' &&
    def.childForFieldName('declarator')?.type === 'parenthesized_declarator'
  )
    return { name: t.text, nameNode: t, header: 'misparsed' };
  return null;
}

/** Storage classes and attribute macros that are not part of a return type. */
const NOT_TYPE = new Set([
  'static',
  'inline',
  'extern',
  'noinline',
  'notrace',
  'asmlinkage',
  'noinstr',
]);

function returnType(source: string, nameNode: Node): string {
  const lines = source.split('\n', nameNode.startPosition.row + 1);
  let head = lines[nameNode.startPosition.row]!.slice(0, nameNode.startPosition.column);
  if (!head.trim() && nameNode.startPosition.row > 0) head = lines[nameNode.startPosition.row - 1]!;
  return head
    .replace(/\*/g, ' * ')
    .split(/\s+/)
    .filter((w) => w && !NOT_TYPE.has(w) && !/^__\w+$/.test(w))
    .join(' ')
    .replace(/ \*/g, ' *')
    .replace(/\* \*/g, '**');
}

/** Every ERROR and MISSING node, searching only subtrees that contain one. */
export function parseErrors(root: Node): ParseError[] {
  const out: ParseError[] = [];
  const visit = (n: Node): void => {
    if (n.isMissing || n.isError)
      out.push({
        kind: n.isMissing ? 'MISSING' : 'ERROR',
        line: line(n),
        endLine: n.endPosition.row + 1,
      });
    if (n.hasError) for (const c of n.children) visit(c);
  };
  visit(root);
  return out;
}

/** Nodes that can hold top-level definitions: #if blocks, extern "C", and recovery nodes. */
const CONTAINERS = new Set([
  'preproc_if',
  'preproc_ifdef',
  'preproc_else',
  'preproc_elif',
  'preproc_elifdef',
  'linkage_specification',
  'declaration_list',
  'ERROR',
]);

/**
 * The file's function definitions. A tree cursor visits only the top level and the
 * containers above, which is several times faster than searching the whole tree. A misparse
 * can still swallow a definition into the one before it, so when a wanted name is not found
 * there but a line starting in column 0 (kernel style for a definition) names it, every
 * definition in the tree is searched as well.
 */
function definitions(root: Node, source: string, wanted: ReadonlySet<string>): Node[] {
  const out: Node[] = [];
  const c = root.walk();
  const visit = (): void => {
    if (!c.gotoFirstChild()) return;
    do {
      if (c.nodeType === 'function_definition') out.push(c.currentNode);
      else if (CONTAINERS.has(c.nodeType)) visit();
    } while (c.gotoNextSibling());
    c.gotoParent();
  };
  visit();
  c.delete();
  const names = new Set(out.map((d) => definitionName(d)?.name));
  const mayBeHidden = (n: string) => new RegExp(`^\\w.*\\b${n}\\s*\\(`, 'm').test(source);
  if (![...wanted].some((n) => !names.has(n) && mayBeHidden(n))) return out;
  const top = new Set(out.map((d) => d.id));
  return [...out, ...root.descendantsOfType('function_definition').filter((d) => !top.has(d.id))];
}

/**
 * Top-level tables such as `struct kvm_x86_init_ops vmx_init_ops = { .hardware_setup = f }`.
 * An attribute after the name (`__initdata`) can take the declarator's place; the real name is
 * then the identifier tree-sitter put in an ERROR node beside it.
 */
function opsTables(root: Node, fields: ReadonlySet<string>): OpsTable[] {
  const tables: OpsTable[] = [];
  if (!fields.size) return tables;
  // Declarations at the top level, or inside #if blocks and the ERROR nodes a misparse
  // leaves (v6.0.19's vmx.c has one spanning most of the file).
  const topLevel: Node[] = [];
  const collect = (n: Node): void => {
    for (const c of n.namedChildren)
      if (CONTAINERS.has(c.type)) collect(c);
      else topLevel.push(c);
  };
  collect(root);
  for (const decl of topLevel) {
    if (decl.type !== 'declaration') continue;
    const struct = decl.childForFieldName('type');
    const init = decl.childForFieldName('declarator');
    const list = init?.type === 'init_declarator' ? init.childForFieldName('value') : null;
    if (struct?.type !== 'struct_specifier' || list?.type !== 'initializer_list') continue;
    const set: OpsTable['fields'] = {};
    for (const pair of named(list)) {
      const field = pair.childForFieldName('designator');
      const value = pair.childForFieldName('value');
      const name = field?.type === 'field_designator' ? named(field)[0]?.text : undefined;
      if (name && fields.has(name) && value?.type === 'identifier')
        set[name] = { fn: value.text, line: line(pair) };
    }
    if (!Object.keys(set).length) continue;
    let name = declaredName(init!.childForFieldName('declarator'));
    if (!name || /^__\w+$/.test(name))
      name = named(decl).find((c) => c.type === 'ERROR')?.text ?? name;
    tables.push({
      name: name ?? '?',
      struct: struct.childForFieldName('name')?.text ?? '?',
      line: line(decl),
      fields: set,
    });
  }
  return tables;
}

/** Extracts the named functions of one parsed C file. */
export function extractFile(
  root: Node,
  source: string,
  file: string,
  names: readonly string[],
  o: ExtractOptions = {},
): FileExtraction {
  const wanted = new Set(names);
  const globals = new Set(o.globals ?? []);
  const errors = parseErrors(root);
  const found = new Map<string, ExtractedFunction>();
  const duplicates = new Set<string>();
  for (const def of definitions(root, source, wanted)) {
    const d = definitionName(def);
    if (!d || !wanted.has(d.name)) continue;
    if (found.has(d.name)) {
      duplicates.add(d.name);
      continue;
    }
    const walker = new FunctionWalker(globals);
    const body = def.childForFieldName('body');
    if (body) walker.statements(named(body), []);
    const first = line(d.header === 'ok' ? def : d.nameNode);
    const last = def.endPosition.row + 1;
    found.set(d.name, {
      name: d.name,
      file,
      line: line(d.nameNode),
      endLine: last,
      returns: returnType(source, d.nameNode),
      header: d.header,
      items: walker.items,
      errors: errors.filter((e) => e.line >= first && e.endLine <= last),
    });
  }
  return {
    file,
    lines: root.endPosition.row + 1,
    errors: errors,
    functions: names.flatMap((n) => found.get(n) ?? []),
    missing: names.filter((n) => !found.has(n)),
    duplicates: [...duplicates],
    opsTables: opsTables(root, new Set(o.opsFields ?? [])),
  };
}
