import { DomainError, DomainErrorCode } from '../errors.js';

/** Who is assigning (the caller). */
export interface Assigner {
  id: string;
  role: 'admin' | 'team_lead' | 'account_manager' | 'ops';
}

/** The user a customer would be assigned to, as the registry knows them (null: no such user). */
export interface AssignmentCandidate {
  id: string;
  role: string;
  teamLeadId: string | null;
  /** Not disabled. */
  active: boolean;
}

/**
 * The owner of a customer registered through the API: the one asked for; else nobody for an
 * admin, and the caller for anyone else (scoped callers keep what they create within reach).
 */
export function ownerOfNewCustomer(assigner: Assigner, requested: string | null | undefined): string | null {
  if (requested !== undefined) return requested;
  return assigner.role === 'admin' ? null : assigner.id;
}

/**
 * The owner of a customer a touchpoint creates (an unknown external id): the account manager who
 * reported the contact keeps it (else it would vanish from their reach); sources, admins and team
 * leads create it unassigned.
 */
export function ownerOfCustomerFromTouchpoint(assigner: Assigner | undefined): string | null {
  return assigner?.role === 'account_manager' ? assigner.id : null;
}

/**
 * Whether `assigner` may make `accountManagerId` the customer's owner; throws a DomainError
 * (invalid_account_manager) when not. Only an active account manager or team lead may own a
 * customer; a team lead assigns within their team (or to themselves), an account manager only to
 * themselves, and only an admin may leave a customer unassigned (that takes it out of every
 * scoped caller's reach). `candidate` is the target user as loaded (null: not found).
 */
export function assertMayAssign(assigner: Assigner, accountManagerId: string | null, candidate: AssignmentCandidate | null): void {
  if (accountManagerId === null) {
    if (assigner.role === 'admin') return;
    throw new DomainError(DomainErrorCode.InvalidAccountManager, 'Only an admin may leave a customer unassigned.');
  }
  if (!candidate || candidate.id !== accountManagerId || !candidate.active || (candidate.role !== 'account_manager' && candidate.role !== 'team_lead')) {
    throw new DomainError(DomainErrorCode.InvalidAccountManager, 'accountManagerId is not an active account manager.');
  }
  if (assigner.role === 'team_lead' && accountManagerId !== assigner.id && candidate.teamLeadId !== assigner.id) {
    throw new DomainError(DomainErrorCode.InvalidAccountManager, 'A team lead may assign customers only within their team.');
  }
  if (assigner.role === 'account_manager' && accountManagerId !== assigner.id) {
    throw new DomainError(DomainErrorCode.InvalidAccountManager, 'An account manager may assign customers only to themselves.');
  }
}
