// Public face of actors/meta: leader election, node registry, route records, the placement loop and the services that run them.
export { leaseMachine, LeaseEvents, LeaseTiming, takeoverDecision, type LeaseContext, type LeaseRecord } from './lease/machine.ts';
export { LeaseElector, kvLeaseActors, type LeaseValue } from './lease/host.ts';
export { NodeRegistration, liveNodes, listNodes, listLiveNodes, LIVE_INTERVALS, type NodeRecord, type NodeLoad, type LoadSample } from './registry.ts';
export { readRoutes, readRoute, writeRoute, deleteRoute, RouteWriter, type RouteRecord } from './routes.ts';
export { placementMachine, planRound, PlacementEvents, type PlacementWorld, type RouteChanges } from './placement/machine.ts';
export { RouteTable, reconcile, type RouteChange } from './route_table.ts';
export { MetaServices, META_DEFAULTS, catalogRegions, type MetaServicesOptions } from './host.ts';
export { peerIdOf, regionPeersOf, clusterPeersOf } from './peers.ts';
export { MigrationHost, MIGRATION_DEFAULT_TIMEOUT_MS, type SubmitRequest } from './migration/host.ts';
export { migrationMachine, MIGRATION_STEPS, statusOf } from './migration/machine.ts';
export { procedureOps } from './procedure_client.ts';
export { listProcedures, listRegionEvents, readProcedure, type ProcedureRecord, type RegionEventRecord } from './procedure_store.ts';
export { Liveness, answerPings, natsClientName } from './liveness.ts';
