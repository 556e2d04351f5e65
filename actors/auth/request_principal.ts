// The principal of the request being served, carried through its async work (AsyncLocalStorage), for code that builds contexts.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Principal } from './authenticator.ts';

const current = new AsyncLocalStorage<Principal>();

/** Runs fn (and everything it awaits) as the principal. */
export function runAs<T>(p: Principal, fn: () => T): T {
  return current.run(p, fn);
}

/** The principal of the request in progress, or undefined outside one (authentication off, internal work). */
export function currentPrincipal(): Principal | undefined {
  return current.getStore();
}
