import { Injectable, Logger } from '@nestjs/common';
import type { UserRow } from './users.repository.js';

type SignInListener = (user: UserRow) => Promise<void>;

/**
 * Tells later features that someone registered or logged in, without auth knowing them (features
 * below auth may not be imported by it): boxes turns the email's pending invitations into
 * memberships here. A listener that fails is logged; the sign-in goes on.
 */
@Injectable()
export class SignIns {
  private readonly logger = new Logger('SignIns');
  private readonly listeners: SignInListener[] = [];

  onSignIn(listener: SignInListener) {
    this.listeners.push(listener);
  }

  async signedIn(user: UserRow): Promise<void> {
    for (const listener of this.listeners) {
      await listener(user).catch((e: Error) => this.logger.error(`after the sign-in of ${user.id}: ${e.stack ?? e.message}`));
    }
  }
}
