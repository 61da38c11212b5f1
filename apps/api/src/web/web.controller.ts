import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../../../libs/shared/src/auth/index.js';
import { ProblemException } from '../../../../libs/shared/src/http/problem.js';
import { collectWebAssets, contentSecurityPolicy, readAsset, type WebAsset } from './web-assets.js';

/**
 * Serves the web UI (apps/web/static) and the few vendor modules it imports, same origin as the
 * API so the httpOnly session cookie authenticates its fetches. Outside the `api/v1` prefix.
 */
@ApiTags('web')
@Public()
@Controller()
export class WebController {
  private readonly assets: Map<string, WebAsset> = collectWebAssets();

  @Get()
  @ApiOperation({ summary: 'The web UI (HTML page)' })
  @ApiProduces('text/html')
  root(@Res() res: Response): void {
    this.sendIndex(res);
  }

  @Get('app')
  @ApiOperation({ summary: 'The web UI (HTML page)' })
  @ApiProduces('text/html')
  app(@Res() res: Response): void {
    this.sendIndex(res);
  }

  @Get('app/{*path}')
  @ApiOperation({ summary: 'A file of the web UI: its scripts, styles and vendor modules' })
  @ApiProduces('text/javascript', 'text/css', 'text/html')
  file(@Param('path') path: string[] | string, @Res() res: Response): void {
    const name = (Array.isArray(path) ? path.join('/') : path ?? '').replace(/^\/+/, '');
    if (name === '' || name === 'index.html') return this.sendIndex(res);
    const asset = this.assets.get(name);
    if (!asset) throw ProblemException.notFound(`No web file at /app/${name}`);
    this.send(res, asset);
  }

  private sendIndex(res: Response): void {
    const asset = this.assets.get('index.html');
    if (!asset) throw ProblemException.notFound('The web UI is not installed');
    const html = readAsset(asset).toString('utf8');
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(html));
    res.setHeader('Cache-Control', 'no-cache');
    res.type(asset.contentType).send(html);
  }

  private send(res: Response, asset: WebAsset): void {
    res.setHeader('Cache-Control', asset.immutable ? 'public, max-age=86400' : 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.type(asset.contentType).send(readAsset(asset));
  }
}
