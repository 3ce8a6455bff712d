import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuthController } from './auth.controller.js';
import { AccessContextInterceptor, AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { PasswordHasher } from './password-hasher.js';
import { PrincipalCache } from './principal-cache.js';
import { RequestLimits } from './request-limits.js';
import { SignIns } from './sign-ins.js';
import { TokenRevocations } from './token-revocations.js';
import { TokenService } from './token.service.js';
import { TokensRepository } from './tokens.repository.js';
import { UsersRepository } from './users.repository.js';

/** Who a request is: accounts, session and API tokens, and what each token may do. */
@Module({
  providers: [UsersRepository, TokensRepository, TokenRevocations, PrincipalCache, PasswordHasher, RequestLimits, TokenService, AuthService, SignIns],
  exports: [UsersRepository, TokenService, TokenRevocations, RequestLimits, AuthService, SignIns],
})
export class AuthModule {}

/** Its routes, the global guard every route passes and the token's access around each route (ROLE=api|all). */
@Module({
  imports: [AuthModule],
  controllers: [AuthController],
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }, { provide: APP_INTERCEPTOR, useClass: AccessContextInterceptor }],
})
export class AuthApiModule {}
