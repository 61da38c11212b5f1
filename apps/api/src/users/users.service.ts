import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { alreadyDecided, EventStore, type Queryable } from '../../../../libs/event-store/src/index.js';
import { userStream, type UserChanged, type UserCreated } from '../../../../libs/relationship/src/index.js';
import { APP_CONFIG, IdGenerator, ProblemException, normalizeEmail, type AppConfig, type AuthUser, type Role } from '../../../../libs/shared/src/index.js';
import { hashPassword } from '../auth/password.js';
import type { CreateUserDto, UpdateUserDto, UserDto } from './users.dto.js';

const COLUMNS = `id, email, name, role, team_lead_id, disabled_at, created_at`;

function toDto(r: any): UserDto {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    teamLeadId: r.team_lead_id ?? null,
    disabled: r.disabled_at != null,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

const badTeamLead = (message = 'must be the id of an active team lead') => ProblemException.validation([{ path: 'teamLeadId', message }]);
const userNotFound = () => ProblemException.notFound('No user with that id.');

/** Users and their audit trail: every change is appended to `user-<id>` in the same transaction. */
@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Users');

  constructor(
    private readonly db: DataSource,
    private readonly events: EventStore,
    private readonly ids: IdGenerator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap() {
    if (this.config.ADMIN_EMAIL && this.config.ADMIN_PASSWORD) await this.ensureFirstAdmin(this.config.ADMIN_EMAIL, this.config.ADMIN_PASSWORD);
  }

  /**
   * Creates the first admin when there is no user at all. Several api processes start at once:
   * the advisory lock serialises them, so exactly one creates it (the unique e-mail index backs that up).
   */
  async ensureFirstAdmin(email: string, password: string): Promise<boolean> {
    const passwordHash = await hashPassword(password);
    const created = await this.events.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('closeness:first-admin'))`);
      const any: any[] = await tx.query(`SELECT 1 FROM users LIMIT 1`);
      if (any.length > 0) return false;
      const id = this.ids.next();
      const key = normalizeEmail(email);
      const rows: any[] = await tx.query(
        `INSERT INTO users (id, email, email_key, name, role, password_hash) VALUES ($1, $2, $2, 'Administrator', 'admin', $3)
         ON CONFLICT (email_key) DO NOTHING RETURNING id`,
        [id, key, passwordHash],
      );
      if (rows.length === 0) return false;
      await this.appendCreated(tx, { userId: id, email: key, name: 'Administrator', role: 'admin', teamLeadId: null }, 'system');
      return true;
    });
    if (created) this.logger.log('created the first admin from ADMIN_EMAIL');
    return created;
  }

  async create(input: CreateUserDto, actor: AuthUser, correlationId?: string): Promise<UserDto> {
    const teamLeadId = input.teamLeadId ?? null;
    if (teamLeadId && input.role !== 'account_manager') throw badTeamLead('only an account manager has a team lead');
    const passwordHash = await hashPassword(input.password);
    const id = this.ids.next();
    // One spelling everywhere (#19.5): stored, unique and looked up as normalizeEmail gives it.
    const email = normalizeEmail(input.email);
    return this.events.transaction(async (tx) => {
      if (teamLeadId) await this.lockTeamLead(tx, teamLeadId);
      const rows: any[] = await tx.query(
        `INSERT INTO users (id, email, email_key, name, role, team_lead_id, password_hash) VALUES ($1, $2, $2, $3, $4, $5, $6)
         ON CONFLICT (email_key) DO NOTHING RETURNING ${COLUMNS}`,
        [id, email, input.name, input.role, teamLeadId, passwordHash],
      );
      if (rows.length === 0) throw ProblemException.conflict('A user with that e-mail already exists.', 'email-taken');
      await this.appendCreated(tx, { userId: id, email, name: input.name, role: input.role, teamLeadId }, actor.id, correlationId);
      return toDto(rows[0]);
    });
  }

  /** Admin: everyone. Team lead: themself and their team. */
  async list(actor: AuthUser): Promise<UserDto[]> {
    const rows: any[] =
      actor.role === 'admin'
        ? await this.db.query(`SELECT ${COLUMNS} FROM users ORDER BY email_key`)
        : await this.db.query(`SELECT ${COLUMNS} FROM users WHERE id = $1 OR team_lead_id = $1 ORDER BY email_key`, [actor.id]);
    return rows.map(toDto);
  }

  async update(id: string, patch: UpdateUserDto, actor: AuthUser, correlationId?: string): Promise<UserDto> {
    return this.events.transaction(async (tx) => {
      const found: any[] = await tx.query(`SELECT ${COLUMNS} FROM users WHERE id = $1 FOR UPDATE`, [id]);
      if (found.length === 0) throw userNotFound();
      const cur = found[0];
      const role: Role = patch.role ?? cur.role;
      // Leaving the account manager role also leaves the team, unless the caller says otherwise.
      let teamLeadId: string | null = patch.teamLeadId !== undefined ? patch.teamLeadId : role === 'account_manager' ? (cur.team_lead_id ?? null) : null;
      if (teamLeadId && role !== 'account_manager') throw badTeamLead('only an account manager has a team lead');
      if (teamLeadId === id) throw badTeamLead('a user cannot lead themself');
      if (teamLeadId && teamLeadId !== cur.team_lead_id) await this.lockTeamLead(tx, teamLeadId);
      teamLeadId = teamLeadId ?? null;

      if (actor.id === id && (role !== 'admin' || patch.disabled === true)) {
        throw ProblemException.conflict('You cannot demote or disable yourself.', 'self-lockout');
      }
      if (cur.role === 'team_lead' && role !== 'team_lead') {
        const members: any[] = await tx.query(`SELECT count(*)::int AS n FROM users WHERE team_lead_id = $1`, [id]);
        if (members[0].n > 0) throw ProblemException.conflict(`This team lead still leads ${members[0].n} account manager(s); move them first.`, 'team-not-empty');
      }

      const changes: UserChanged['data']['changes'] = {};
      if (patch.name !== undefined && patch.name !== cur.name) changes.name = patch.name;
      if (role !== cur.role) changes.role = role;
      if (teamLeadId !== (cur.team_lead_id ?? null)) changes.teamLeadId = teamLeadId;
      if (patch.disabled !== undefined && patch.disabled !== (cur.disabled_at != null)) changes.disabled = patch.disabled;
      if (Object.keys(changes).length === 0) return toDto(cur);

      const [updated]: [any[], number] = await tx.query(
        `UPDATE users SET name = $2, role = $3, team_lead_id = $4,
                disabled_at = CASE WHEN $5::boolean IS NULL THEN disabled_at WHEN $5 THEN now() ELSE NULL END,
                updated_at = now()
          WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, changes.name ?? cur.name, role, teamLeadId, changes.disabled ?? null],
      );
      // A disabled user, or one whose role changed, signs in again.
      if (changes.disabled === true || changes.role) {
        await tx.query(`UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [id]);
      }
      const event: { id: string } & UserChanged = { id: this.ids.next(), type: 'UserChanged', data: { userId: id, changes } };
      await this.events.handle(userStream(id), alreadyDecided, [event], { correlationId: correlationId ?? this.ids.next(), actorId: actor.id, tx });
      return toDto(updated[0]);
    });
  }

  // FOR SHARE: the team lead cannot be demoted or disabled while we attach someone to them.
  private async lockTeamLead(tx: Queryable, teamLeadId: string) {
    const rows: any[] = await tx.query(`SELECT 1 FROM users WHERE id = $1 AND role = 'team_lead' AND disabled_at IS NULL FOR SHARE`, [teamLeadId]);
    if (rows.length === 0) throw badTeamLead();
  }

  private async appendCreated(tx: Queryable, data: UserCreated['data'], actorId: string, correlationId?: string) {
    const event: { id: string } & UserCreated = { id: this.ids.next(), type: 'UserCreated', data };
    // Without a request (the first admin at start-up) the write starts a flow of its own.
    await this.events.handle(userStream(data.userId), alreadyDecided, [event], { correlationId: correlationId ?? this.ids.next(), actorId, tx, expectedVersion: 'no_stream' });
  }
}
