// placeholder
import type { Expr } from './ast.ts';
export function exprToSql(e: Expr): string { return e.type; }
