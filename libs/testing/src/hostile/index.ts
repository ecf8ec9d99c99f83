export * from './contract-schemas';
export * from './hostile-bodies';
export * from './hostile-probe';
export * from './table-counts';
export * as hostileValues from './hostile-values';
export * from './spent-keys';
