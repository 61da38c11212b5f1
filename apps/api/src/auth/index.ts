export { SESSION_COOKIE, SOURCE_TOKEN_PREFIX, resolveSession, resolveSource, tokenFromRequest, sha256Hex, newSessionToken } from './session.js';
export { hashPassword, verifyPassword } from './password.js';
export { AuthModule } from './auth.module.js';
export type { AuthenticatedRequest } from './auth.guard.js';
