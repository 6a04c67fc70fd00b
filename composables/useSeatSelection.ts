import type { Booking, ScreeningDetail, Seat } from '#shared/types/api'
import { MAX_SEATS_PER_BOOKING, compareSeats, parseSeat } from '#shared/seats'

/** Seat labels from `?seats=C5,C6`: well-formed, each once, at most ten. */
function seatsFromQuery(value: unknown): string[] {
  if (typeof value !== 'string') return []
  const labels = value.split(',').map(s => s.trim().toUpperCase()).filter(s => parseSeat(s))
  return [...new Set(labels)].slice(0, MAX_SEATS_PER_BOOKING).sort(compareSeats)
}

const listOf = (labels: string[]) => labels.length > 1 ? `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}` : labels[0] ?? ''

export interface SeatNotice { color: 'warning' | 'error', title: string, description?: string }

/**
 * The seats chosen on a screening's page, and booking them (or, with `changeBooking`,
 * changing that booking to them; with `moveBooking`, moving that booking here). The choice lives in the URL (`?seats=C4,C5`), so a
 * visitor sent to log in comes back to it and a reload keeps it; changing a booking starts
 * from its seats, which count as free. Chosen seats someone else takes first leave the
 * choice with a notice that says which, and the rest stays chosen. While the tab is
 * visible the taken seats are refreshed every 10 s, and at once when it comes back.
 */
