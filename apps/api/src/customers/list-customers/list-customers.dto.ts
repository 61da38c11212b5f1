import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';

export class ListCustomersQuery {
  @ApiPropertyOptional({ enum: ['green', 'yellow', 'red'] })
  @IsOptional()
  @IsIn(['green', 'yellow', 'red'])
  band?: 'green' | 'yellow' | 'red';

  @ApiPropertyOptional({ enum: ['risk', 'health', 'name'], default: 'risk', description: 'risk: highest churn probability first; health: lowest score first; name: A–Z.' })
  @IsOptional()
  @IsIn(['risk', 'health', 'name'])
  sort?: 'risk' | 'health' | 'name';

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page (opaque).' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'Exactly this external id (the id in the CRM). Outside your reach: an empty list.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  externalId?: string;

  @ApiPropertyOptional({
    maxLength: 200,
    example: 'bjorn',
    description:
      'Name search: the customers whose name contains this, ignoring case and accents (é = e, å = a, ø = o, æ = ae, aa = a, so “bjorn haland” finds “Bjørn Håland” and “Haaland”).',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only the customers assigned to this user. Like every filter it narrows your reach, never widens it: for someone outside it (another team, another account manager) the list is empty.',
  })
  @IsOptional()
  @IsUUID()
  accountManagerId?: string;
}
