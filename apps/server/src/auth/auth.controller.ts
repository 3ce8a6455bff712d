import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { type AuthResponse, CreateTokenRequest, LoginRequest, type MeResponse, RegisterRequest } from '@genbox/contracts';
import { CurrentUser, Public } from '../auth/auth.guard.js';
import { parseInput } from '../common/validate.js';
import { AuthService } from './auth.service.js';
import { TokenService } from './token.service.js';
import { toUserDto, type UserRow } from './users.repository.js';

@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: TokenService,
  ) {}

  @Public() @Post('register')
  register(@Body() body: unknown): Promise<AuthResponse> {
    return this.auth.register(parseInput(RegisterRequest, body));
  }

  @Public() @Post('login') @HttpCode(200)
  login(@Body() body: unknown): Promise<AuthResponse> {
    return this.auth.login(parseInput(LoginRequest, body));
  }

  @Get('me')
  me(@CurrentUser() user: UserRow): MeResponse {
    return { user: toUserDto(user) };
  }

  /** An API token for scripts and integrations; shown once. */
  @Post('tokens')
  createToken(@CurrentUser() user: UserRow, @Body() body: unknown) {
    return this.tokens.createApiToken(user.id, parseInput(CreateTokenRequest, body).name);
  }
}
