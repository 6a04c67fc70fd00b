import { AccountCloseSchema } from '#shared/schemas/account'
import { closeAccount } from '~~/server/domain/accounts'

// Closes one's own account, with one's password: the same rules as an admin's deletion
// (server/domain/accounts/leaving.ts). Every session ends with it.
export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { password, cancelBookings } = await readValidBody(event, AccountCloseSchema)
  const offers = useOfferSettings()
  const { cancelled } = await closeAccount(useDb(), user.id, password, { cancelBookings, mail: offers.ctx, offers })
  if (cancelled) requestMailFlush()
  announceOffers(offers)
  setResponseStatus(event, 204, 'No Content')
  return null
})
