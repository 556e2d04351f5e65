// date and epoch: text times (strftime formats, tried in order, an IANA timezone for times without an offset) and
// numeric epochs (s, ms, us, ns) into a time column of int64 nanoseconds.
import type { Options } from '../config.ts';
import { TimeCol, textOf } from '../context.ts';
import { compileFormat, parseWith, utcSeconds, type CompiledFormat } from '../strftime.ts';
import { setNs, wordsOf } from '../time_words.ts';
import { PipelineError } from '../../errors.ts';
import type { Step } from './common.ts';

const DEFAULT_FORMATS = ['%Y-%m-%dT%H:%M:%S%:z', '%Y-%m-%dT%H:%M:%S%.f%:z', '%Y-%m-%dT%H:%M:%S%.fZ', '%Y-%m-%dT%H:%M:%S%.f', '%Y-%m-%d %H:%M:%S%.f'];

/** Offset of an IANA zone (minutes east of UTC) at a UTC instant, cached per zone and hour. */
function zoneOffsetFn(tz: string): (utcSec: number) => number {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    throw new PipelineError(`date: unknown timezone '${tz}'`);
  }
  const cache = new Map<number, number>();
  return (utcSec) => {
    const hour = Math.floor(utcSec / 3600);
    let off = cache.get(hour);
    if (off === undefined) {
      const parts = fmt.formatToParts(new Date(hour * 3600_000));
      const g = (t: string) => Number(parts.find((p) => p.type === t)!.value);
      const local = Date.UTC(g('year'), g('month') - 1, g('day'), g('hour'), g('minute'), g('second'));
      off = Math.round((local - hour * 3600_000) / 60000);
      if (cache.size > 10000) cache.clear();
      cache.set(hour, off);
    }
    return off;
  };
}

export function date(o: Options): Step {
  o.only(['field', 'fields', 'ignore_missing', 'formats', 'format', 'timezone', 'locale']);
  const fields = o.fields();
  const ignore = o.bool('ignore_missing', false);
  const sources = o.has('formats') ? o.strings('formats') : o.has('format') ? o.strings('format') : DEFAULT_FORMATS;
  let formats: CompiledFormat[];
  try {
    formats = sources.map(compileFormat);
  } catch (e) {
    throw o.error((e as Error).message, o.has('formats') ? 'formats' : 'format');
  }
  const tz = o.has('timezone') ? o.string('timezone') : undefined;
  let offsetAt: ((utcSec: number) => number) | null = null;
  if (tz !== undefined && !/^(utc|z|gmt)$/i.test(tz)) {
    try { offsetAt = zoneOffsetFn(tz); } catch (e) { throw o.error((e as Error).message, 'timezone'); }
  }
  return (ctx) => {
    for (const f of fields) {
      const col = ctx.get(f.input);
      const n = ctx.n;
      if (col instanceof TimeCol) { ctx.cols.set(f.output, col); continue; }
      const out = new TimeCol(n, 'ns');
      const words = wordsOf(out.ns);
      for (let i = 0; i < n; i++) {
        if (ctx.dead[i]) continue;
        const v = col?.[i];
        if (v === undefined || v === null) {
          if (!ignore) ctx.fail(i, 'date', f.input, `field '${f.input}' is missing`);
          continue;
        }
        const text = textOf(v);
        let done = false;
        if (text !== null) {
          for (const fm of formats) {
            const p = parseWith(fm, text);
            if (!p) continue;
            let sec = utcSeconds(p);
            if (p.epoch === null) {
              if (p.offset !== null) sec -= p.offset * 60;
              else if (offsetAt) sec -= offsetAt(sec - offsetAt(sec) * 60) * 60;
            }
            setNs(words, out.ns, i, sec, p.nanos);
            out.valid[i] = 1;
            done = true;
            break;
          }
        }
        if (!done) ctx.fail(i, 'date', f.input, `'${text ?? typeof v}' matches none of the formats ${sources.join(' | ')}`);
      }
      ctx.cols.set(f.output, out);
    }
  };
}

/** Epoch resolutions by every name GreptimeDB takes (the epoch processor's `resolution`, the transform's `epoch, <unit>`). */
export const RESOLUTIONS: Record<string, 's' | 'ms' | 'us' | 'ns'> = {
  s: 's', sec: 's', second: 's', ms: 'ms', milli: 'ms', millisecond: 'ms', us: 'us', micro: 'us', microsecond: 'us', ns: 'ns', nano: 'ns', nanosecond: 'ns',
};
const DIV = { s: 1, ms: 1e3, us: 1e6, ns: 1e9 };

export function epoch(o: Options): Step {
  o.only(['field', 'fields', 'ignore_missing', 'resolution']);
  const fields = o.fields();
  const ignore = o.bool('ignore_missing', false);
  const r = o.string('resolution', 'ms').toLowerCase();
  const unit = RESOLUTIONS[r];
  if (!unit) throw o.error(`option 'resolution' must be one of ${Object.keys(RESOLUTIONS).join(', ')}, got '${r}'`, 'resolution');
  const div = DIV[unit];
  return (ctx) => {
    for (const f of fields) {
      const col = ctx.get(f.input);
      const n = ctx.n;
      if (col instanceof TimeCol) { ctx.cols.set(f.output, col); continue; }
      const out = new TimeCol(n, unit);
      const words = wordsOf(out.ns);
      for (let i = 0; i < n; i++) {
        if (ctx.dead[i]) continue;
        const v = col?.[i];
        if (v === undefined || v === null) {
          if (!ignore) ctx.fail(i, 'epoch', f.input, `field '${f.input}' is missing`);
          continue;
        }
        const x = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
        if (!Number.isInteger(x)) { ctx.fail(i, 'epoch', f.input, `'${String(v)}' is not an integer epoch`); continue; }
        if (unit === 'ns' && !Number.isSafeInteger(x) && typeof v === 'string') {
          out.ns[i] = BigInt(v.trim());
        } else {
          const sec = Math.floor(x / div);
          const nanos = Math.round((x - sec * div) * (1e9 / div));
          setNs(words, out.ns, i, sec, nanos);
        }
        out.valid[i] = 1;
      }
      ctx.cols.set(f.output, out);
    }
  };
}
