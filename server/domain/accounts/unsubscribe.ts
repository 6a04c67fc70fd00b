import type { Db } from '../../db'
import { Invalid } from '../errors'
import { verifyUnsubscribeToken } from '../mail'

// What an unsubscribe link (mail/unsubscribe-links.ts signs them) does to an account.

/** "j•••@example.com": enough to recognise an address, not enough to harvest it. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  if (at < 1) return '•••'
  return `${email[0]}•••${email.slice(at)}`
}

export interface UnsubscribeState {
  email: string
  emailOptIn: boolean
}

/** The one answer to a link that is malformed, altered, or for a deleted account. */
const badLink = () => new Invalid('This unsubscribe link is not valid. Copy the whole link from the email, or change your email settings on your account page.', 'token')

/** The account an unsubscribe token was signed for; Invalid for anything else. */
export function unsubscribeUserId(secret: string, token: string): number {
  const userId = verifyUnsubscribeToken(secret, token)
  if (userId === null) throw badLink()
  return userId
}

/** What the token's user receives now (masked email); Invalid when the account is gone. */
export async function unsubscribeState(db: Db, userId: number): Promise<UnsubscribeState> {
  const row = await db.selectFrom('users').select(['email', 'email_opt_in']).where('id', '=', userId).executeTakeFirst()
  if (!row) throw badLink()
  return { email: maskEmail(row.email), emailOptIn: Number(row.email_opt_in) === 1 }
}

/** Stops reminder and report emails for the user; doing it twice changes nothing. */
export async function unsubscribe(db: Db, userId: number): Promise<UnsubscribeState> {
  await db.updateTable('users').set({ email_opt_in: 0 }).where('id', '=', userId).execute()
  return unsubscribeState(db, userId)
}
