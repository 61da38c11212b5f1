import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

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
}
