import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import type { AuthResponse, MeResponse } from '@genbox/contracts';
import { z } from 'zod';
import { CurrentUser, Public } from '../auth/auth.guard.js';
import { parseInput } from '../common/validate.js';
import { AuthService } from './auth.service.js';
import { TokenService } from './token.service.js';
import { toUserDto, type UserRow } from './users.repository.js';

const email = z.string().trim().toLowerCase().email('must be an email address').max(254);
export const RegisterBody = z.object({
  email,
  password: z.string().min(8, 'must be at least 8 characters').max(200),
  display_name: z.string().trim().min(1, 'is required').max(80),
});
export const LoginBody = z.object({ email, password: z.string().min(1, 'is required') });
export const TokenBody = z.object({ name: z.string().trim().min(1).max(80) });

@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: TokenService,
  ) {}

  @Public() @Post('register')
  register(@Body() body: unknown): Promise<AuthResponse> {
    return this.auth.register(parseInput(RegisterBody, body));
  }

  @Public() @Post('login') @HttpCode(200)
  login(@Body() body: unknown): Promise<AuthResponse> {
    return this.auth.login(parseInput(LoginBody, body));
  }

  @Get('me')
  me(@CurrentUser() user: UserRow): MeResponse {
    return { user: toUserDto(user) };
  }

  /** An API token for scripts and integrations; shown once. */
  @Post('tokens')
  createToken(@CurrentUser() user: UserRow, @Body() body: unknown) {
    return this.tokens.createApiToken(user.id, parseInput(TokenBody, body).name);
  }
}
