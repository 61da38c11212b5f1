import { ApiProperty } from '@nestjs/swagger';

// The request body is the zod schema in touchpoint.schema.ts (validator and OpenAPI description in one).
export { FUTURE_TOLERANCE_MS } from '../../../../libs/shared/src/index.js';
export type { TouchpointDto } from './touchpoint.schema.js';

export class TouchpointResultDto {
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ description: 'Global position of the stored event.' }) position: number;
  @ApiProperty() duplicate: boolean;
}

export class BatchItemResultDto {
  @ApiProperty() index: number;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty() duplicate: boolean;
}

export class BatchResultDto {
  @ApiProperty() accepted: number;
  @ApiProperty() duplicates: number;
  @ApiProperty({ type: [BatchItemResultDto] }) results: BatchItemResultDto[];
}
