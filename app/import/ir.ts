/**
 * What the importer reads out of a C function: its calls, guards, gotos, labels, returns and
 * assignments to watched globals, in source order, each with its line. Names, operators and
 * numbers only: no source text is kept, so the IR can be printed, diffed and stored freely.
 */

/** A condition, reduced to names and operators; anything else is "unknown" with its names. */
export type Cond =
  | { kind: 'ident'; name: string }
  | { kind: 'number'; value: string }
  | { kind: 'call'; callee: string; args: Arg[] }
  | { kind: 'not'; arg: Cond }
  | { kind: 'and' | 'or'; args: Cond[] }
  | { kind: 'cmp'; op: '<' | '<=' | '>' | '>=' | '==' | '!='; left: Cond; right: Cond }
  | { kind: 'unknown'; idents: string[] };

/** A call argument, summarised enough to tell one kmem cache (or lock, or mask) from another. */
export type Arg =
  | { kind: 'ident'; name: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: string }
  /** `&name` (name may be a member path such as `vcpu->arch.mmu`). */
  | { kind: 'addr'; name: string }
  | { kind: 'sizeof'; of: string }
  | { kind: 'call'; callee: string }
  | { kind: 'other'; idents: string[] };

/** What encloses a statement: an `if` branch, a loop (or a block macro), or a preprocessor branch. */
export type Guard =
  | { kind: 'if'; cond: Cond; branch: 'then' | 'else'; line: number }
  /** `for`, `while`, `do`, or a block macro that tree-sitter reads as a nested definition. */
  | { kind: 'loop'; name: string; line: number }
  | { kind: 'switch'; idents: string[]; line: number }
  | { kind: 'preproc'; directive: string; idents: string[]; branch: 'then' | 'else'; line: number };

export type ReturnValue =
  | { kind: 'none' }
  | { kind: 'number'; value: string }
  /** `-ENOMEM` and friends: the errno name without the minus. */
  | { kind: 'errno'; name: string }
  | { kind: 'ident'; name: string }
  | { kind: 'call'; callee: string }
  | { kind: 'other'; idents: string[] };

/** Where a failed call goes: the goto or return of the `if` that tests its result. */
export type ErrorEdge =
  | { kind: 'goto'; label: string; line: number }
  | { kind: 'return'; value: ReturnValue; line: number };

/** How an indirect call was spelled; the callee is then normalised to `@op`. */
export type Via = 'member' | 'static_call' | 'static_call_cond' | 'kvm_x86_call' | 'pointer';

interface At {
  line: number;
  /** Innermost last. */
  guards: Guard[];
  /** The error label whose code this is (the last label above it), or null in the main body. */
  label: string | null;
}

export interface CallItem extends At {
  kind: 'call';
  /** A function or macro name, or `@hardware_setup` for a call through the vendor ops. */
  callee: string;
  via?: Via;
  /** For member calls: the object, e.g. `ops` in `ops->hardware_setup()`. */
  object?: string;
  args: Arg[];
  /** The second argument list of a curried macro call such as `guard(mutex)(&lock)`. */
  args2?: Arg[];
  /** statement: the whole statement, an assignment's or initialiser's value, or a return value. */
  position: 'statement' | 'condition' | 'nested';
  assignedTo?: string;
  /** The call's result is the function's return value (`return f();`). */
  returned?: true;
  onError?: ErrorEdge;
}

export interface GotoItem extends At {
  kind: 'goto';
  target: string;
}

export interface LabelItem extends At {
  kind: 'label';
  name: string;
}

export interface ReturnItem extends At {
  kind: 'return';
  value: ReturnValue;
}

/** An assignment to one of the watched globals (e.g. `enable_ept`, `tdp_enabled`). */
export interface AssignItem extends At {
  kind: 'assign';
  target: string;
  op: string;
  value: Cond;
}

export type Item = CallItem | GotoItem | LabelItem | ReturnItem | AssignItem;

export interface ParseError {
  kind: 'ERROR' | 'MISSING';
  line: number;
  endLine: number;
}

export interface ExtractedFunction {
  name: string;
  file: string;
  /** Line of the function's name in its definition (1-based), as in the engine's line tables. */
  line: number;
  endLine: number;
  /** The return type without storage classes and attributes, e.g. "int" or "struct kvm *". */
  returns: string;
  /**
   * 'misparsed': an attribute such as `void __init f(void)` split the header, and the name was
   * recovered from the fragment tree-sitter made of it.
   */
  header: 'ok' | 'misparsed';
  items: Item[];
  /** Tree-sitter ERROR and MISSING nodes inside the definition (header included). */
  errors: ParseError[];
}

/** A struct of function pointers filled by designated initialisers, e.g. `.hardware_setup = f`. */
export interface OpsTable {
  /** The variable, e.g. `vmx_init_ops`. */
  name: string;
  /** Its struct type, e.g. `kvm_x86_init_ops`. */
  struct: string;
  line: number;
  /** The watched fields it sets to a function name. */
  fields: Record<string, { fn: string; line: number }>;
}

export interface FileExtraction {
  file: string;
  lines: number;
  /** Every ERROR and MISSING node of the file. */
  errors: ParseError[];
  functions: ExtractedFunction[];
  /** Asked-for names with no definition in this file. */
  missing: string[];
  /** Asked-for names defined more than once (e.g. in #ifdef branches); the first is used. */
  duplicates: string[];
  /** Tables that set one of the watched op fields. */
  opsTables: OpsTable[];
}

/** One kernel tree, imported. */
export interface TreeImport {
  /** The tree's `make kernelversion`, e.g. "6.12.118". */
  version: string;
  files: FileExtraction[];
  /** Modelled files the tree does not have (e.g. vmx/main.c before v6.10). */
  absent: string[];
}
