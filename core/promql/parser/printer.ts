// Prints a PromQL tree back to query text (for EXPLAIN output, logs and the parse/print round-trip property).
import type { AtModifier, PromExpr, VectorSelector } from './ast.ts';

const UNITS: [string, number][] = [['y', 31_536_000_000], ['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];

/** Formats milliseconds as a PromQL duration, largest units first (`1h30m`); zero is `0s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let out = '';
  let rest = Math.abs(ms);
  for (const [u, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) { out += `${n}${u}`; rest -= n * size; }
  }
  return (ms < 0 ? '-' : '') + out;
}

function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function formatAt(at: AtModifier | undefined): string {
  if (!at) return '';
  if (at.kind === 'start') return ' @ start()';
  if (at.kind === 'end') return ' @ end()';
  return ` @ ${(at.ms / 1000).toFixed(3)}`;
}

function formatOffset(ms: number): string {
  return ms === 0 ? '' : ` offset ${formatDuration(ms)}`;
}

function selectorText(v: VectorSelector): string {
  const ms = v.name !== undefined ? v.matchers.filter((m, i) => !(i === 0 && m.name === '__name__' && m.op === '=')) : v.matchers;
  const inner = ms.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(', ');
  return (v.name ?? '') + (inner || v.name === undefined ? `{${inner}}` : '');
}

/** Wraps operands that would otherwise re-associate differently when printed. */
function operand(e: PromExpr): string {
  const s = printPromQL(e);
  if (e.kind === 'binary' || e.kind === 'unary' || (e.kind === 'number' && (e.value < 0 || Object.is(e.value, -0)))) return `(${s})`;
  return s;
}

export function printPromQL(e: PromExpr): string {
  switch (e.kind) {
    case 'number': return formatNumber(e.value);
    case 'string': return JSON.stringify(e.value);
    case 'vector': return selectorText(e) + formatOffset(e.offsetMs) + formatAt(e.at);
    case 'matrix': return `${selectorText(e.vector)}[${formatDuration(e.rangeMs)}]${formatOffset(e.vector.offsetMs)}${formatAt(e.vector.at)}`;
    case 'subquery': {
      const inner = e.expr.kind === 'binary' || e.expr.kind === 'unary' ? `(${printPromQL(e.expr)})` : printPromQL(e.expr);
      return `${inner}[${formatDuration(e.rangeMs)}:${e.stepMs ? formatDuration(e.stepMs) : ''}]${formatOffset(e.offsetMs)}${formatAt(e.at)}`;
    }
    case 'call': return `${e.func}(${e.args.map(printPromQL).join(', ')})`;
    case 'aggregate': {
      const mod = e.without || e.grouping.length ? ` ${e.without ? 'without' : 'by'} (${e.grouping.join(', ')})` : '';
      return `${e.op}${mod} (${e.param ? printPromQL(e.param) + ', ' : ''}${printPromQL(e.expr)})`;
    }
    case 'binary': {
      let mod = e.bool ? ' bool' : '';
      const m = e.matching;
      if (m && (m.on || m.labels.length || m.card === 'many-to-one' || m.card === 'one-to-many')) {
        mod += ` ${m.on ? 'on' : 'ignoring'} (${m.labels.join(', ')})`;
        if (m.card === 'many-to-one') mod += ` group_left (${m.include.join(', ')})`;
        if (m.card === 'one-to-many') mod += ` group_right (${m.include.join(', ')})`;
      }
      return `${operand(e.lhs)} ${e.op}${mod} ${operand(e.rhs)}`;
    }
    case 'unary': return `${e.op}${operand(e.expr)}`;
    case 'paren': return `(${printPromQL(e.expr)})`;
  }
}
