import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@harbour/platform';
import { AlertDeliveriesController } from './alerts/alert-deliveries.controller';
import type { NotificationRuntime } from './notification-runtime';
import { ALERT_REPOSITORY, DELIVERY_REPOSITORY, NOTIFICATION_DATA_SOURCE } from './tokens';

@Module({})
export class NotificationModule {
  static register(runtime: NotificationRuntime): DynamicModule {
    return {
      module: NotificationModule,
      imports: [
        PlatformModule.forRoot({
          service: 'notification',
          logger: runtime.logger,
          identity: runtime.identity,
          readiness: runtime.readiness,
          onShutdown: () => runtime.close(),
        }),
      ],
      controllers: [AlertDeliveriesController],
      providers: [
        { provide: NOTIFICATION_DATA_SOURCE, useValue: runtime.dataSource },
        { provide: ALERT_REPOSITORY, useValue: runtime.alerts },
        { provide: DELIVERY_REPOSITORY, useValue: runtime.deliveries },
      ],
    };
  }
}
