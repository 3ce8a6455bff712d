import { Injectable } from '@nestjs/common';
import type { AuthResponse } from '@genbox/contracts';
import { AppError } from '../common/app-error.js';
import { PasswordHasher } from './password-hasher.js';
import { RequestLimits, type SignInAttempt } from './request-limits.js';
import { SignIns } from './sign-ins.js';
import { type Principal, TokenService } from './token.service.js';
import { UsersRepository, toUserDto, type UserRow } from './users.repository.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: TokenService,
    private readonly passwords: PasswordHasher,
    private readonly limits: RequestLimits,
    private readonly signIns: SignIns,
  ) {}

  /** `address`: the client's, for the per-address allowance; a registration always counts against it. */
  async register(input: { email: string; password: string; display_name: string }, address: string): Promise<AuthResponse> {
    const attempt = await this.limits.signIn(input.email, address);
    // cheap checks first: a taken email costs no argon2 (and registering has to say "taken" anyway)
    if (await this.users.findByEmail(input.email)) throw taken(input.email);
    const passwordHash = await this.passwords.hash(input.password).catch(this.uncounted(attempt));
    const user = await this.users.insert({ email: input.email, displayName: input.display_name, passwordHash });
    if (!user) throw taken(input.email);
    await this.limits.registered(attempt);
    return this.session(user);
  }

  /** The email's and the address's allowance is taken before argon2 runs, and given back when the password was right. */
  async login(input: { email: string; password: string }, address: string): Promise<AuthResponse> {
    const attempt = await this.limits.signIn(input.email, address);
    const user = await this.users.findByEmail(input.email);
    // the same answer, after the same work, for an unknown email and a wrong password: no account probing
    const matches = await this.passwords.verify(user?.password_hash ?? null, input.password).catch(this.uncounted(attempt));
    if (!matches || !user) throw new AppError('unauthorized', 'Wrong email or password');
    await this.limits.release(attempt);
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

  /** argon2 refused to start (too busy): the attempt was never tried, so it does not count. */
  private uncounted(attempt: SignInAttempt) {
    return async (e: unknown): Promise<never> => {
      await this.limits.release(attempt);
      throw e;
    };
  }

  private async session(user: UserRow): Promise<AuthResponse> {
    await this.signIns.signedIn(user);
    return { user: toUserDto(user), token: await this.tokens.issueSession(user.id) };
  }
}

const taken = (email: string) => new AppError('conflict', `An account with the email ${email} already exists`);
