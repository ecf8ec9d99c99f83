import 'reflect-metadata';
import {
  authorizationProblems,
  controllersOf,
  declarationOnlyRuntime,
  guardedEntry,
  matrixDisagreements,
  routesOf,
} from '@harbour/platform';
import { IntakeModule } from '../app.module';
import { BED_REQUESTER_KINDS } from '../domain/bed-request';
import { PLANNER_KINDS } from '../domain/operation';
import type { IntakeRuntime } from '../intake-runtime';
import { REPORTING_KINDS } from '../missing-episodes/episode-access';

const routes = routesOf(
  controllersOf(IntakeModule.register(declarationOnlyRuntime() as IntakeRuntime)),
);

describe('intake routes against the authorization matrix', () => {
  it('guards every route by its own matrix entry, and every intake entry has its route', () => {
    expect(routes.length).toBeGreaterThan(2);
    expect(authorizationProblems('intake', routes)).toEqual([]);
  });

  it('gets from the guard, for every organisation kind × set of roles, the matrix’s decision', async () => {
    expect(await matrixDisagreements(routes)).toEqual([]);
  });

  it('lets in exactly the kinds the domain rules behind each route expect', () => {
    // The handlers' own rules (planningRefusal, mayActOnEpisode) name these lists.
    expect(guardedEntry('intake.operation.plan').kinds).toEqual(PLANNER_KINDS);
    expect(guardedEntry('intake.missing-episode.report').kinds).toEqual(REPORTING_KINDS);
    expect(guardedEntry('intake.missing-episode.found').kinds).toEqual([
      ...REPORTING_KINDS,
      'coordinator',
    ]);
    expect(guardedEntry('intake.bed-request.submit').kinds).toEqual(BED_REQUESTER_KINDS);
  });
});
