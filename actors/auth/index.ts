// Authentication and permissions: the public face every protocol (HTTP, PostgreSQL wire, NATS configuration) uses.
export { Authenticator, type AuthenticatorOptions, type Principal } from './authenticator.ts';
export { parseUserProvider, parseUserFile, parseUserLine, ALL_DATABASES, type AccessMode, type Grant, type UserEntry } from './users.ts';
export { httpCredentials, BASIC_CHALLENGE, type HttpCredentials } from './http_credentials.ts';
export { guardContext } from './guarded_context.ts';
export { runAs, currentPrincipal } from './request_principal.ts';
export { natsAuthorization, natsPermissions, serviceCredentials, SERVICE_USER, type NatsCredentials } from './nats_users.ts';
