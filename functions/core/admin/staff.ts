/** Back-office users (SPEC §5.2): `admin` may do everything, `csr` everything but the admin-only actions. */
export const staffGroups = ['admin', 'csr'] as const;
export type StaffGroup = (typeof staffGroups)[number];

export interface StaffMember {
  /** The identity provider's stable user id. */
  readonly sub: string;
  /** The sign-in name; orders' history and the audit trail name staff by it. */
  readonly username: string;
  readonly groups: readonly StaffGroup[];
}

/** Who may call a staff route: any staff member, or admins only. */
export type StaffRole = 'staff' | 'admin';

export const mayAct = (member: StaffMember, role: StaffRole): boolean => (role === 'admin' ? member.groups.includes('admin') : member.groups.length > 0);
