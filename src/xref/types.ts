/**
 * The shapes of the cross-linker's data: the C inventory, the TS inventory, and the model that
 * joins them (written as JSON for the site). Paths are relative: C paths to the C tree root
 * (`src/subs.c`), TS paths to the repository root (`src/broker/subs.ts`). Lines are 1-based.
 */

/** One C function definition. */
export interface CFunction {
  file: string;
  name: string;
  /** Line of the function's name (what ctags reports). */
  line: number;
  /** First and last line of the definition (return type to closing brace). */
  start: number;
  end: number;
  signature: string;
  /** The comment block right above the definition, if any. */
  comment: string | null;
  /** Names of the functions and function-like macros called in the body, in first-call order. */
  calls: string[];
  static: boolean;
  /** Set when the definition sits in an arm the build configuration drops: that arm's condition. */
  condition: string | null;
}

export interface CField {
  name: string;
  type: string;
  line: number;
}

export interface CStruct {
  file: string;
  name: string;
  line: number;
  fields: CField[];
}

/** A `#define`: a constant (`params` null) or a function-like macro. */
export interface CDefine {
  file: string;
  name: string;
  line: number;
  params: string[] | null;
  value: string;
}

/** A call to a logging function with a literal format. */
export interface CLogFormat {
  file: string;
  line: number;
  function: string | null;
  level: string;
  format: string;
}

/** A string literal found at a place the cross-linker cares about (config option, $SYS topic). */
export interface CLiteral {
  file: string;
  line: number;
  function: string | null;
  value: string;
}

/** What one C file holds. */
export interface CFileInventory {
  file: string;
  functions: CFunction[];
  structs: CStruct[];
  defines: CDefine[];
  logs: CLogFormat[];
  /** `"$SYS/..."` string literals. */
  sysTopics: CLiteral[];
  /** Literals compared with the config line's `token` (conf.c only). */
  configOptions: CLiteral[];
  /** Tree-sitter ERROR or MISSING nodes left after preprocessing (line numbers). */
  parseErrors: number[];
}

/** Doc tags the port uses on its functions. */
export interface TsTags {
  /** `@c <path> <name>`, split. */
  c: { path: string; name: string } | null;
  adapted: string | null;
  tsonly: string | null;
}

export type TsKind = 'function' | 'method' | 'arrow' | 'class' | 'interface' | 'type';

/** One TS declaration: a function, method or exported arrow function; or a class/interface. */
export interface TsFunction {
  file: string;
  name: string;
  kind: TsKind;
  /** Class name for methods. */
  owner: string | null;
  line: number;
  start: number;
  end: number;
  exported: boolean;
  signature: string;
  /** The first line of the doc comment (the summary). */
  summary: string | null;
  tags: TsTags;
  calls: string[];
}

export interface TsFileInventory {
  file: string;
  functions: TsFunction[];
  /** Names compared with `token` in `token === '...'` (conf.ts). */
  configOptions: string[];
  /** String and template literals starting with `$SYS/`, templates with `${}` as `%s`. */
  sysTopics: { line: number; value: string }[];
  parseErrors: number[];
}
