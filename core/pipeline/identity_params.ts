// greptime_identity's request parameters (the `x-greptime-pipeline-params` header, or query parameters):
// `custom_time_index=<field>;epoch;<s|ms|us|ns>` or `<field>;datestr;<strftime format>` makes a field of the data the
// time index instead of the arrival time; `flatten_json_object=true` / `max_nested_levels=<n>` flatten nested objects
// into `a.b.c` columns (arrays and what lies deeper than the limit as JSON text), as GreptimeDB's identity does.
import { InvalidArgumentError } from '../errors.ts';
import { compilePipeline, identityPipeline, type CompiledPipeline } from './compile.ts';
import { RESOLUTIONS } from './processors/date.ts';

export interface IdentityParams {
  customTimeIndex?: string;
  /** Flatten nested objects up to this many levels (undefined: keep them as JSON columns). */
  flattenLevels?: number;
}

/** `a=b&c=d` (the header's form) merged over the query's parameters of the same names. */
export function identityParams(header: string | undefined, query: URLSearchParams): IdentityParams {
  const h = new URLSearchParams(header ?? '');
  const get = (k: string) => h.get(k) ?? query.get(k) ?? undefined;
  const out: IdentityParams = {};
  const cti = get('custom_time_index');
  if (cti) out.customTimeIndex = cti;
  const levels = get('max_nested_levels');
  if (levels !== undefined) {
    if (!/^\d+$/.test(levels) || Number(levels) < 1) throw new InvalidArgumentError(`max_nested_levels must be a positive integer, got '${levels}'`);
    out.flattenLevels = Number(levels);
  } else if (get('flatten_json_object') === 'true') out.flattenLevels = 10;
  return out;
}

const compiled = new Map<string, CompiledPipeline>();

/** greptime_identity with a custom time index: the field parsed as an epoch or a date string, the rest inferred. */
export function identityWith(p: IdentityParams): CompiledPipeline {
  if (!p.customTimeIndex) return identityPipeline();
  const text = p.customTimeIndex;
  const hit = compiled.get(text);
  if (hit) return hit;
  const a = text.indexOf(';'), b = a < 0 ? -1 : text.indexOf(';', a + 1);
  if (b < 0) throw new InvalidArgumentError(`custom_time_index '${text}' must be <field>;epoch;<resolution> or <field>;datestr;<format>`);
  const field = text.slice(0, a).trim(), kind = text.slice(a + 1, b).trim().toLowerCase(), arg = text.slice(b + 1);
  if (field === '') throw new InvalidArgumentError(`custom_time_index '${text}' names no field`);
  const q = JSON.stringify;
  let yaml: string;
  if (kind === 'epoch') {
    const unit = RESOLUTIONS[arg.trim().toLowerCase()];
    if (!unit) throw new InvalidArgumentError(`custom_time_index '${text}': resolution must be s, ms, us or ns`);
    yaml = `version: 2\nprocessors:\n  - epoch:\n      field: ${q(field)}\n      resolution: ${unit}\ntransform:\n  - field: ${q(field)}\n    type: epoch, ${unit}\n    index: timestamp\n`;
  } else if (kind === 'datestr') {
    yaml = `version: 2\nprocessors:\n  - date:\n      field: ${q(field)}\n      formats: [${q(arg)}]\ntransform:\n  - field: ${q(field)}\n    type: time\n    index: timestamp\n`;
  } else throw new InvalidArgumentError(`custom_time_index '${text}': the kind must be epoch or datestr, got '${kind}'`);
  const c = compilePipeline('greptime_identity', yaml);
  if (compiled.size > 100) compiled.clear();
  compiled.set(text, c);
  return c;
}

/** Nested objects flattened into dotted keys, `levels` deep; arrays, and objects past the limit, as JSON text. */
export function flattenRecord(r: Record<string, unknown>, levels: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (o: Record<string, unknown>, prefix: string, depth: number) => {
    for (const k in o) {
      const v = o[k];
      const key = prefix + k;
      if (v === null || v === undefined) continue;
      if (Array.isArray(v)) out[key] = JSON.stringify(v);
      else if (typeof v === 'object') {
        if (depth < levels) walk(v as Record<string, unknown>, key + '.', depth + 1);
        else out[key] = JSON.stringify(v);
      } else out[key] = v;
    }
  };
  walk(r, '', 1);
  return out;
}
