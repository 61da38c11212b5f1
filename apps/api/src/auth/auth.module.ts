import { Inject, Logger, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule, HttpAdapterHost } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '../../../../libs/shared/src/index.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { LoginThrottle } from './login-throttle.js';
import { RateLimiter } from './rate-limit.js';
import { sameOriginWrites } from './same-origin.js';
import { SecurityDocs } from './security-docs.js';

/** Login/logout, the one global guard (auth, roles, source tokens, general rate limit), CSRF. */
@Module({
  imports: [DiscoveryModule],
  controllers: [AuthController],
  providers: [RateLimiter, LoginThrottle, AuthService, SecurityDocs, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, RateLimiter],
})
export class AuthModule {
  constructor(@Inject(HttpAdapterHost) host: HttpAdapterHost, @Inject(APP_CONFIG) config: AppConfig) {
    // Module constructors run inside NestFactory.create, before bootstrap adds body parsers and
    // before every route (Nest's, the queue dashboard's): a cross-site write with the session
    // cookie is refused before anything reads its body (same-origin.ts).
    const logger = new Logger('Auth');
    const app = host.httpAdapter?.getInstance?.() as { use?: (fn: unknown) => void } | undefined;
    app?.use?.(sameOriginWrites(config, (fields, msg) => logger.warn(fields, msg)));
  }
}
