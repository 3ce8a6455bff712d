import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { TokenService } from './token.service.js';
import { UsersRepository } from './users.repository.js';

/** Who a request is: accounts, session and API tokens. */
@Module({
  providers: [UsersRepository, TokenService, AuthService],
  exports: [UsersRepository, TokenService, AuthService],
})
export class AuthModule {}

/** Its routes, and the global guard every route passes (ROLE=api|all). */
@Module({
  imports: [AuthModule],
  controllers: [AuthController],
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
})
export class AuthApiModule {}
