import { toAccount } from '~~/server/domain/accounts'

/** One's own account, with the email switch (the session does not carry it). */
export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  return { user: toAccount(user) }
})
