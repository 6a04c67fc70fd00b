// Accounts: registration and admin approval, logging in (with its throttle), passwords,
// session tokens, one's own account settings, and what an unsubscribe link does.

export { toAccount, toSessionUser, findUserById, createUser, touchLastSeen, listUsers, approveUser, deleteUser, ensureAdmin, updateAccount } from './users'
export { authenticate } from './login'
export type { TokenClaims } from './tokens'
export { TOKEN_TTL_SECONDS, signToken, verifyToken, revokeToken, findSessionUser, pruneRevokedTokens } from './tokens'
export type { UnsubscribeState } from './unsubscribe'
export { maskEmail, unsubscribeUserId, unsubscribeState, unsubscribe } from './unsubscribe'
