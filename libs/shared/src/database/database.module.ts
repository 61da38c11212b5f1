import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EventStore, UpcasterRegistry } from '../../../event-store/src/index.js';
import { APP_CONFIG, type AppConfig } from '../config.js';
import { dataSourceOptions, ensureDatabase, runMigrations } from './data-source.js';
import { UPCASTERS } from './upcasters.js';

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
      inject: [DataSource],
      useFactory: (ds: DataSource) => new EventStore(ds, new UpcasterRegistry(UPCASTERS)),
    },
  ],
  exports: [EventStore],
})
export class DatabaseModule {}
