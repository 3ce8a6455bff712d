import { Injectable } from '@nestjs/common';
import type { AuthResponse } from '@genbox/contracts';
import { AppError } from '../common/app-error.js';
import { PasswordHasher } from './password-hasher.js';
import { SignIns } from './sign-ins.js';
import { type Principal, TokenService } from './token.service.js';
import { UsersRepository, toUserDto, type UserRow } from './users.repository.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: TokenService,
    private readonly passwords: PasswordHasher,
    private readonly signIns: SignIns,
  ) {}

  async register(input: { email: string; password: string; display_name: string }): Promise<AuthResponse> {
    // cheap check first: a taken email costs no argon2 (and registering has to say "taken" anyway)
    if (await this.users.findByEmail(input.email)) throw taken(input.email);
    const passwordHash = await this.passwords.hash(input.password);
    const user = await this.users.insert({ email: input.email, displayName: input.display_name, passwordHash });
    if (!user) throw taken(input.email);
    return this.session(user);
  }

  async login(input: { email: string; password: string }): Promise<AuthResponse> {
    const user = await this.users.findByEmail(input.email);
    // the same answer, after the same work, for an unknown email and a wrong password: no account probing
    if (!(await this.passwords.verify(user?.password_hash ?? null, input.password)) || !user) throw new AppError('unauthorized', 'Wrong email or password');
    return this.session(user);
  }

  /** The caller as stored now: the request's user may be a few seconds old (PrincipalCache), credits move. */
  async me(userId: string): Promise<UserRow> {
    const user = await this.users.findById(userId);
    if (!user) throw new AppError('unauthorized', 'This account no longer exists');
    return user;
  }

  /** Ends the session (or API token) the request was made with. */
  async logout(caller: Principal): Promise<void> {
    await this.tokens.revoke(caller, caller.access.tokenId);
  }

  /** Only from a login session; every other session of the user ends (API tokens stay). */
  async changePassword(caller: Principal, input: { current_password: string; new_password: string }): Promise<void> {
    if (caller.access.kind !== 'session') throw new AppError('forbidden', 'Change the password from a login session, not with an API token');
    if (!(await this.passwords.verify((await this.me(caller.user.id)).password_hash, input.current_password))) throw new AppError('validation_failed', 'current_password: is not your current password');
    await this.users.setPassword(caller.user.id, await this.passwords.hash(input.new_password));
    await this.tokens.endOtherSessions(caller.user.id, caller.access.tokenId);
  }

  private async session(user: UserRow): Promise<AuthResponse> {
    await this.signIns.signedIn(user);
    return { user: toUserDto(user), token: await this.tokens.issueSession(user.id) };
  }
}

const taken = (email: string) => new AppError('conflict', `An account with the email ${email} already exists`);
