import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { ALLOW_SOURCE, IS_PUBLIC, ProblemException, REQUIRED_ROLES, type AuthUser, type Role, type SourceCaller } from '../../../../libs/shared/src/index.js';
import { resolveSession, resolveSource, SOURCE_TOKEN_PREFIX, tokenFromRequest } from './session.js';

export type AuthenticatedRequest = Request & { user?: AuthUser; source?: SourceCaller; cookies?: Record<string, string> };

const unauthorized = (detail: string) => ProblemException.of(401, 'unauthorized', detail, {}, { 'WWW-Authenticate': 'Bearer' });
const forbidden = (detail: string) => ProblemException.of(403, 'forbidden', detail);

/**
 * The one global guard. Deny by default: a route is reachable only when it is marked
 * `@Public()` or names its roles with `@Roles(...)`; `@AllowSource()` routes also take a source
 * API token. (The general rate limit runs before it, ahead of the body: rate-limit.ts.)
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly db: DataSource,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();

    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    const allowSource = this.reflector.getAllAndOverride<boolean>(ALLOW_SOURCE, targets) === true;

    const token = tokenFromRequest(req);
    if (!token) throw unauthorized('Authentication is required: send a bearer token or the session cookie.');

    if (token.startsWith(SOURCE_TOKEN_PREFIX)) {
      const source = await resolveSource(this.db, token);
      if (!source) throw unauthorized('The token is invalid, expired or revoked.');
      if (!allowSource) throw forbidden('A source token may only record touchpoints.');
      req.source = source;
      return true;
    }

    const user = await resolveSession(this.db, token);
    if (!user) throw unauthorized('The token is invalid, expired or revoked.');
    req.user = user;
    // A route that forgot to say who may call it is closed to everyone.
    if (!roles || !roles.includes(user.role)) throw forbidden('Your role may not do this.');
    return true;
  }
}
