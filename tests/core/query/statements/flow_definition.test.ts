// SHOW CREATE FLOW's text: the statement rebuilt in GreptimeDB's form from the one the user wrote.
import { describe, expect, it } from 'vitest';
import type { FlowInfo } from '../../../../core/query/context.ts';
import { shownFlowDefinition } from '../../../../core/query/statements/flow_definition.ts';

const flow = (definition: string): FlowInfo => ({
  db: 'public', name: 'f', id: 1, definition, sinkTable: 'out', sourceTables: ['src'], comment: null, expireAfterSeconds: null,
  options: {}, createdAt: 0, updatedAt: 0,
} as FlowInfo);

describe('shownFlowDefinition', () => {
  it('rebuilds the statement one clause a line, IF NOT EXISTS, the sink qualified, the query normalised', () => {
    expect(shownFlowDefinition(flow('create or replace flow f sink to out as select number from src where number > 10'))).toBe(
      'CREATE FLOW IF NOT EXISTS f\nSINK TO public.out\nAS SELECT number FROM src WHERE number > 10');
    expect(shownFlowDefinition({ ...flow("CREATE FLOW f SINK TO db2.out EXPIRE AFTER '1h' COMMENT 'it''s' WITH (defer_on_missing_source = true) AS SELECT sum(v) AS s FROM src GROUP BY ts"), comment: "it's" })).toBe(
      "CREATE FLOW IF NOT EXISTS f\nSINK TO db2.out\nEXPIRE AFTER '1h'\nCOMMENT 'it''s'\nWITH (defer_on_missing_source = 'true')\nAS SELECT sum(v) AS s FROM src GROUP BY ts");
  });

  it("shows the flow's comment now, which COMMENT ON FLOW may have changed since CREATE", () => {
    const def = "CREATE FLOW f SINK TO out COMMENT 'old' AS SELECT v FROM src";
    expect(shownFlowDefinition({ ...flow(def), comment: 'new' })).toBe("CREATE FLOW IF NOT EXISTS f\nSINK TO public.out\nCOMMENT 'new'\nAS SELECT v FROM src");
    expect(shownFlowDefinition({ ...flow(def), comment: null })).toBe('CREATE FLOW IF NOT EXISTS f\nSINK TO public.out\nAS SELECT v FROM src');
  });

  it('keeps the EVAL INTERVAL of a batching flow, so the text creates a flow on the same schedule', () => {
    expect(shownFlowDefinition(flow("CREATE FLOW f SINK TO out EVAL INTERVAL '30s' EXPIRE AFTER INTERVAL '1 hour' AS SELECT count(*) AS c FROM src"))).toBe(
      "CREATE FLOW IF NOT EXISTS f\nSINK TO public.out\nEXPIRE AFTER INTERVAL '1 hour'\nEVAL INTERVAL '30s'\nAS SELECT count(*) AS c FROM src");
    // ...and the shown text is itself a definition that shows the same
    const shown = shownFlowDefinition(flow("CREATE FLOW f SINK TO out EVAL INTERVAL '30s' AS SELECT count(*) AS c FROM src"));
    expect(shownFlowDefinition(flow(shown))).toBe(shown);
  });

  it('keeps what it cannot rebuild as written', () => {
    const tql = "CREATE FLOW f SINK TO out AS TQL EVAL (0, 10, '5s') rate(x[1m])";
    expect(shownFlowDefinition(flow(tql))).toBe(tql);
    expect(shownFlowDefinition(flow('not sql at all'))).toBe('not sql at all');
  });
});
