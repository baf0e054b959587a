import type { Resolvers } from '../__generated__/resolvers-types';
import type { AuthContext } from '../context';
import type { Session } from './service';

/** The payload's user is the caller from now on, so it may see its own private fields. */
function signedIn(context: AuthContext) {
  return (session: Session): Session => {
    context.sessionUserIds.add(session.user.id);
    return session;
  };
}

export const sessionResolvers: Resolvers = {
  Mutation: {
    register: (_, { input }, context) =>
      context.services.sessions.register(input, context.identity.clientIp).then(signedIn(context)),
    login: (_, { input }, context) => context.services.sessions.login(input, context.identity.clientIp).then(signedIn(context)),
    refreshToken: (_, { refreshToken }, context) => context.services.sessions.refresh(refreshToken).then(signedIn(context)),
    logout: (_, { refreshToken }, { services }) => services.sessions.logout(refreshToken),
    verifyEmail: (_, { token }, { services }) => services.emails.verifyEmail(token),
    requestPasswordReset: (_, { email }, { services }) => services.emails.requestPasswordReset(email),
    resetPassword: (_, { token, newPassword }, { services, identity }) =>
      services.emails.resetPassword(token, newPassword, identity.clientIp),
  },
};
