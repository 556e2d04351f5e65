// GreptimeDB range queries: SELECT agg(x) RANGE '5m' ... ALIGN '1m' [TO ...] [BY (...)] [FILL ...].
import type { OrderByItem, Select } from '../sql/index.ts';
import type { Rel } from './rel.ts';
import { PlanError } from './rel.ts';
import type { QState } from './select.ts';
import { StatusCode } from '../index.ts';

export async function runRangeSelect(sel: Select, _rel: Rel, _orderBy: OrderByItem[], _limit: number | undefined, _offset: number, _st: QState): Promise<Rel> {
  throw new PlanError('RANGE queries are not supported yet', sel.pos, StatusCode.Unsupported);
}
