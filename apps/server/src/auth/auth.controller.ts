import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { type AuthResponse, type CreatedTokenDto, type MeResponse, TOKEN_SCOPES, type TokenDto } from '@genbox/contracts';
import { z } from 'zod';
import { CurrentPrincipal, CurrentUser, NeedsScope, Public } from '../common/auth.guard.js';
import { parseInput } from '../common/validate.js';
import { AuthService } from './auth.service.js';
import { type Principal, TokenService } from './token.service.js';
import { toUserDto, type UserRow } from './users.repository.js';

const email = z.string().trim().toLowerCase().email('must be an email address').max(254);
const password = z.string().min(8, 'must be at least 8 characters').max(200, 'must be at most 200 characters');
export const RegisterBody = z.object({
  email,
  password,
  display_name: z.string().trim().min(1, 'is required').max(80),
});
export const LoginBody = z.object({ email, password: z.string().min(1, 'is required').max(200, 'must be at most 200 characters') });
export const TokenBody = z.object({
  name: z.string().trim().min(1, 'is required').max(80),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1, 'needs at least one of read, write, admin').max(3).optional(),
  box_ids: z.array(z.string().uuid('must be box ids')).min(1, 'leave it out for every box').max(100).optional(),
  expires_in_days: z.number().int().min(1, 'must be 1 to 3650').max(3650, 'must be 1 to 3650').optional(),
});
export const PasswordBody = z.object({ current_password: z.string().min(1, 'is required').max(200), new_password: password });
const TokenId = z.string().uuid('must be a token id');

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

  /** Ends the token the request was made with. */
  @Post('logout') @HttpCode(204) @NeedsScope(null)
  logout(@CurrentPrincipal() p: Principal): Promise<void> {
    return this.auth.logout(p);
  }

  @Post('password') @HttpCode(204) @NeedsScope(null)
  changePassword(@CurrentPrincipal() p: Principal, @Body() body: unknown): Promise<void> {
    return this.auth.changePassword(p, parseInput(PasswordBody, body));
  }

  /** The caller's live tokens (sessions and API tokens), newest first; secrets are never shown again. */
  @Get('tokens')
  async listTokens(@CurrentPrincipal() p: Principal): Promise<{ items: TokenDto[] }> {
    return { items: await this.tokens.list(p) };
  }

  /** An API token for scripts and integrations; shown once. Its scopes and boxes cannot exceed the caller's token's. */
  @Post('tokens') @NeedsScope(null)
  createToken(@CurrentPrincipal() p: Principal, @Body() body: unknown): Promise<CreatedTokenDto> {
    return this.tokens.createApiToken(p, parseInput(TokenBody, body));
  }

  /** Revokes one of the caller's tokens: refused at once on REST, SSE and sockets. */
  @Delete('tokens/:id') @HttpCode(204)
  revokeToken(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    return this.tokens.revoke(p, parseInput(TokenId, id));
  }
}
