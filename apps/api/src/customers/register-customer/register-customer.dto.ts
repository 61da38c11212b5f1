import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsNumber, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateIf } from 'class-validator';

export class RegisterCustomerDto {
  @ApiProperty({ maxLength: 200, description: 'The id in the CRM; unique (409 when taken).' })
  @IsString()
  @Length(1, 200)
  externalId: string;

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ maxLength: 100, nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  segment?: string | null;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    description: 'An active account manager or team lead. Team leads assign within their team; account managers create customers assigned to themselves (the default for them).',
  })
  @IsOptional()
  @IsUUID()
  accountManagerId?: string | null;

  @ApiPropertyOptional({ format: 'date', nullable: true, example: '2027-03-31' })
  @IsOptional()
  @IsISO8601({ strict: true })
  renewalDate?: string | null;

  @ApiPropertyOptional({ minimum: 0, nullable: true })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(999_999_999_999)
  annualValue?: number | null;
}

/** PATCH: every field optional; segment, accountManagerId, renewalDate and annualValue may be null to clear. */
export class ChangeCustomerDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @ValidateIf((o: ChangeCustomerDto) => o.externalId !== undefined)
  @IsString()
  @Length(1, 200)
  externalId?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @ValidateIf((o: ChangeCustomerDto) => o.name !== undefined)
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ maxLength: 100, nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  segment?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'null unassigns (admin only in practice: scoped callers would lose the customer).' })
  @IsOptional()
  @IsUUID()
  accountManagerId?: string | null;

  @ApiPropertyOptional({ format: 'date', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true })
  renewalDate?: string | null;

  @ApiPropertyOptional({ minimum: 0, nullable: true })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(999_999_999_999)
  annualValue?: number | null;
}

/** Renewal dates are calendar dates: keep the date part of whatever ISO value came in. */
export const toDate = (v: string | null | undefined) => (v === undefined || v === null ? v : v.slice(0, 10));