export function useSeatSelection(options: {
  screening: Ref<ScreeningDetail | undefined>
  changeBooking: Ref<Booking | null>
  moveBooking?: Ref<Booking | null> // `?move=`: booking moves it here from another showtime
  refresh: () => Promise<unknown>
}) {
  const { screening, changeBooking, moveBooking, refresh } = options
  const route = useRoute()
  const router = useRouter()
  const { $api } = useNuxtApp()
  const toast = useToast()
  const { status: authStatus, getSession } = useAuth()
  const screeningId = Number(route.params.id)

  const selection = ref<string[]>(seatsFromQuery(route.query.seats))
  // Changing a booking starts from its seats, once it is known (it is fetched in the browser).
  watch(changeBooking, (booking) => {
    if (booking && !selection.value.length) selection.value = [...booking.seats].sort(compareSeats)
  }, { immediate: true })
  watch(selection, (seats) => {
    router.replace({ query: { ...route.query, seats: seats.length ? seats.join(',') : undefined } })
  })

  /** Seats the server just told us someone else took, until the seat map is reloaded. */
  const justTaken = ref<string[]>([])
  /** The booking's own seats count as free while changing it. */
  const ownSeats = computed(() => new Set(changeBooking.value?.seats ?? []))
  /** The seats held for this person while they choose (PUT /api/screenings/{id}/hold). */
  const hold = ref<{ seats: string[], expiresAt: string | null } | null>(null)
  const heldByMe = computed(() => new Set(hold.value?.seats ?? []))
  // Seats someone else is choosing cannot be picked: to this person they are as good as taken.
  const seats = computed<Seat[] | undefined>(() => screening.value?.seats.map(seat => ({
    ...seat,
    held: seat.held && !heldByMe.value.has(seat.label),
    taken: !ownSeats.value.has(seat.label) && (seat.taken || justTaken.value.includes(seat.label) || (seat.held && !heldByMe.value.has(seat.label) && !selection.value.includes(seat.label))),
  })))

  const notice = ref<SeatNotice | null>(null)
  // Chosen seats that are taken now (someone else was quicker: say so) or not in the layout
  // (a stale link) leave the selection; the rest of it stays.
  watch(seats, (now) => {
    if (!now) return
    const byLabel = new Map(now.map(s => [s.label, s]))
    const lost = selection.value.filter(label => byLabel.get(label)?.taken)
    const kept = selection.value.filter(label => byLabel.get(label) && !byLabel.get(label)!.taken)
    if (kept.length === selection.value.length) return
    selection.value = kept
    if (!lost.length) return
    const rest = kept.length
      ? `Your other ${kept.length === 1 ? 'seat' : 'seats'}, ${listOf(kept)}, ${kept.length === 1 ? 'is' : 'are'} still chosen: pick ${lost.length === 1 ? 'another seat' : 'other seats'} or go ahead with ${kept.length === 1 ? 'it' : 'them'}.`
      : 'Pick other seats on the map.'
    notice.value = {
      color: 'warning',
      title: `Someone else just booked ${lost.length === 1 ? 'seat' : 'seats'} ${listOf(lost)}`,
      description: `${lost.length === 1 ? 'It is' : 'They are'} marked taken now. ${rest}`,
    }
  }, { immediate: true })

  const started = computed(() => screening.value ? new Date(screening.value.startsAt).getTime() <= Date.now() : false)
  const soldOut = computed(() => (screening.value?.seatsLeft ?? 1) <= 0)
  // What each chosen seat costs, as the server will charge it: its category's price; while
  // changing a booking, a seat it has keeps its price, and one added in a category it has
  // costs what it paid there.
  const priceOf = computed(() => {
    const s = screening.value
    const byCategory = new Map(s?.categories.map(c => [c.id, c.price]) ?? [])
    const categoryOf = new Map(s?.seats.map(seat => [seat.label, seat.category]) ?? [])
    const lines = changeBooking.value?.lines ?? []
    for (const l of lines) byCategory.set(l.category, l.price)
    const kept = new Map(lines.map(l => [l.seat, l.price]))
    return (label: string) => kept.get(label) ?? byCategory.get(categoryOf.get(label) ?? '') ?? s?.price ?? 0
  })
  /** The chosen seats by price, dearest first: [[price, count]]. */
  const prices = computed(() => {
    const counts = new Map<number, number>()
    for (const label of selection.value) counts.set(priceOf.value(label), (counts.get(priceOf.value(label)) ?? 0) + 1)
    return [...counts].sort(([a], [b]) => b - a)
  })
  const total = computed(() => selection.value.reduce((sum, label) => sum + priceOf.value(label), 0))
  const unchanged = computed(() => !!changeBooking.value
    && [...changeBooking.value.seats].sort(compareSeats).join() === selection.value.join())
  const canPick = computed(() => !!screening.value && !started.value && (!soldOut.value || !!changeBooking.value))

  const pending = ref(false)
  // Hold what is chosen while choosing, so nobody else takes it meanwhile: each change of the
  // choice (a moment after the last click) replaces the hold; a seat someone else holds or
  // booked first leaves the choice with a notice, as a lost booking race does. Only a
  // logged-in member holds; a visitor's seats are held once they are back from logging in.
  let holdRun: Promise<void> = Promise.resolve()
  async function syncHold() {
    if (authStatus.value !== 'authenticated' || !canPick.value || pending.value) return
    const wanted = selection.value.filter(label => !ownSeats.value.has(label))
    if (!hold.value?.seats.length && !wanted.length) return
    if (hold.value && hold.value.seats.join() === wanted.join()) return
    try {
      const before = hold.value?.seats ?? []
      hold.value = await $api<{ seats: string[], expiresAt: string | null }>(`/api/screenings/${screeningId}/hold`, { method: 'PUT', body: { seats: wanted } })
      // Seats this hold let go are free at once, not when the live stream says so: until
      // then they would look held by someone else, to this person too ("How many seats?"
      // asked again would pass them over).
      const released = new Set(before.filter(label => !hold.value!.seats.includes(label)))
      const s = screening.value
      if (released.size && s) screening.value = { ...s, seats: s.seats.map(seat => released.has(seat.label) && seat.held ? { ...seat, held: false } : seat) }
    }
    catch (err) {
      const { status, message, data } = apiError(err)
      const taken = status === 409 && Array.isArray(data?.taken) ? (data.taken as string[]) : []
      if (taken.length) {
        justTaken.value = [...new Set([...justTaken.value, ...taken])]
        await refresh()
        justTaken.value = []
      }
      else if (status === 409 || status === 429) {
        notice.value = { color: 'warning', title: message, description: 'Your seats are chosen but not held: someone else could book them first.' }
      }
    }
  }
  const requestHold = useDebounceFn(() => {
    holdRun = holdRun.then(syncHold)
    return holdRun
  }, 300)
  watch([selection, authStatus, canPick], () => void requestHold(), { immediate: import.meta.client })

  /** What is left of the hold, in seconds; null when nothing is held. */
  const now = useNow({ interval: 1000 })
  const holdLeft = computed(() => {
    const at = hold.value?.expiresAt
    if (!at || !hold.value?.seats.length) return null
    return Math.max(0, Math.floor((Date.parse(at) - now.value.getTime()) / 1000))
  })
  watch(holdLeft, (left) => {
    // Run out: the seats stay chosen, but are no longer kept; the next pick holds anew.
    if (left === 0) hold.value = null
  })
  // Leaving the page lets the seats go at once rather than when the hold runs out.
  onBeforeUnmount(() => {
    if (hold.value?.seats.length && !pending.value) void $api(`/api/screenings/${screeningId}/hold`, { method: 'PUT', body: { seats: [] }, keepalive: true }).catch(() => {})
  })

  async function book() {
    if (pending.value || !selection.value.length || !screening.value) return
    const chosen = [...selection.value]
    // The page came from the cache: who this is may not be known yet.
    if (authStatus.value === 'loading') await getSession()
    if (authStatus.value !== 'authenticated') {
      await navigateTo({ path: '/login', query: { redirect: `/screenings/${screeningId}?seats=${chosen.join(',')}` } })
      return
    }
    pending.value = true
    notice.value = null
    // Once the booking is made the page is on its way out: the button stays locked until it
    // is gone, so a second press while the next page loads cannot book again.
    let done = false
    try {
      if (moveBooking?.value) {
        const moved = await $api<Booking>(`/api/bookings/${moveBooking.value.id}/move`, { method: 'POST', body: { screeningId, seats: chosen } })
        done = true
        toast.add({ title: 'Booking moved', description: `${moved.reference} is now on this showtime, seats ${moved.seats.join(', ')}.`, color: 'success', icon: 'i-lucide-check' })
        await navigateTo(`/bookings/${moved.id}`)
      }
      else if (changeBooking.value) {
        const changed = await $api<Booking>(`/api/bookings/${changeBooking.value.id}`, { method: 'PATCH', body: { seats: chosen } })
        done = true
        toast.add({ title: 'Seats changed', description: `Your seats are now ${changed.seats.join(', ')}.`, color: 'success', icon: 'i-lucide-check' })
        await navigateTo(`/bookings/${changed.id}`)
      }
      else {
        const booked = await $api<Booking>('/api/bookings', { method: 'POST', body: { screeningId, seats: chosen } })
        done = true
        // Coming back here with Back must not offer these seats again (they are the user's now).
        await router.replace({ query: { ...route.query, seats: undefined } })
        await navigateTo({ path: `/bookings/${booked.id}`, query: { new: '1' } })
      }
    }
    catch (err) {
      const { status, message, data } = apiError(err)
      if (status === 401) {
        // The session ended (expired, or logged out elsewhere): log in again, seats kept.
        await getSession()
        await navigateTo({ path: '/login', query: { redirect: `/screenings/${screeningId}?seats=${chosen.join(',')}${changeBooking.value ? `&change=${changeBooking.value.id}` : moveBooking?.value ? `&move=${moveBooking.value.id}` : ''}` } })
        return
      }
      if (status === 409) {
        const taken = Array.isArray(data?.taken) ? (data.taken as string[]) : []
        // The seat map says so (see the watcher above); without a seat to blame, say what the server said.
        if (taken.length) justTaken.value = [...new Set([...justTaken.value, ...taken])]
        else notice.value = { color: 'error', title: message }
        await refresh()
        justTaken.value = []
      }
      else if (status === 403) {
        notice.value = { color: 'warning', title: message, description: 'You can book as soon as an admin approves your account; we will email you when that happens.' }
      }
      else {
        notice.value = { color: 'error', title: changeBooking.value ? 'Could not change your seats' : moveBooking?.value ? 'Could not move your booking' : 'Could not book these seats', description: `${message.replace(/\.$/, '')}. Your seats are still chosen; try again.` }
      }
    }
    finally {
      if (!done) pending.value = false
    }
  }

  // The live seat map: the server pushes the taken and held seats as they change (on any
  // instance, GET /api/screenings/{id}/live). While the stream is up the page does not poll;
  // when it drops (the browser reconnects by itself) polling takes over until it is back.
  // Seats others take are announced politely to screen readers.
  const live = ref(false)
  const liveNews = ref('')
  function applyLive(state: { taken: string[], held: string[] }) {
    const s = screening.value
    // While booking, the seats being booked are about to show as taken: by this person.
    if (!s || pending.value) return
    const taken = new Set(state.taken)
    const held = new Set(state.held)
    const newlyTaken = s.seats.filter(seat => !seat.taken && taken.has(seat.label) && !ownSeats.value.has(seat.label)).map(seat => seat.label)
    const seatsNow = s.seats.map(seat => ({ ...seat, taken: taken.has(seat.label), held: held.has(seat.label) }))
    const left = new Map(s.categories.map(c => [c.id, 0]))
    for (const seat of seatsNow) if (!seat.taken && !seat.held) left.set(seat.category, (left.get(seat.category) ?? 0) + 1)
    screening.value = { ...s, seats: seatsNow, seatsLeft: s.capacity - taken.size, categories: s.categories.map(c => ({ ...c, seatsLeft: left.get(c.id) ?? 0 })) }
    if (newlyTaken.length) liveNews.value = newlyTaken.length <= 5 ? `${listOf(newlyTaken)} ${newlyTaken.length === 1 ? 'was' : 'were'} just taken` : `${newlyTaken.length} seats were just taken`
  }
  let source: EventSource | undefined
  let unmounted = false
  function connect() {
    if (unmounted || source || typeof EventSource === 'undefined') return
    source = new EventSource(`/api/screenings/${screeningId}/live`)
    source.addEventListener('seats', (e) => {
      live.value = true
      applyLive(JSON.parse((e as MessageEvent<string>).data))
    })
    // A change: what was taken or freed, held or let go since the last event.
    source.addEventListener('change', (e) => {
      const c = JSON.parse((e as MessageEvent<string>).data) as { taken: string[], freed: string[], held: string[], released: string[] }
      const seatsNow = screening.value?.seats ?? []
      const taken = new Set(seatsNow.filter(seat => seat.taken).map(seat => seat.label))
      const held = new Set(seatsNow.filter(seat => seat.held).map(seat => seat.label))
      for (const seat of c.taken) taken.add(seat)
      for (const seat of c.freed) taken.delete(seat)
      for (const seat of c.held) held.add(seat)
      for (const seat of c.released) held.delete(seat)
      applyLive({ taken: [...taken], held: [...held].filter(seat => !taken.has(seat)) })
    })
    source.addEventListener('error', () => {
      live.value = false
    })
  }
  // Only once the page has loaded: a stream opened earlier would hold its load event back
  // (the browser's spinner would never stop).
  onMounted(() => {
    if (document.readyState === 'complete') connect()
    else window.addEventListener('load', connect, { once: true })
  })
  onBeforeUnmount(() => {
    unmounted = true
    window.removeEventListener('load', connect)
    source?.close()
  })

  // Keep the taken seats current while the page is in view and the live stream is down:
  // every 10 s, and at once when the tab comes back. A hidden tab does not poll.
  function poll() {
    if (!pending.value && canPick.value && !live.value) refresh()
  }
  const visibility = useDocumentVisibility()
  const { pause, resume } = useIntervalFn(poll, 10_000, { immediate: false })
  onMounted(() => {
    if (visibility.value === 'visible') resume()
  })
  watch(visibility, (now) => {
    if (now !== 'visible') return pause()
    poll()
    resume()
  })

  return { selection, seats, hold, holdLeft, live, liveNews, max: MAX_SEATS_PER_BOOKING, notice, started, soldOut, prices, total, unchanged, canPick, pending, book }
}
