/** Codes for broken business invariants; the HTTP layer maps each to one status. */
export enum DomainErrorCode {
  CustomerNotFound = 'customer_not_found',
  CustomerAlreadyExists = 'customer_already_exists',
  ExternalIdTaken = 'external_id_taken',
  InvalidOutcome = 'invalid_outcome',
  InvalidPulse = 'invalid_pulse',
  FollowUpNotFound = 'follow_up_not_found',
  FollowUpAlreadyClosed = 'follow_up_already_closed',
  FollowUpNotOpen = 'follow_up_not_open',
  InvalidRules = 'invalid_rules',
  UserNotFound = 'user_not_found',
  EmailTaken = 'email_taken',
  InvalidTeamLead = 'invalid_team_lead',
  InvalidAccountManager = 'invalid_account_manager',
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
