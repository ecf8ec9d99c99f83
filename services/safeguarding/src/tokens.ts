export const CHECK_KNOWN_VICTIM = Symbol('CHECK_KNOWN_VICTIM');
export const AUDIT_LOGS = Symbol('AUDIT_LOGS');
