// Public face of the JSON column type: the stored layout (jsonb.ts) and paths (path.ts).
export * from './jsonb.ts';
export * from './path.ts';
export { jsonPathMatch } from './match.ts';
