// Public face of streams/: RxJS dataflow graphs for flows.
export {};
