import { Body, Controller, Delete, Get, HttpCode, Ip, Param, Post } from '@nestjs/common';
import { type AuthResponse, ChangePasswordRequest, CreateTokenRequest, type CreatedToken, LoginRequest, type MeResponse, RegisterRequest, type TokenDto } from '@genbox/contracts';
import { z } from 'zod';
import { CurrentPrincipal, CurrentUser, NeedsScope, Public } from './auth.guard.js';
import { parseInput } from '../common/validate.js';
import { AuthService } from './auth.service.js';
import { type Principal, TokenService } from './token.service.js';
import { toUserDto, type UserRow } from './users.repository.js';

const TokenId = z.string().uuid('must be a token id');

@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: TokenService,
  ) {}

  @Public() @Post('register')
  register(@Body() body: unknown, @Ip() address: string): Promise<AuthResponse> {
    return this.auth.register(parseInput(RegisterRequest, body), address);
  }

  @Public() @Post('login') @HttpCode(200)
  login(@Body() body: unknown, @Ip() address: string): Promise<AuthResponse> {
    return this.auth.login(parseInput(LoginRequest, body), address);
  }

  @Get('me')
  async me(@CurrentUser() user: UserRow): Promise<MeResponse> {
    return { user: toUserDto(await this.auth.me(user.id)) };
  }

  /** Ends the token the request was made with. */
  @Post('logout') @HttpCode(204) @NeedsScope(null)
  logout(@CurrentPrincipal() p: Principal): Promise<void> {
    return this.auth.logout(p);
  }

  @Post('password') @HttpCode(204) @NeedsScope(null)
  changePassword(@CurrentPrincipal() p: Principal, @Body() body: unknown): Promise<void> {
    return this.auth.changePassword(p, parseInput(ChangePasswordRequest, body));
  }

  /** The caller's live tokens (sessions and API tokens), newest first; secrets are never shown again. */
  @Get('tokens')
  async listTokens(@CurrentPrincipal() p: Principal): Promise<{ items: TokenDto[] }> {
    return { items: await this.tokens.list(p) };
  }

  /** An API token for scripts and integrations; shown once. Its scopes and boxes cannot exceed the caller's token's. */
  @Post('tokens') @NeedsScope(null)
  createToken(@CurrentPrincipal() p: Principal, @Body() body: unknown): Promise<CreatedToken> {
    return this.tokens.createApiToken(p, parseInput(CreateTokenRequest, body));
  }

  /** Revokes one of the caller's tokens: refused at once on REST, SSE and sockets. */
  @Delete('tokens/:id') @HttpCode(204)
  revokeToken(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    return this.tokens.revoke(p, parseInput(TokenId, id));
  }
}
