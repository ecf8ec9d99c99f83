import 'reflect-metadata';
import {
  authorizationProblems,
  controllersOf,
  declarationOnlyRuntime,
  matrixDisagreements,
  routesOf,
} from '@harbour/platform';
import { NotificationModule } from '../app.module';
import type { NotificationRuntime } from '../notification-runtime';

const routes = routesOf(
  controllersOf(NotificationModule.register(declarationOnlyRuntime() as NotificationRuntime)),
);

describe('notification routes against the authorization matrix', () => {
  it('guards every route by its own matrix entry, and every notification entry has its route', () => {
    expect(routes.length).toBeGreaterThan(2);
    expect(authorizationProblems('notification', routes)).toEqual([]);
  });

  it('gets from the guard, for every organisation kind × set of roles, the matrix’s decision', async () => {
    expect(await matrixDisagreements(routes)).toEqual([]);
  });
});
