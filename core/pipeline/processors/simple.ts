// The one-field text processors: gsub, join, letter, urlencoding, decolorize, json_parse, simple_extract.
import type { Options } from '../config.ts';
import { PipelineError } from '../../errors.ts';
import { LineFail, mapField, needText, type Step } from './common.ts';

/** Per-field text map: each field's value in, the result out to the field (or its renamed output). */
function perField(o: Options, name: string, keys: string[], make: () => (v: unknown) => unknown): Step {
  o.only(['field', 'fields', 'ignore_missing', ...keys]);
  const fields = o.fields();
  const ignore = o.bool('ignore_missing', false);
  const fn = make();
  return (ctx) => {
    for (const f of fields) mapField(ctx, name, f.input, ignore, fn, ctx.out(f.output));
  };
}

export function gsub(o: Options): Step {
  return perField(o, 'gsub', ['pattern', 'replacement'], () => {
    const pattern = o.string('pattern');
    const replacement = o.string('replacement', '').replace(/\$\{(\w+)\}/g, '$<$1>');
    let re: RegExp;
    try {
      re = new RegExp(toJsRegex(pattern), 'g');
    } catch (e) {
      throw o.error(`invalid pattern '${pattern}': ${(e as Error).message}`, 'pattern');
    }
    return (v) => needText(v).replace(re, replacement);
  });
}

export function join(o: Options): Step {
  return perField(o, 'join', ['separator'], () => {
    const sep = o.string('separator');
    return (v) => {
      if (!Array.isArray(v)) throw new LineFail(`expected an array, got ${typeof v}`);
      return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(sep);
    };
  });
}

export function letter(o: Options): Step {
  return perField(o, 'letter', ['method'], () => {
    const m = o.oneOf('method', ['upper', 'lower', 'capital'] as const, 'lower');
    if (m === 'upper') return (v) => needText(v).toUpperCase();
    if (m === 'lower') return (v) => needText(v).toLowerCase();
    return (v) => { const t = needText(v); return t.charAt(0).toUpperCase() + t.slice(1); };
  });
}

export function urlencoding(o: Options): Step {
  return perField(o, 'urlencoding', ['method'], () => {
    // GreptimeDB's default is encode; percent-encoding only ('+' stays '+', as in paths, not form bodies)
    const m = o.oneOf('method', ['encode', 'decode'] as const, 'encode');
    if (m === 'encode') return (v) => encodeURIComponent(needText(v)).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
    return (v) => {
      try {
        return decodeURIComponent(needText(v));
      } catch {
        throw new LineFail('invalid percent-encoding');
      }
    };
  });
}

// ANSI colour and cursor sequences (CSI ... final byte), as terminals and coloured loggers write them.
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;
export function decolorize(o: Options): Step {
  return perField(o, 'decolorize', [], () => (v) => needText(v).replace(ANSI, ''));
}

export function jsonParse(o: Options): Step {
  return perField(o, 'json_parse', [], () => (v) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v);
    } catch (e) {
      throw new LineFail(`invalid JSON: ${(e as Error).message}`);
    }
  });
}

export function simpleExtract(o: Options): Step {
  return perField(o, 'simple_extract', ['key'], () => {
    const path = o.string('key').split('.');
    return (v) => {
      let cur: unknown = v;
      for (const k of path) {
        if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return null;
        cur = (cur as Record<string, unknown>)[k];
      }
      return cur === undefined ? null : cur;
    };
  });
}

/** Rust regex syntax GreptimeDB users write: `(?P<name>...)` is JavaScript's `(?<name>...)`. */
export function toJsRegex(p: string): string {
  return p.replace(/\(\?P</g, '(?<');
}

export function compileRegex(o: Options, pattern: string, key: string, flags = ''): RegExp {
  try {
    return new RegExp(toJsRegex(pattern), flags);
  } catch (e) {
    throw o.error(`invalid pattern '${pattern}': ${(e as Error).message}`, key);
  }
}

export { PipelineError };
