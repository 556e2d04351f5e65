// json_path: selects values from a JSON field by JSONPath ($.a.b, [n], [*]); result_index picks one of several matches.
import type { Options } from '../config.ts';
import { JsonPathError, parsePath, selectValues } from '../../json/path.ts';
import { LineFail, mapField, type Step } from './common.ts';

export function jsonPath(o: Options): Step {
  o.only(['field', 'fields', 'ignore_missing', 'json_path', 'result_index']);
  const fields = o.fields();
  const ignore = o.bool('ignore_missing', false);
  const text = o.string('json_path');
  let steps;
  try {
    steps = parsePath(text);
  } catch (e) {
    throw o.error(`invalid json_path '${text}': ${(e as JsonPathError).message}`, 'json_path');
  }
  const index = o.int('result_index');
  return (ctx) => {
    for (const f of fields) {
      mapField(ctx, 'json_path', f.input, ignore, (v) => {
        let doc = v;
        if (typeof v === 'string') {
          try { doc = JSON.parse(v); } catch { throw new LineFail('field is not JSON'); }
        }
        const found = selectValues(doc, steps);
        if (index !== undefined) return found[index] ?? null;
        return found.length === 0 ? null : found;
      }, ctx.out(f.output));
    }
  };
}
