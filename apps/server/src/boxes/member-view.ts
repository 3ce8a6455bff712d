import type { BoxRole, MemberDto } from '@genbox/contracts';

/**
 * A member as anyone in the box may see them: name and role, no email address. Emails go only to
 * owners (they invite and manage people); events reach every member, so they never carry one.
 */
export const memberForEveryone = ({ email: _email, ...m }: MemberDto): MemberDto => m;

/** The member as the caller, whose role in the box is `viewerRole`, may see them. */
export const memberFor = (viewerRole: BoxRole, m: MemberDto): MemberDto => (viewerRole === 'owner' ? m : memberForEveryone(m));
