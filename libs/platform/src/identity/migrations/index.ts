import { CreateIdentityStore1764316800000 } from './1764316800000-create-identity-store';

/** Every identity-store migration, oldest first. Append; never edit one that has shipped. */
export const IDENTITY_MIGRATIONS = [CreateIdentityStore1764316800000];
