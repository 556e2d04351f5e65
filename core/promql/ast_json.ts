// The syntax tree as Prometheus's /api/v1/parse_query answers it (its web/api/v1 translateAST shape): what the
// Prometheus UI's tree view and other tools read.
import type { AtModifier, PromExpr, VectorSelector } from './parser/ast.ts';
import { SET_OPS } from './parser/ast.ts';
import { typeOf } from './parser/parser.ts';
import { funcSignature } from './parser/signatures.ts';
import { formatGoFloat } from './go_float.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const timestamp = (at: AtModifier | undefined): number | null => (at?.kind === 'time' ? at.ms : null);
const startOrEnd = (at: AtModifier | undefined): string | null => (at && at.kind !== 'time' ? at.kind : null);

function selector(v: VectorSelector): { [k: string]: Json } {
  // Prometheus appends the metric name's matcher after the braces' matchers
  const named = v.name !== undefined ? v.matchers.findIndex((m) => m.name === '__name__' && m.op === '=' && m.value === v.name) : -1;
  const ms = named < 0 ? v.matchers : [...v.matchers.slice(0, named), ...v.matchers.slice(named + 1), v.matchers[named]!];
  return {
    name: v.name ?? '',
    offset: v.offsetMs,
    matchers: ms.map((m) => ({ type: m.op, name: m.name, value: m.value })),
    timestamp: timestamp(v.at),
    startOrEnd: startOrEnd(v.at),
  };
}

export function astToJson(e: PromExpr): Json {
  switch (e.kind) {
    case 'number': return { type: 'numberLiteral', val: formatGoFloat(e.value) };
    case 'string': return { type: 'stringLiteral', val: e.value };
    case 'paren': return { type: 'parenExpr', expr: astToJson(e.expr) };
    case 'unary': return { type: 'unaryExpr', op: e.op, expr: astToJson(e.expr) };
    case 'vector': return { type: 'vectorSelector', ...selector(e) };
    case 'matrix': return { type: 'matrixSelector', ...selector(e.vector), range: e.rangeMs };
    case 'subquery':
      return { type: 'subquery', expr: astToJson(e.expr), range: e.rangeMs, offset: e.offsetMs, step: e.stepMs, timestamp: timestamp(e.at), startOrEnd: startOrEnd(e.at) };
    case 'aggregate':
      return { type: 'aggregation', op: e.op, expr: astToJson(e.expr), param: e.param ? astToJson(e.param) : null, grouping: e.grouping, without: e.without };
    case 'call': {
      const sig = funcSignature(e.func);
      return {
        type: 'call',
        func: { name: e.func, argTypes: sig?.args ?? [], variadic: sig?.variadic ? -1 : sig?.optional ?? 0, returnType: sig?.ret ?? 'vector' },
        args: e.args.map(astToJson),
      };
    }
    case 'binary': {
      // Prometheus gives every vector-vector operation a matching (one-to-one, or many-to-many for set operators)
      const m = e.matching ?? (typeOf(e.lhs) === 'vector' && typeOf(e.rhs) === 'vector'
        ? { card: SET_OPS.has(e.op) ? 'many-to-many' as const : 'one-to-one' as const, on: false, labels: [], include: [] }
        : undefined);
      return {
        type: 'binaryExpr', op: e.op, lhs: astToJson(e.lhs), rhs: astToJson(e.rhs),
        matching: m ? { card: m.card, labels: m.labels, on: m.on, include: m.include } : null,
        bool: e.bool,
      };
    }
  }
}
