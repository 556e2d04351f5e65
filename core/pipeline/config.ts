// Reading one processor's or transform's YAML options: typed getters whose errors name the processor, the option and the YAML line.
import { PipelineError } from '../errors.ts';

/** Where a YAML node sits, for error messages (1-based). */
export interface YamlPos {
  line: number;
  column: number;
}

/** One field of `field` / `fields`: `a` reads and writes a; `a, b` reads a and writes b (GreptimeDB's renaming form). */
export interface FieldSpec {
  input: string;
  output: string;
}

export function parseField(text: string): FieldSpec {
  const parts = text.split(',').map((s) => s.trim());
  const input = parts[0] ?? '';
  return { input, output: parts[1] !== undefined && parts[1] !== '' ? parts[1] : input };
}

/** The options of one processor (or transform entry) with the helpers that check them. */
export class Options {
  constructor(
    readonly what: string,
    readonly raw: Record<string, unknown>,
    readonly pos: YamlPos | undefined,
    readonly posOf: (key: string) => YamlPos | undefined = () => undefined,
  ) {}

  error(message: string, key?: string): PipelineError {
    const p = (key !== undefined ? this.posOf(key) : undefined) ?? this.pos;
    return new PipelineError(`${this.what}: ${message}`, p);
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }

  string(key: string, dflt?: string): string {
    const v = this.raw[key];
    if (v === undefined || v === null) {
      if (dflt !== undefined) return dflt;
      throw this.error(`option '${key}' is required`);
    }
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw this.error(`option '${key}' must be a string`, key);
  }

  bool(key: string, dflt: boolean): boolean {
    const v = this.raw[key];
    if (v === undefined || v === null) return dflt;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    throw this.error(`option '${key}' must be true or false`, key);
  }

  int(key: string, dflt?: number): number | undefined {
    const v = this.raw[key];
    if (v === undefined || v === null) return dflt;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    throw this.error(`option '${key}' must be an integer`, key);
  }

  strings(key: string, required = false): string[] {
    const v = this.raw[key];
    if (v === undefined || v === null) {
      if (required) throw this.error(`option '${key}' is required`);
      return [];
    }
    if (typeof v === 'string') return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.map(String);
    throw this.error(`option '${key}' must be a string or a list of strings`, key);
  }

  /** `field` or `fields` (exactly one of them, at least one name). */
  fields(): FieldSpec[] {
    const list = this.has('field') ? this.strings('field') : this.strings('fields');
    if (this.has('field') && this.has('fields')) throw this.error("give 'field' or 'fields', not both", 'fields');
    if (list.length === 0) throw this.error("option 'field' or 'fields' is required");
    return list.map((f) => {
      const spec = parseField(f);
      if (!spec.input) throw this.error(`empty field name in '${f}'`, this.has('field') ? 'field' : 'fields');
      return spec;
    });
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], dflt?: T): T {
    const v = this.string(key, dflt).toLowerCase();
    if (!(allowed as readonly string[]).includes(v)) throw this.error(`option '${key}' must be one of ${allowed.join(', ')}, got '${v}'`, key);
    return v as T;
  }

  /** Fails on an option the processor does not know (a typo would otherwise be ignored silently). */
  only(keys: string[]): void {
    for (const k of Object.keys(this.raw)) if (!keys.includes(k)) throw this.error(`unknown option '${k}' (known: ${keys.join(', ')})`, k);
  }
}
