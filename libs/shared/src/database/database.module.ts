import { Global, Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppendNotifier, EventStore, UpcasterRegistry } from '../../../event-store/src/index.js';
import { Clock, IdGenerator } from '../clock.js';
import { APP_CONFIG, type AppConfig } from '../config.js';
import { metrics } from '../metrics.js';
import { dataSourceOptions, ensureDatabase, runMigrations } from './data-source.js';
import { UPCASTERS } from './upcasters.js';

/**
 * Wakes the projection runners (this process's and the other app's) after appends: one NOTIFY
 * per burst, sent outside the appending transactions. Without it they find new events only at
 * their next poll.
 */
@Injectable()
export class AppendNotifications implements OnModuleDestroy {
  private readonly notifier: AppendNotifier;

  constructor(@Inject(DataSource) ds: DataSource, @Inject(EventStore) store: EventStore) {
    this.notifier = new AppendNotifier(ds, store);
  }

  onModuleDestroy(): void {
    this.notifier.close();
  }
}

/** Postgres (created and migrated on start) and the event store, for both apps. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => dataSourceOptions(config.DATABASE_URL, config.DB_POOL_SIZE),
      dataSourceFactory: async (options) => {
        const opts = options as ReturnType<typeof dataSourceOptions> & { url: string };
        await ensureDatabase(opts.url);
        const ds = await new DataSource(opts).initialize();
        await runMigrations(ds);
        return ds;
      },
    }),
  ],
  providers: [
    {
      provide: EventStore,
      inject: [DataSource, Clock, IdGenerator],
      useFactory: (ds: DataSource, clock: Clock, ids: IdGenerator) => {
        const store = new EventStore(ds, new UpcasterRegistry(UPCASTERS), { clock: () => clock.now(), ids: () => ids.next() });
        // Told after each commit that wrote something.
        store.onAppended((appended) => {
          for (const e of appended) metrics.eventsAppended.inc({ type: e.type });
        });
        return store;
      },
    },
    AppendNotifications,
  ],
  exports: [EventStore],
})
export class DatabaseModule {}
