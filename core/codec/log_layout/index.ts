// Public face of the shipper protocols' built-in table layouts.
export { layoutPipeline, LayoutCache, type LayoutColumn, type LayoutType } from './layout.ts';
