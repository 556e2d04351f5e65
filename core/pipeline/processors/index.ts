// The processor registry: name in the YAML -> its compiler (one family per file beside this one).
import type { ProcessorCompiler } from './common.ts';
import { csv } from './csv.ts';
import { date, epoch } from './date.ts';
import { digest } from './digest.ts';
import { dissect } from './dissect.ts';
import { jsonPath } from './json_path.ts';
import { regex } from './regex.ts';
import { filter, select } from './select_filter.ts';
import { decolorize, gsub, join, jsonParse, letter, simpleExtract, urlencoding } from './simple.ts';

export const PROCESSORS: Record<string, ProcessorCompiler> = {
  date, epoch, dissect, regex, gsub, join, letter, csv, json_parse: jsonParse, json_path: jsonPath,
  simple_extract: simpleExtract, urlencoding, digest, select, filter, decolorize,
};

export type { Step, ProcessorCompiler } from './common.ts';
export { parseDissect, runDissect } from './dissect.ts';
export { splitCsv } from './csv.ts';
