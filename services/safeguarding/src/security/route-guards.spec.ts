import 'reflect-metadata';
import {
  authorizationProblems,
  controllersOf,
  declarationOnlyRuntime,
  matrixDisagreements,
  routesOf,
} from '@harbour/platform';
import { SafeguardingModule } from '../app.module';
import type { SafeguardingRuntime } from '../safeguarding-runtime';

const routes = routesOf(
  controllersOf(SafeguardingModule.register(declarationOnlyRuntime() as SafeguardingRuntime)),
);

describe('safeguarding routes against the authorization matrix', () => {
  it('guards every route by its own matrix entry, and every safeguarding entry has its route', () => {
    expect(routes.length).toBeGreaterThan(2);
    expect(authorizationProblems('safeguarding', routes)).toEqual([]);
  });

  it('gets from the guard, for every organisation kind × set of roles, the matrix’s decision', async () => {
    expect(await matrixDisagreements(routes)).toEqual([]);
  });
});
