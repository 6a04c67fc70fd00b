import { toSessionUser } from '~~/server/domain/accounts'

export default defineEventHandler(async (event) => {
  return toSessionUser(await requireUser(event))
})
