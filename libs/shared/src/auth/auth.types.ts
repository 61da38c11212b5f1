import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';

export const ROLES = ['admin', 'team_lead', 'account_manager', 'ops'] as const;
export type Role = (typeof ROLES)[number];

/** The signed-in caller, as the global guard puts it on the request. */
export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  teamLeadId: string | null;
}

export const IS_PUBLIC = 'closeness:public';
export const REQUIRED_ROLES = 'closeness:roles';

/** No authentication (health, login, signed webhooks). Every other route needs @Roles. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Which roles may call the route; the global guard refuses others. */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

/** Roles that may see customer data (ops may not). */
export const CUSTOMER_ROLES: Role[] = ['admin', 'team_lead', 'account_manager'];

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  return ctx.switchToHttp().getRequest().user as AuthUser;
});

export const ALLOW_SOURCE = 'closeness:allow-source';

/** A sending system authenticated by its source API token (`cls_src_...`), put on `req.source`. */
export interface SourceCaller {
  id: string;
  name: string;
  format: string;
}

/** The route also accepts a source API token (then `req.source` is set and `req.user` is not). */
export const AllowSource = () => SetMetadata(ALLOW_SOURCE, true);

export const CurrentSource = createParamDecorator((_: unknown, ctx: ExecutionContext): SourceCaller | undefined => {
  return ctx.switchToHttp().getRequest().source as SourceCaller | undefined;
});
