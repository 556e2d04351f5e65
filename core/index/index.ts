// Public face of core/index: index kinds, their registry, predicates, row selections, index files.
import { registerIndexKind } from './kind.ts';
import { invertedKind } from './inverted.ts';
import { skippingKind } from './skipping.ts';
import { fulltextIndexKind } from './fulltext/index.ts';
import { spatialIndexKind } from './spatial/index.ts';

registerIndexKind(invertedKind);
registerIndexKind(skippingKind);
registerIndexKind(fulltextIndexKind);
registerIndexKind(spatialIndexKind);

export { registerIndexKind, indexKind, indexKinds, type IndexColumn, type IndexEstimate, type IndexKind } from './kind.ts';
export { isValuePredicate, likePrefix, valueTest, validRegex, type ColumnPredicate } from './predicate.ts';
export { EMPTY_SELECTION, allRows, intersect, normalize, sortByStart, selectedRows, toMask, type RowSelection } from './selection.ts';
export { decodeIndexFile, encodeIndexFile, type IndexBlob, type IndexEntry, type IndexFile } from './file.ts';
export { checkIndex, indexSpec, wantedIndexes, type IndexSpec } from './plan.ts';
export { buildInverted, estimateInverted, openInverted, pruneInverted, invertedKind, regexPrefix } from './inverted.ts';
export { buildSkipping, openSkipping, pruneSkipping, skippingKind, skippingOptions, GRANULARITY_MAX, type SkippingOptions } from './skipping.ts';
export { DEFAULT_ANALYZER, analyzerOptions, compileMatches, compileQuery, type AnalyzerOptions, type FulltextQuery } from './fulltext/index.ts';
export { haversineM, type SpatialPredicate } from './spatial/index.ts';
export * as smart from './smart/index.ts';
