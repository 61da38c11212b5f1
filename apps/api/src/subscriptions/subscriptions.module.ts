import { Module } from '@nestjs/common';
import { SubscriptionsController } from './subscriptions.controller.js';

/** Outbound webhook subscriptions and their delivery log (deliveries are made by the worker). */
@Module({ controllers: [SubscriptionsController] })
export class SubscriptionsModule {}
