import { DomainErrorCode } from '../errors.js';
import { assertMayAssign, ownerOfCustomerFromTouchpoint, ownerOfNewCustomer, type AssignmentCandidate, type Assigner } from './assignment.js';

const admin: Assigner = { id: 'admin-1', role: 'admin' };
const lead: Assigner = { id: 'lead-1', role: 'team_lead' };
const am: Assigner = { id: 'am-1', role: 'account_manager' };
const member = (over: Partial<AssignmentCandidate> = {}): AssignmentCandidate => ({ id: 'am-2', role: 'account_manager', teamLeadId: 'lead-1', active: true, ...over });
const refusal = (f: () => void) => {
  try {
    f();
  } catch (err) {
    return err as { code: string; message: string };
  }
  return undefined;
};

describe('customer assignment', () => {
  describe('the owner of a new customer', () => {
    it('given an owner asked for, then that one, whoever asks', () => {
      expect(ownerOfNewCustomer(am, 'am-2')).toBe('am-2');
      expect(ownerOfNewCustomer(admin, null)).toBeNull();
    });
    it('given none asked for, then nobody for an admin and the caller for anyone else', () => {
      expect(ownerOfNewCustomer(admin, undefined)).toBeNull();
      expect(ownerOfNewCustomer(lead, undefined)).toBe('lead-1');
      expect(ownerOfNewCustomer(am, undefined)).toBe('am-1');
    });
    it('given a customer created by a touchpoint, then the reporting account manager keeps it; others leave it unassigned', () => {
      expect(ownerOfCustomerFromTouchpoint(am)).toBe('am-1');
      expect(ownerOfCustomerFromTouchpoint(lead)).toBeNull();
      expect(ownerOfCustomerFromTouchpoint(undefined)).toBeNull(); // a source
    });
  });

  describe('who may assign whom', () => {
    it('given an admin, when assigning any active account manager or team lead, or nobody, then it is allowed', () => {
      expect(refusal(() => assertMayAssign(admin, 'am-2', member()))).toBeUndefined();
      expect(refusal(() => assertMayAssign(admin, 'lead-2', member({ id: 'lead-2', role: 'team_lead', teamLeadId: null })))).toBeUndefined();
      expect(refusal(() => assertMayAssign(admin, null, null))).toBeUndefined();
    });
    it('given anyone but an admin, when leaving a customer unassigned, then it is refused', () => {
      for (const who of [lead, am]) expect(refusal(() => assertMayAssign(who, null, null))?.code).toBe(DomainErrorCode.InvalidAccountManager);
    });
    it('given a target that is unknown, disabled, or neither account manager nor team lead, then it is refused', () => {
      expect(refusal(() => assertMayAssign(admin, 'am-2', null))?.message).toMatch(/not an active account manager/);
      expect(refusal(() => assertMayAssign(admin, 'am-2', member({ active: false })))?.message).toMatch(/not an active account manager/);
      expect(refusal(() => assertMayAssign(admin, 'ops-1', member({ id: 'ops-1', role: 'ops' })))?.message).toMatch(/not an active account manager/);
    });
    it('given a team lead, then within their team or to themselves only', () => {
      expect(refusal(() => assertMayAssign(lead, 'am-2', member()))).toBeUndefined();
      expect(refusal(() => assertMayAssign(lead, 'lead-1', member({ id: 'lead-1', role: 'team_lead', teamLeadId: null })))).toBeUndefined();
      expect(refusal(() => assertMayAssign(lead, 'am-9', member({ id: 'am-9', teamLeadId: 'lead-2' })))?.message).toMatch(/within their team/);
    });
    it('given an account manager, then to themselves only', () => {
      expect(refusal(() => assertMayAssign(am, 'am-1', member({ id: 'am-1' })))).toBeUndefined();
      expect(refusal(() => assertMayAssign(am, 'am-2', member()))?.message).toMatch(/only to themselves/);
    });
  });
});
