// Label matching as Prometheus does it: regexes are fully anchored, and a missing label reads as the empty string.
import { PromQLExecError } from '../errors.ts';
import { anchoredRegex } from './regex.ts';
import type { LabelMatcher, Labels } from './types.ts';

export function compileRegex(re: string): RegExp {
  try {
    return anchoredRegex(re);
  } catch (err) {
    throw new PromQLExecError(`invalid regular expression "${re}"`, 'bad_data', err);
  }
}

export function matchesOne(m: LabelMatcher, value: string): boolean {
  switch (m.op) {
    case '=': return value === m.value;
    case '!=': return value !== m.value;
    case '=~': return compileRegex(m.value).test(value);
    case '!~': return !compileRegex(m.value).test(value);
  }
}

export function matchesAll(matchers: readonly LabelMatcher[], labels: Labels): boolean {
  for (const m of matchers) {
    let v = '';
    for (const [n, x] of labels) if (n === m.name) { v = x; break; }
    if (!matchesOne(m, v)) return false;
  }
  return true;
}
