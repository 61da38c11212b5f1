import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  Min,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { CHANNELS, type Channel, type Direction, type Handler, type Initiator, type Speaker, type SurveyKind } from '../../../../libs/relationship/src/index.js';

/** Clock skew allowance: a touchpoint may be stamped a little ahead of our clock, never more. */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

function NotFarInFuture(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'notFarInFuture',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must not be more than 5 minutes in the future`, ...options },
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || Number.isNaN(Date.parse(value)) || Date.parse(value) <= Date.now() + FUTURE_TOLERANCE_MS,
      },
    });
}

const SURVEY_RANGES: Record<SurveyKind, [number, number]> = { nps: [0, 10], csat: [1, 5], ces: [1, 7] };

function ScoreInRangeForKind(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'scoreInRangeForKind',
      target: object.constructor,
      propertyName,
      options: {
        message: (args: ValidationArguments) => {
          const range = SURVEY_RANGES[(args.object as SurveyDto).kind];
          return range ? `score must be between ${range[0]} and ${range[1]} for ${(args.object as SurveyDto).kind}` : 'score needs a valid kind';
        },
        ...options,
      },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const range = SURVEY_RANGES[(args.object as SurveyDto).kind];
          return typeof value === 'number' && range !== undefined && value >= range[0] && value <= range[1];
        },
      },
    });
}

export class AgentDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  id?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}

export class TranscriptTurnDto {
  @ApiProperty({ enum: ['customer', 'agent', 'bot'] })
  @IsIn(['customer', 'agent', 'bot'])
  speaker: Speaker;

  @ApiProperty({ maxLength: 5000 })
  @IsString()
  @MaxLength(5000)
  text: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  at?: string;
}

export class SurveyDto {
  @ApiProperty({ enum: ['nps', 'csat', 'ces'] })
  @IsIn(['nps', 'csat', 'ces'])
  kind: SurveyKind;

  @ApiProperty({ description: 'nps 0–10, csat 1–5, ces 1–7' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @ScoreInRangeForKind()
  score: number;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  comment?: string;
}

/** The contract's touchpoint body (POST /touchpoints, batch items, webhook payloads). */
export class TouchpointDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Idempotency key and event id. Else derived from source + externalId, else new.' })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'The id in the sending system.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  externalId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Either customerId or customerExternalId is required; customerId wins when both are given.' })
  @ValidateIf((o: TouchpointDto) => o.customerExternalId === undefined || o.customerId !== undefined)
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'An unknown external id creates an unassigned customer.' })
  @ValidateIf((o: TouchpointDto) => o.customerId === undefined || o.customerExternalId !== undefined)
  @IsString()
  @Length(1, 200)
  customerExternalId?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'Name for a customer created from customerExternalId.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  customerName?: string;

  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS as unknown as string[])
  channel: Channel;

  @ApiProperty({ enum: ['inbound', 'outbound'] })
  @IsIn(['inbound', 'outbound'])
  direction: Direction;

  @ApiProperty({ enum: ['customer', 'company'] })
  @IsIn(['customer', 'company'])
  initiatedBy: Initiator;

  @ApiProperty({ enum: ['human', 'automation'] })
  @IsIn(['human', 'automation'])
  handledBy: Handler;

  @ApiProperty({ format: 'date-time', description: 'Not more than 5 minutes in the future.' })
  @IsDefined()
  @IsISO8601({ strict: true })
  @NotFarInFuture()
  occurredAt: string;

  @ApiPropertyOptional({ type: AgentDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AgentDto)
  agent?: AgentDto;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  durationSeconds?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  waitSeconds?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  handoffs?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  resolved?: boolean;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  topic?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  subject?: string;

  @ApiPropertyOptional({ maxLength: 10000 })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  summary?: string;

  @ApiPropertyOptional({ type: [TranscriptTurnDto], maxItems: 500 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => TranscriptTurnDto)
  transcript?: TranscriptTurnDto[];

  @ApiPropertyOptional({ type: SurveyDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SurveyDto)
  survey?: SurveyDto;

  @ApiPropertyOptional({ format: 'uuid', description: 'The touchpoint this one answers.' })
  @IsOptional()
  @IsUUID()
  replyToId?: string;

  @ApiPropertyOptional({ description: 'BCP-47 tag, e.g. en, nb' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, { message: 'language must be a BCP-47 tag such as en or nb-NO' })
  language?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 20 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  tags?: string[];
}

export class TouchpointBatchDto {
  @ApiProperty({ type: [TouchpointDto], minItems: 1, maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => TouchpointDto)
  touchpoints: TouchpointDto[];
}

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
