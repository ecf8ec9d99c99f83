export * from './organisation-kind';
export * from './principal';
export * from './api-key-format';
export * from './identity-store';
export * from './identity-data-source';
export * from './migrations';
export * from './person-tokens';
export * from './people-store';
