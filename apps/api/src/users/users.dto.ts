import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { apiSchema, email, ROLES, text, uuid, type Role } from '../../../../libs/shared/src/index.js';

export const CreateUserBody = apiSchema(
  'CreateUser',
  z.strictObject({
    email: email(),
    name: text(200, 1),
    password: text(1024, 8).meta({ description: 'Stored only as a salted scrypt hash.' }),
    role: z.enum(ROLES),
    teamLeadId: uuid().meta({ description: 'The team lead of an account manager.' }).optional(),
  }),
);
export type CreateUserDto = z.output<typeof CreateUserBody>;

export const UpdateUserBody = apiSchema(
  'UpdateUser',
  z.strictObject({
    name: text(200, 1).optional(),
    role: z.enum(ROLES).optional(),
    teamLeadId: uuid().meta({ description: 'null removes the account manager from their team.' }).nullish(),
    disabled: z.boolean().meta({ description: 'A disabled user cannot sign in; their sessions are revoked.' }).optional(),
  }),
);
export type UpdateUserDto = z.output<typeof UpdateUserBody>;

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  email: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: ROLES })
  role: Role;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  teamLeadId: string | null;

  @ApiProperty()
  disabled: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class UserListDto {
  @ApiProperty({ type: [UserDto] })
  items: UserDto[];
}
