import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiUnauthorizedResponse, ApiForbiddenResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG, ProblemException, Public, type AppConfig } from '../../../../../libs/shared/src/index.js';
import { metricsRegistry } from '../../../../../libs/shared/src/metrics.js';
import { opsCaller } from './ops-auth.js';
import { APP_METRICS } from './metrics.tokens.js';

@ApiTags('ops')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_METRICS) private readonly appRegistry: Registry,
  ) {}

  // @Public: the global guard does not know METRICS_TOKEN; opsCaller checks token or ops/admin session.
  @Get()
  @Public()
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format)', description: 'Ops/admin session (bearer or cookie) or METRICS_TOKEN as bearer or X-Metrics-Token.' })
  @ApiBearerAuth()
  @ApiCookieAuth('closeness_session')
  @ApiHeader({ name: 'X-Metrics-Token', required: false, description: 'METRICS_TOKEN, for scrapers' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text format 0.0.4', schema: { type: 'string' } })
  @ApiUnauthorizedResponse({ description: 'No valid session or metrics token' })
  @ApiForbiddenResponse({ description: 'The session is not ops or admin' })
  async scrape(@Req() req: Request, @Res() res: Response) {
    const caller = await opsCaller(req, this.ds, { metricsToken: this.config.METRICS_TOKEN });
    if (!caller.ok) {
      throw caller.status === 401
        ? ProblemException.of(401, 'unauthorized', 'Send an ops/admin session or the metrics token.', {}, { 'WWW-Authenticate': 'Bearer' })
        : ProblemException.of(403, 'forbidden', 'Only ops and admin may read metrics.');
    }
    const merged = Registry.merge([metricsRegistry, this.appRegistry]);
    const body = await merged.metrics();
    res.setHeader('Content-Type', merged.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(body);
  }
}
