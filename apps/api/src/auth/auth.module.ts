import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { LoginThrottle } from './login-throttle.js';
import { RateLimiter } from './rate-limit.js';
import { SecurityDocs } from './security-docs.js';

/** Login/logout, the one global guard (auth, roles, source tokens, general rate limit). */
@Module({
  imports: [DiscoveryModule],
  controllers: [AuthController],
  providers: [RateLimiter, LoginThrottle, AuthService, SecurityDocs, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, RateLimiter],
})
export class AuthModule {}
