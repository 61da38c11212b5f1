import { Module } from '@nestjs/common';
import { RulesController } from './rules.controller.js';

/** GET/PUT /rules: the follow-up rules as data, audited as events. */
@Module({ controllers: [RulesController] })
export class RulesModule {}
