import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../../../libs/shared/src/index.js';
import { deliveryOf } from './webhook-ingress.js';
import { WebhookReceiver } from './webhook-receiver.js';

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly receiver: WebhookReceiver) {}

  @Post(':sourceId')
  @Public()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Receive a signed webhook from a source',
    description:
      'Authenticated by signature only; the secret and the format come from the source in the URL. The signature is checked on the raw bytes before parsing. ' +
      '`touchpoint` and `cloudevents` sources: Standard Webhooks (webhook-id, webhook-timestamp ±5 min, webhook-signature v1). ' +
      '`zendesk`: X-Zendesk-Webhook-Signature (+ -Timestamp, ±5 min). `intercom`: X-Hub-Signature sha1=. `hubspot`: X-HubSpot-Signature-v3 + X-HubSpot-Request-Timestamp (ms, ≤5 min old). ' +
      'During a secret rotation the previous secret is accepted for 24 hours. Answers 202 `{eventIds}` once stored; the same delivery again 200 `{eventIds, duplicate:true}`; ' +
      'an authentic delivery that cannot be mapped 202 `{eventIds:[], deadLetterId}` (kept whole for ops); notifications with no contact in them are acknowledged with `ignored`.',
  })
  @ApiParam({ name: 'sourceId', format: 'uuid' })
  @ApiHeader({ name: 'webhook-signature', required: false, description: 'Standard Webhooks formats' })
  @ApiResponse({ status: 202, description: 'Stored (or dead-lettered).' })
  @ApiResponse({ status: 200, description: 'Duplicate delivery; nothing new stored.' })
  @ApiResponse({ status: 401, description: 'Unknown source, missing/invalid signature or stale timestamp; nothing stored.' })
  @ApiResponse({ status: 503, description: 'Database unavailable; retry later (Retry-After). Nothing stored.' })
  async receive(@Param('sourceId') sourceId: string, @Req() req: Request & { rawBody?: Buffer; id?: unknown }, @Res({ passthrough: true }) res: Response) {
    // Usually answered by the ingress before Nest (webhook-ingress.ts); the same receiver either way.
    const result = await this.receiver.receive(sourceId, deliveryOf(req));
    res.status(result.status);
    return result.body;
  }
}
