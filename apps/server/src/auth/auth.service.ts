import { Injectable } from '@nestjs/common';
import type { AuthResponse } from '@genbox/contracts';
import argon2 from 'argon2';
import { AppError } from '../common/app-error.js';
import { TokenService } from './token.service.js';
import { UsersRepository, toUserDto, type UserRow } from './users.repository.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: TokenService,
  ) {}

  async register(input: { email: string; password: string; display_name: string }): Promise<AuthResponse> {
    const passwordHash = await argon2.hash(input.password);
    const user = await this.users.insert({ email: input.email, displayName: input.display_name, passwordHash });
    if (!user) throw new AppError('conflict', `An account with the email ${input.email} already exists`);
    return this.session(user);
  }

  async login(input: { email: string; password: string }): Promise<AuthResponse> {
    const user = await this.users.findByEmail(input.email);
    // the same answer for an unknown email and a wrong password: no account probing
    if (!user || !(await argon2.verify(user.password_hash, input.password)))
      throw new AppError('unauthorized', 'Wrong email or password');
    return this.session(user);
  }

  private session(user: UserRow): AuthResponse {
    return { user: toUserDto(user), token: this.tokens.issueSession(user.id) };
  }
}
