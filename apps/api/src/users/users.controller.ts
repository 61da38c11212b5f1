import { Controller, Get, Param, ParseUUIDPipe, Patch, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCookieAuth, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentUser, ProblemException, Roles, ValidBody, type AuthUser } from '../../../../libs/shared/src/index.js';
import { correlationOf } from '../auth/auth.controller.js';
import { CreateUserBody, UpdateUserBody, UserDto, UserListDto, type CreateUserDto, type UpdateUserDto } from './users.dto.js';
import { UsersService } from './users.service.js';


@ApiTags('users')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create a user (admin)' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiConflictResponse({ description: 'A user with that e-mail exists.' })
  @ApiUnprocessableEntityResponse({ description: 'Invalid fields, e.g. teamLeadId is not a team lead.' })
  create(@ValidBody(CreateUserBody) body: CreateUserDto, @CurrentUser() actor: AuthUser, @Req() req: { id?: unknown }): Promise<UserDto> {
    return this.users.create(body, actor, correlationOf(req));
  }

  @Get()
  @Roles('admin', 'team_lead')
  @ApiOperation({ summary: 'Users: all for an admin, their team for a team lead' })
  @ApiOkResponse({ type: UserListDto })
  async list(@CurrentUser() actor: AuthUser): Promise<UserListDto> {
    return { items: await this.users.list(actor) };
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a user: name, role, team lead, disabled (admin)' })
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ description: 'No such user.' })
  @ApiConflictResponse({ description: 'Would lock yourself out, or a team lead still has a team.' })
  update(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => ProblemException.notFound('No user with that id.') })) id: string, @ValidBody(UpdateUserBody) body: UpdateUserDto, @CurrentUser() actor: AuthUser, @Req() req: { id?: unknown }): Promise<UserDto> {
    return this.users.update(id, body, actor, correlationOf(req));
  }
}
