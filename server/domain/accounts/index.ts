// Accounts: registration and admin approval, logging in (with its throttle), passwords,
// session tokens, one's own account settings, what an unsubscribe link does, and people
// leaving (deleted, rejected or closing their account) without taking history with them.

export { toAccount, toSessionUser, findUserById, createUser, touchLastSeen, listUsers, approveUser, ensureAdmin, updateAccount } from './users'
export type { AccountExport, LeaveOptions } from './leaving'
export { deleteUser, closeAccount, exportAccount, anonymousName, anonymousEmail } from './leaving'
export { authenticate } from './login'
export { setUserRole } from './roles'
export type { TokenClaims } from './tokens'
export { TOKEN_TTL_SECONDS, signToken, verifyToken, revokeToken, findSessionUser, pruneRevokedTokens } from './tokens'
export type { UnsubscribeState } from './unsubscribe'
export { maskEmail, unsubscribeUserId, unsubscribeState, unsubscribe } from './unsubscribe'
