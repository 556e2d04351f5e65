// Translates Go RE2 regular expressions (what Prometheus matchers and label_replace use) into JavaScript ones:
// inline flags `(?i)` / `(?i:...)` / `(?s)`, named groups `(?P<n>...)`, `\z`, `\A`, `\Q...\E`; anchored as Prometheus anchors.

/** Swaps the case of a letter (both cases in a class), so case-insensitivity can be confined to a span. */
function bothCases(c: string): string {
  const lo = c.toLowerCase();
  const up = c.toUpperCase();
  return lo === up ? c : `${lo}${up}`;
}

/** Returns a JavaScript source for the Go pattern; throws SyntaxError (from RegExp) when it is invalid. */
export function goRegexToJs(src: string): string {
  let out = '';
  const stack: { i: boolean; s: boolean }[] = [];
  let flags = { i: false, s: false };
  let k = 0;
  while (k < src.length) {
    const c = src[k]!;
    if (c === '\\') {
      const e = src[k + 1];
      if (e === undefined) throw new SyntaxError('trailing backslash');
      if (e === 'Q') {
        const end = src.indexOf('\\E', k + 2);
        const lit = src.slice(k + 2, end < 0 ? src.length : end);
        for (const ch of lit) out += flags.i && /[a-zA-Z]/.test(ch) ? `[${bothCases(ch)}]` : ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        k = end < 0 ? src.length : end + 2;
        continue;
      }
      if (e === 'z') { out += '$(?![\\s\\S])'; k += 2; continue; }
      if (e >= '1' && e <= '9') throw new SyntaxError('backreferences are not supported by RE2');
      if (e === 'p' || e === 'P') {
        // \pL and \p{Greek}: Unicode classes need the `u` flag, which anchoredRegex turns on when it sees them.
        const name = src[k + 2] === '{' ? src.slice(k + 3, src.indexOf('}', k + 3)) : src[k + 2] ?? '';
        if (!name) throw new SyntaxError('bad Unicode class');
        // One- or two-letter names are general categories (L, Lu); longer ones are scripts (Greek), which JS spells Script=.
        out += `\\${e}{${/^[A-Z][a-z]?$/.test(name) ? name : `Script=${name}`}}`;
        k += src[k + 2] === '{' ? name.length + 4 : 3;
        continue;
      }
      if (e === 'A') { out += '^'; k += 2; continue; }
      if (flags.i && /[a-zA-Z]/.test(e) && !/[dDwWsSbBpPxnrtfvu0-9]/.test(e)) { out += `[${bothCases(e)}]`; k += 2; continue; }
      out += c + e;
      k += 2;
      continue;
    }
    if (c === '[') {
      // Copy the class; under (?i) add the other case of each letter and letter range.
      let j = k + 1;
      let cls = '[';
      if (src[j] === '^') { cls += '^'; j++; }
      if (src[j] === ']') { cls += '\\]'; j++; }
      let extra = '';
      while (j < src.length && src[j] !== ']') {
        if (src[j] === '[' && src[j + 1] === ':') {
          const end = src.indexOf(':]', j);
          const name = src.slice(j + 2, end);
          const map: Record<string, string> = { alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: '\\s', word: '\\w', xdigit: '0-9a-fA-F', punct: '!-\\/:-@\\[-`{-~' };
          if (end < 0 || map[name] === undefined) throw new SyntaxError(`bad character class ${name}`);
          cls += map[name];
          j = end + 2;
          continue;
        }
        if (src[j] === '\\') { cls += src.slice(j, j + 2); j += 2; continue; }
        if (flags.i && /[a-zA-Z]/.test(src[j]!)) {
          if (src[j + 1] === '-' && /[a-zA-Z]/.test(src[j + 2] ?? '')) {
            const a = src[j]!;
            const b = src[j + 2]!;
            cls += `${a}-${b}`;
            extra += `${a === a.toLowerCase() ? a.toUpperCase() : a.toLowerCase()}-${b === b.toLowerCase() ? b.toUpperCase() : b.toLowerCase()}`;
            j += 3;
            continue;
          }
          cls += bothCases(src[j]!);
          j++;
          continue;
        }
        cls += src[j] === '/' ? '\\/' : src[j];
        j++;
      }
      if (j >= src.length) throw new SyntaxError('missing closing ]');
      out += cls + extra + ']';
      k = j + 1;
      continue;
    }
    if (c === '(') {
      if (src[k + 1] === '?') {
        const m = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?(:|\))/.exec(src.slice(k));
        if (m) {
          const next = { ...flags };
          for (const f of m[1]!) { if (f === 'i') next.i = true; else if (f === 's') next.s = true; else if (f !== 'm' && f !== 'U') throw new SyntaxError(`bad flag ${f}`); }
          for (const f of m[2] ?? '') { if (f === 'i') next.i = false; else if (f === 's') next.s = false; }
          if (m[3] === ')') { flags = next; k += m[0].length; continue; } // applies to the rest of the enclosing group
          stack.push(flags);
          flags = next;
          out += '(?:';
          k += m[0].length;
          continue;
        }
        const named = /^\(\?P?<([a-zA-Z_][a-zA-Z0-9_]*)>/.exec(src.slice(k));
        if (named) { stack.push(flags); out += `(?<${named[1]}>`; k += named[0].length; continue; }
        throw new SyntaxError('invalid or unsupported Perl syntax');
      }
      stack.push(flags);
      out += '(';
      k++;
      continue;
    }
    if (c === ')') {
      if (stack.length === 0) throw new SyntaxError('unexpected )');
      flags = stack.pop()!;
      out += ')';
      k++;
      continue;
    }
    if (c === '.') { out += flags.s ? '[\\s\\S]' : '[^\\n]'; k++; continue; }
    if (flags.i && /[a-zA-Z]/.test(c)) { out += `[${bothCases(c)}]`; k++; continue; }
    if (c === '/') { out += '\\/'; k++; continue; }
    out += c;
    k++;
  }
  return out;
}

const cache = new Map<string, RegExp>();

/** Compiles a Go pattern anchored at both ends, as Prometheus's label matchers do; throws SyntaxError when invalid. */
export function anchoredRegex(src: string): RegExp {
  let r = cache.get(src);
  if (r) return r;
  const js = goRegexToJs(src);
  r = new RegExp(`^(?:${js})$`, /\\[pP]\{/.test(js) ? 'u' : '');
  if (cache.size > 1000) cache.clear();
  cache.set(src, r);
  return r;
}
