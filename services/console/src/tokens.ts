export const CONSOLE_RUNTIME = Symbol('CONSOLE_RUNTIME');
