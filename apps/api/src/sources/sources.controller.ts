import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock, IdGenerator, ProblemException, Roles, ValidBody } from '../../../../libs/shared/src/index.js';
import { CreateSourceBody, RotateSecretBody, SecretRotatedDto, SourceCreatedDto, SourceDto, type CreateSourceDto, type RotateSecretDto, type SourceFormat } from './sources.dto.js';

const ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Standard Webhooks secrets are `whsec_` + base64 of random bytes; vendors use plain strings. */
export function newSecret(format: SourceFormat, given?: string): string {
  if (format === 'touchpoint' || format === 'cloudevents') return `whsec_${randomBytes(24).toString('base64')}`;
  return given ?? randomBytes(32).toString('hex');
}

export const webhookPath = (id: string) => `/api/v1/webhooks/${id}`;

@ApiTags('sources')
@ApiBearerAuth()
@Controller('sources')
export class SourcesController {
  constructor(
    private readonly ds: DataSource,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  @Post()
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Register a sending system (webhook source)', description: 'The secret and the API token are shown once; only the token hash is stored.' })
  @ApiResponse({ status: 201, type: SourceCreatedDto })
  async create(@ValidBody(CreateSourceBody) body: CreateSourceDto): Promise<SourceCreatedDto> {
    const id = this.ids.next();
    const secret = newSecret(body.format, body.secret);
    const token = `cls_src_${randomBytes(32).toString('base64url')}`;
    await this.ds.query(`INSERT INTO sources (id, name, format, secret, api_token_hash) VALUES ($1, $2, $3, $4, $5)`, [
      id,
      body.name,
      body.format,
      secret,
      createHash('sha256').update(token).digest('hex'),
    ]);
    return { id, name: body.name, format: body.format, secret, token, webhookPath: webhookPath(id) };
  }

  @Post(':id/rotate-secret')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the signing secret', description: 'The previous secret stays valid for 24 hours, so senders can switch without losing deliveries.' })
  @ApiResponse({ status: 200, type: SecretRotatedDto })
  @ApiResponse({ status: 404, description: 'No such source.' })
  async rotate(@Param('id') id: string, @ValidBody(RotateSecretBody) body: RotateSecretDto): Promise<SecretRotatedDto> {
    if (!UUID.test(id)) throw ProblemException.notFound('No source with that id.');
    const now = this.clock.now();
    const validUntil = new Date(now.getTime() + ROTATION_GRACE_MS);
    return this.ds.transaction(async (tx) => {
      const rows: { format: SourceFormat }[] = await tx.query(`SELECT format FROM sources WHERE id = $1 FOR UPDATE`, [id]);
      if (rows.length === 0) throw ProblemException.notFound('No source with that id.');
      const secret = newSecret(rows[0].format, body.secret);
      await tx.query(
        `UPDATE sources SET previous_secret = secret, previous_secret_expires_at = $2, secret = $3, rotated_at = $4 WHERE id = $1`,
        [id, validUntil, secret, now],
      );
      return { id, secret, previousSecretValidUntil: validUntil.toISOString() };
    });
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List sources (never shows secrets or tokens)' })
  @ApiResponse({ status: 200, type: [SourceDto] })
  async list(): Promise<SourceDto[]> {
    const rows: any[] = await this.ds.query(
      `SELECT id, name, format, created_at, rotated_at, CASE WHEN previous_secret_expires_at > now() THEN previous_secret_expires_at END AS prev
       FROM sources ORDER BY created_at, id`,
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      format: r.format,
      createdAt: new Date(r.created_at).toISOString(),
      rotatedAt: r.rotated_at ? new Date(r.rotated_at).toISOString() : null,
      previousSecretValidUntil: r.prev ? new Date(r.prev).toISOString() : null,
      webhookPath: webhookPath(r.id),
    }));
  }
}
