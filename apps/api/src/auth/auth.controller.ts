import { Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { APP_CONFIG, CurrentUser, Public, ROLES, Roles, ValidBody, type AppConfig, type AuthUser } from '../../../../libs/shared/src/index.js';
import type { AuthenticatedRequest } from './auth.guard.js';
import { LoginBody, LoginResponseDto, MeDto, type LoginDto } from './auth.dto.js';
import { AuthService } from './auth.service.js';
import { SESSION_COOKIE, tokenFromRequest } from './session.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in: returns a bearer token and sets the session cookie' })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiUnauthorizedResponse({ description: 'Wrong e-mail or password (the same answer for both).' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins from this IP or for this e-mail; see Retry-After.' })
  async login(@ValidBody(LoginBody) body: LoginDto, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<LoginResponseDto> {
    const result = await this.auth.login(body.email, body.password, req.ip ?? null, correlationOf(req));
    res.cookie(SESSION_COOKIE, result.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.COOKIE_SECURE,
      path: '/',
      expires: result.expiresAt,
    });
    return { token: result.token, user: result.user };
  }

  @Post('logout')
  @Roles(...ROLES)
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiCookieAuth()
  @ApiOperation({ summary: 'Sign out: revokes this session and clears the cookie' })
  @ApiNoContentResponse({ description: 'The session is revoked.' })
  async logout(@CurrentUser() user: AuthUser, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<void> {
    const token = tokenFromRequest(req);
    if (token) await this.auth.logout(token, user, correlationOf(req));
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: this.config.COOKIE_SECURE, path: '/' });
  }

  @Get('me')
  @Roles(...ROLES)
  @ApiBearerAuth()
  @ApiCookieAuth()
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: MeDto })
  me(@CurrentUser() user: AuthUser): MeDto {
    return { id: user.id, email: user.email, name: user.name, role: user.role, teamLeadId: user.teamLeadId };
  }
}

export function correlationOf(req: { id?: unknown }): string | undefined {
  return typeof req.id === 'string' ? req.id : undefined;
}
