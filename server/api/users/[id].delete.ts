import { IdParamSchema } from '#shared/schemas/common'
import { UserDeleteQuerySchema } from '#shared/schemas/account'
import { deleteUser } from '~~/server/domain/accounts'

// Deletes or rejects a user. With upcoming bookings: 409 naming how many, unless
// ?cancelBookings=true, which cancels them with their emails; the person's booking history
// stays, anonymised (server/domain/accounts/leaving.ts).
export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = getValidParams(event, IdParamSchema)
  const { cancelBookings } = getValidQuery(event, UserDeleteQuerySchema)
  const offers = useOfferSettings()
  const { cancelled } = await deleteUser(useDb(), id, admin.id, { cancelBookings, mail: offers.ctx, offers })
  if (cancelled) requestMailFlush()
  announceOffers(offers)
  setResponseStatus(event, 204, 'No Content')
  return null
})
