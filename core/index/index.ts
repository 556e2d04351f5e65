// Public face of core/index: index kinds, their registry, predicates, row selections, index files.
import { registerIndexKind } from './kind.ts';
import { invertedKind } from './inverted.ts';
import { skippingKind } from './skipping.ts';

registerIndexKind(invertedKind);
registerIndexKind(skippingKind);

export { registerIndexKind, indexKind, indexKinds, type IndexColumn, type IndexKind } from './kind.ts';
export { likePrefix, valueTest, validRegex, type ColumnPredicate } from './predicate.ts';
export { EMPTY_SELECTION, allRows, intersect, normalize, selectedRows, toMask, type RowSelection } from './selection.ts';
export { decodeIndexFile, encodeIndexFile, type IndexBlob, type IndexEntry, type IndexFile } from './file.ts';
export { checkIndex, indexSpec, wantedIndexes, type IndexSpec } from './plan.ts';
export { buildInverted, openInverted, pruneInverted, invertedKind, regexPrefix } from './inverted.ts';
export { buildSkipping, openSkipping, pruneSkipping, skippingKind, skippingOptions, GRANULARITY_MAX, type SkippingOptions } from './skipping.ts';
