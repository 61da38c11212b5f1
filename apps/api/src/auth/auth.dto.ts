import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { ROLES, type Role } from '../../../../libs/shared/src/index.js';

export class LoginDto {
  @ApiProperty({ example: 'kari@example.com', maxLength: 254 })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'a long passphrase', minLength: 1, maxLength: 1024 })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;
}

export class SessionUserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'kari@example.com' })
  email: string;

  @ApiProperty({ example: 'Kari Nordmann' })
  name: string;

  @ApiProperty({ enum: ROLES })
  role: Role;
}

export class LoginResponseDto {
  @ApiProperty({ description: 'Bearer token; also set as the httpOnly `closeness_session` cookie.' })
  token: string;

  @ApiProperty({ type: SessionUserDto })
  user: SessionUserDto;
}

export class MeDto extends SessionUserDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  teamLeadId: string | null;
}
