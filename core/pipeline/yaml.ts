// Reads a pipeline's YAML (the `yaml` package) into its parts, keeping each processor's and option's line for error messages.
import { LineCounter, isMap, isSeq, isScalar, parseDocument, type Node, type YAMLMap } from 'yaml';
import { PipelineError } from '../errors.ts';
import { Options, type YamlPos } from './config.ts';

export interface PipelineSource {
  version: 1 | 2;
  processors: { name: string; options: Options }[];
  transform: Options[];
  /** EddyDB: what a line that fails in a processor does to its request: fail it whole (default) or skip the line. */
  onFailure: 'fail' | 'skip';
  /** GreptimeDB's `description`, kept for listing. */
  description?: string;
  /** GreptimeDB's `table_suffix` (`_${field}`): rows go to the table named plus the suffix made from their values. */
  tableSuffix?: string;
}

const TOP_KEYS = ['version', 'description', 'processors', 'transform', 'on_failure', 'dispatcher', 'table_suffix'];

export function loadPipelineYaml(text: string): PipelineSource {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const lp = e.linePos?.[0];
    throw new PipelineError(`invalid pipeline YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?\s*$/, '')}`, lp ? { line: lp.line, column: lp.col } : undefined);
  }
  const posOf = (n: Node | null | undefined): YamlPos | undefined => {
    const r = (n as { range?: [number, number, number] } | null | undefined)?.range;
    if (!r) return undefined;
    const p = lc.linePos(r[0]);
    return { line: p.line, column: p.col };
  };
  const root = doc.contents;
  if (!isMap(root)) throw new PipelineError('a pipeline is a YAML mapping with processors and transform', posOf(root) ?? { line: 1, column: 1 });
  for (const item of root.items) {
    const k = isScalar(item.key) ? String(item.key.value) : '';
    if (!TOP_KEYS.includes(k)) throw new PipelineError(`unknown pipeline key '${k}' (known: ${TOP_KEYS.join(', ')})`, posOf(item.key as Node));
    if (k === 'dispatcher') throw new PipelineError(`'${k}' is not supported by EddyDB pipelines yet`, posOf(item.key as Node));
  }
  const versionNode = root.get('version', true) as Node | undefined;
  const version = versionNode === undefined ? 1 : Number((versionNode as { value?: unknown }).value);
  if (version !== 1 && version !== 2) throw new PipelineError(`pipeline version must be 1 or 2, got '${String((versionNode as { value?: unknown }).value)}'`, posOf(versionNode));
  const optionsOf = (what: string, m: YAMLMap, at: Node): Options => {
    const raw = m.toJSON() as Record<string, unknown>;
    const keyPos = new Map<string, YamlPos>();
    for (const it of m.items) { const p = posOf(it.key as Node); if (p && isScalar(it.key)) keyPos.set(String(it.key.value), p); }
    return new Options(what, raw ?? {}, posOf(at), (k) => keyPos.get(k));
  };

  const processors: PipelineSource['processors'] = [];
  const procNode = root.get('processors', true) as Node | undefined;
  if (procNode !== undefined && procNode !== null && !(isScalar(procNode) && procNode.value === null)) {
    if (!isSeq(procNode)) throw new PipelineError("'processors' must be a list", posOf(procNode));
    procNode.items.forEach((it, i) => {
      const node = it as Node;
      if (!isMap(node) || node.items.length !== 1) throw new PipelineError(`processor ${i + 1} must be a mapping with one processor name (e.g. '- dissect:')`, posOf(node));
      const pair = node.items[0]!;
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      const body = pair.value as Node | null;
      const what = `processor ${i + 1} (${name})`;
      if (body === null || (isScalar(body) && body.value === null)) { processors.push({ name, options: new Options(what, {}, posOf(pair.key as Node)) }); return; }
      if (!isMap(body)) throw new PipelineError(`${what}: its options must be a mapping`, posOf(body));
      processors.push({ name, options: optionsOf(what, body, pair.key as Node) });
    });
  }
  const transform: Options[] = [];
  const trNode = root.get('transform', true) as Node | undefined;
  if (trNode !== undefined && trNode !== null && !(isScalar(trNode) && trNode.value === null)) {
    if (!isSeq(trNode)) throw new PipelineError("'transform' must be a list", posOf(trNode));
    trNode.items.forEach((it, i) => {
      const node = it as Node;
      if (!isMap(node)) throw new PipelineError(`transform ${i + 1} must be a mapping (fields, type, index, ...)`, posOf(node));
      transform.push(optionsOf(`transform ${i + 1}`, node, node));
    });
  }
  const js = root.toJSON() as Record<string, unknown>;
  const of = js.on_failure === undefined ? 'fail' : String(js.on_failure).toLowerCase();
  if (of !== 'fail' && of !== 'skip') throw new PipelineError(`on_failure must be 'fail' or 'skip', got '${of}'`, posOf(root.get('on_failure', true) as Node));
  return {
    version: version as 1 | 2,
    processors,
    transform,
    onFailure: of,
    ...(typeof js.description === 'string' ? { description: js.description } : {}),
    ...(tableSuffix(js.table_suffix, posOf(root.get('table_suffix', true) as Node))),
  };
}

function tableSuffix(v: unknown, pos: YamlPos | undefined): { tableSuffix?: string } {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'string' || !/\$\{[^}]+\}/.test(v)) throw new PipelineError("table_suffix must be a string naming a field as ${field} (e.g. '_${app}')", pos);
  return { tableSuffix: v };
}
