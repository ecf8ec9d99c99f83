import 'reflect-metadata';
import {
  authorizationProblems,
  controllersOf,
  declarationOnlyRuntime,
  matrixDisagreements,
  routesOf,
} from '@harbour/platform';
import { AccommodationModule } from '../app.module';
import type { AccommodationRuntime } from '../accommodation-runtime';

const routes = routesOf(
  controllersOf(AccommodationModule.register(declarationOnlyRuntime() as AccommodationRuntime)),
);

describe('accommodation routes against the authorization matrix', () => {
  it('guards every route by its own matrix entry, and every accommodation entry has its route', () => {
    expect(routes.length).toBeGreaterThan(2);
    expect(authorizationProblems('accommodation', routes)).toEqual([]);
  });

  it('gets from the guard, for every organisation kind × set of roles, the matrix’s decision', async () => {
    expect(await matrixDisagreements(routes)).toEqual([]);
  });
});
