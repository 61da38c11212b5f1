import { Module } from '@nestjs/common';
import { HeartbeatService } from './heartbeat.service.js';
import { WorkerMetricsServer } from './worker-metrics.server.js';

/** Worker liveness for /health/ready, and the worker's own /metrics endpoint. */
@Module({ providers: [HeartbeatService, WorkerMetricsServer], exports: [HeartbeatService, WorkerMetricsServer] })
export class HeartbeatModule {}
