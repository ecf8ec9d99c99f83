export * from './data-keys';
export * from './field-cipher';
export * from './reencryption';
