import { Module } from '@nestjs/common';
import { TeamReportController } from './team-report.controller.js';

/** Team-lead reports over the read models. */
@Module({ controllers: [TeamReportController] })
export class ReportsModule {}
