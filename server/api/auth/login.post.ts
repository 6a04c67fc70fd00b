import { LoginSchema } from '#shared/schemas/account'
import { logIn, signToken } from '~~/server/domain/accounts'

export default defineEventHandler(async (event) => {
  const { username, password } = await readValidBody(event, LoginSchema)
  const user = await logIn(useDb(), username, password, getRequestIP(event))
  return { token: await signToken(useAuthSecret(), user.id) }
})
