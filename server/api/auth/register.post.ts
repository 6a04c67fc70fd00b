import { RegisterSchema } from '#shared/schemas/account'
import { createUser } from '~~/server/domain/accounts'

export default defineEventHandler(async (event) => {
  await useRateLimits().consume('register', clientIp(event))
  const input = await readValidBody(event, RegisterSchema)
  const user = await createUser(useDb(), input, new Date(), useMailContext())
  requestMailFlush()
  setResponseStatus(event, 201, 'Created')
  return { user }
})
