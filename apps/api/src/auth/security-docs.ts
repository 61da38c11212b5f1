import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { IS_PUBLIC } from '../../../../libs/shared/src/index.js';

const API_SECURITY = 'swagger/apiSecurity';
const SECURITY = [{ bearer: [] }, { cookie: [] }];

/**
 * Keeps the OpenAPI document honest about auth: every route the guard protects is marked with
 * the bearer and cookie schemes even when its controller forgot `@ApiBearerAuth()`; public routes
 * are left without security. Runs before the (lazily built) document is first served.
 */
@Injectable()
export class SecurityDocs implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit() {
    for (const wrapper of this.discovery.getControllers()) {
      const type = wrapper.metatype as (new (...args: any[]) => unknown) | null;
      if (!type?.prototype) continue;
      const classSecured = Reflect.getMetadata(API_SECURITY, type) !== undefined;
      for (const name of this.scanner.getAllMethodNames(type.prototype)) {
        const handler = type.prototype[name];
        if (typeof handler !== 'function' || Reflect.getMetadata('path', handler) === undefined) continue;
        if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, type])) continue;
        if (!classSecured && Reflect.getMetadata(API_SECURITY, handler) === undefined) Reflect.defineMetadata(API_SECURITY, SECURITY, handler);
      }
    }
  }
}
