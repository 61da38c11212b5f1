import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { apiSchema, text } from '../../../../libs/shared/src/index.js';

export const SOURCE_FORMATS = ['touchpoint', 'cloudevents', 'hubspot', 'zendesk', 'intercom'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

export const CreateSourceBody = apiSchema(
  'CreateSource',
  z.strictObject({
    name: text(200, 1),
    format: z.enum(SOURCE_FORMATS).meta({ description: 'How deliveries are signed and shaped.' }),
    secret: text(500, 16)
      .meta({
        description:
          'Vendor formats only: the signing secret the vendor gave you (Zendesk webhook signing secret, Intercom or HubSpot app client secret). ' +
          'Generated when omitted; touchpoint and cloudevents sources always get a generated Standard Webhooks secret (whsec_...).',
      })
      .optional(),
  }),
);
export type CreateSourceDto = z.output<typeof CreateSourceBody>;

export const RotateSecretBody = apiSchema(
  'RotateSecret',
  z.strictObject({ secret: text(500, 16).meta({ description: 'Vendor formats only: the new vendor secret. Generated when omitted.' }).optional() }),
);
export type RotateSecretDto = z.output<typeof RotateSecretBody>;

export class SourceCreatedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: SOURCE_FORMATS }) format: SourceFormat;
  @ApiProperty({ description: 'Signing secret, shown once.' }) secret: string;
  @ApiProperty({ description: 'API token (cls_src_...) for POST /touchpoints as this source, shown once.' }) token: string;
  @ApiProperty({ description: 'Where the source posts its webhooks.' }) webhookPath: string;
}

export class SecretRotatedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'The new signing secret, shown once.' }) secret: string;
  @ApiProperty({ format: 'date-time', description: 'The previous secret is still accepted until then (24 hours).' }) previousSecretValidUntil: string;
}

export class SourceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: SOURCE_FORMATS }) format: SourceFormat;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true }) rotatedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, description: 'Until when the previous secret is still accepted.' }) previousSecretValidUntil: string | null;
  @ApiProperty() webhookPath: string;
}
