import { sweepWaitlists } from '~~/server/domain/booking'

// What time frees goes to the waiting lists: offers that ran out lapse and pass to the next
// person, seats of expired holds are offered, lists of started screenings close
// (server/domain/booking/offers.ts). Every minute; an admin can run it now:
// POST /api/admin/tasks/waitlist:offers.
export default defineRecordedTask({
  name: 'waitlist:offers',
  description: 'Offer seats freed by time (expired holds and offers) to the waiting lists; close the lists of started screenings',
  run: async ({ db, now }) => {
    const offers = useOfferSettings()
    const result = await sweepWaitlists(db, now, offers)
    announceOffers(offers)
    return result
  },
})
