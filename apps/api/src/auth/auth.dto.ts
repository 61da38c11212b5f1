import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { apiSchema, email, ROLES, text, type Role } from '../../../../libs/shared/src/index.js';

export const LoginBody = apiSchema(
  'Login',
  z.strictObject({
    email: email().meta({ example: 'kari@example.com' }),
    password: text(1024, 1).meta({ example: 'a long passphrase' }),
  }),
);
export type LoginDto = z.output<typeof LoginBody>;

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
