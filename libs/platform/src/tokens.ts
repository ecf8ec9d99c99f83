/** Injection token of the service's `Logger` (provided by `PlatformModule`). */
export const HARBOUR_LOGGER = Symbol('HARBOUR_LOGGER');

/** Injection token of the shared `IdentityStore` (provided by `PlatformModule`). */
export const IDENTITY_STORE = Symbol('IDENTITY_STORE');
