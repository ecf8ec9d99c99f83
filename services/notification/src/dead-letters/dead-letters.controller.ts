import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Authorize, CurrentPrincipal, type Principal } from '@harbour/platform';
import { DEAD_LETTER_DESK } from '../tokens';
import type {
  DeadLetterDesk,
  DeadLetterListView,
  DeadLetterTopicsView,
  ReplayView,
} from './dead-letter-desk';

/**
 * The dead-letter topics for the coordinator's administrators (what `harbour dlq list|replay`
 * does at the command line): counts per topic, a topic's dead letters by their headers, never
 * the event's body, and replays of chosen ones, each recorded in the audit chain.
 */
@Controller('v1/dead-letters')
export class DeadLettersController {
  constructor(@Inject(DEAD_LETTER_DESK) private readonly desk: DeadLetterDesk) {}

  @Get()
  @Authorize('notification.dead-letter.topics')
  topics(): Promise<DeadLetterTopicsView> {
    return this.desk.topics();
  }

  @Get(':topic')
  @Authorize('notification.dead-letter.list')
  list(@Param('topic') topic: string): Promise<DeadLetterListView> {
    return this.desk.list(topic);
  }

  @Post(':topic/replays')
  @HttpCode(200)
  @Authorize('notification.dead-letter.replay')
  replay(
    @Param('topic') topic: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReplayView> {
    return this.desk.replay(topic, body, principal);
  }
}
