import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Counter, register } from 'prom-client';
import { DataSource } from 'typeorm';
import { alreadyDecided, EventStore } from '../../../../libs/event-store/src/index.js';
import { userStream, type UserLoggedIn, type UserLoggedOut, type UserLoginFailed } from '../../../../libs/relationship/src/index.js';
import { APP_CONFIG, Clock, IdGenerator, ProblemException, normalizeEmail, type AppConfig, type AuthUser } from '../../../../libs/shared/src/index.js';
import { LoginThrottle } from './login-throttle.js';
import { hashPassword, verifyPassword } from './password.js';
import { newSessionToken, sha256Hex } from './session.js';

// One counter per process; unknown e-mails are only counted here (they have no user stream).
const loginsTotal =
  (register.getSingleMetric('closeness_logins_total') as Counter<'outcome'> | undefined) ??
  new Counter({ name: 'closeness_logins_total', help: 'Login attempts by outcome (succeeded, failed, throttled)', labelNames: ['outcome'] as const });

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: Pick<AuthUser, 'id' | 'email' | 'name' | 'role'>;
}

const wrongCredentials = () => ProblemException.of(401, 'invalid-credentials', 'The e-mail or password is wrong.');

@Injectable()
export class AuthService implements OnModuleInit {
  private readonly logger = new Logger('Auth');
  // Verified against when the e-mail is unknown, so both answers cost the same scrypt work.
  private dummyHash: Promise<string>;

  constructor(
    private readonly db: DataSource,
    private readonly events: EventStore,
    private readonly throttle: LoginThrottle,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit() {
    this.dummyHash = hashPassword(randomBytes(24).toString('base64url'));
  }

  async login(email: string, password: string, ip: string | null, correlationId?: string): Promise<LoginResult> {
    const keys = this.throttle.keys(ip, email);
    try {
      await this.throttle.reserve(keys);
    } catch (err) {
      loginsTotal.inc({ outcome: 'throttled' });
      throw err;
    }
    const rows: any[] = await this.db.query(
      `SELECT id, email, name, role, password_hash, disabled_at FROM users WHERE email_key = $1`,
      [normalizeEmail(email)],
    );
    const row = rows[0];
    const passwordOk = await verifyPassword(password, row?.password_hash ?? (await this.dummyHash));
    const at = this.clock.now().toISOString();

    if (!row || !passwordOk || row.disabled_at) {
      loginsTotal.inc({ outcome: 'failed' });
      if (row) {
        const event: { id: string } & UserLoginFailed = {
          id: this.ids.next(),
          type: 'UserLoginFailed',
          data: { userId: row.id, reason: passwordOk ? 'disabled' : 'wrong_password', ip, at },
        };
        await this.events.handle(userStream(row.id), alreadyDecided, [event], { correlationId: correlationId ?? this.ids.next(), actorId: row.id });
      }
      throw wrongCredentials();
    }

    const token = newSessionToken();
    const expiresAt = await this.events.transaction(async (tx) => {
      const inserted: { expires_at: Date }[] = await tx.query(
        `INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, now() + $3 * interval '1 hour') RETURNING expires_at`,
        [sha256Hex(token), row.id, this.config.SESSION_TTL_HOURS],
      );
      // Housekeeping: the user's sessions that ended long ago.
      await tx.query(`DELETE FROM sessions WHERE user_id = $1 AND (expires_at < now() - interval '7 days' OR revoked_at < now() - interval '7 days')`, [row.id]);
      const event: { id: string } & UserLoggedIn = { id: this.ids.next(), type: 'UserLoggedIn', data: { userId: row.id, ip, at } };
      await this.events.handle(userStream(row.id), alreadyDecided, [event], { correlationId: correlationId ?? this.ids.next(), actorId: row.id, tx });
      return new Date(inserted[0].expires_at);
    });
    await this.throttle.succeeded(keys).catch((err) => this.logger.warn({ err }, 'could not reset the login counter'));
    loginsTotal.inc({ outcome: 'succeeded' });
    return { token, expiresAt, user: { id: row.id, email: row.email, name: row.name, role: row.role } };
  }

  /** Revokes the session behind the token; a second logout is a no-op. */
  async logout(token: string, user: AuthUser, correlationId?: string): Promise<void> {
    await this.events.transaction(async (tx) => {
      const [, revoked] = await tx.query(`UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL`, [sha256Hex(token)]);
      if (!revoked) return;
      const event: { id: string } & UserLoggedOut = { id: this.ids.next(), type: 'UserLoggedOut', data: { userId: user.id, at: this.clock.now().toISOString() } };
      await this.events.handle(userStream(user.id), alreadyDecided, [event], { correlationId: correlationId ?? this.ids.next(), actorId: user.id, tx });
    });
  }
}
