import type { ScreeningDetail, Seat } from '#shared/types/api'
import { compileHall } from '#shared/layout'
import type { Hall, HallLayout } from '#shared/layout'
import { bestBlock, bestSplit, seatRange } from '#shared/seating'
import { compareSeats, parseSeat } from '#shared/seats'

/** A category the party could sit in instead: all together, or at least all in it. */
export interface SeatAlternative { id: string, name: string, together: boolean }

/** What "How many seats?" found: seats to choose (with what to say about them), or why there are none. */
export interface SeatSuggestion {
  /** the seats to choose, in order; null when there are not enough */
  seats: string[] | null
  message: string
  /** other categories that still have the whole party together */
  alternatives: SeatAlternative[]
}

/** Remembered for the visit: this person would rather choose on the map. */
const SKIP_KEY = 'ticketshow:seat-start-skipped'

const listOf = (parts: string[]) => parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0] ?? ''

/** The hall a screening's rows describe, ready for the seating algorithm. */
function hallOf(screening: ScreeningDetail): Hall {
  const layout: HallLayout = {
    categories: screening.categories.map(c => ({ id: c.id, name: c.name })),
    rows: screening.rows.map(r => ({
      label: r.label,
      places: r.places.map(p => 'gap' in p ? { gap: true as const } : { seat: parseSeat(p.label)?.number ?? 0, category: p.category }),
    })),
  }
  return compileHall(layout)
}

/**
 * The screening page's "How many seats?" start. Someone who can pick and arrives with
 * nothing chosen (no `?seats=`, not changing a booking) is first asked how many seats and,
 * in a hall of several categories, which category; the answer suggests the best seats of
 * that category as the server's best-seats booking would choose them (#shared/seating),
 * from the seats free now (`seats`: taken and held by others as the page knows them live;
 * this person's own choice counts as free, so asking again can move it). With no block
 * side by side left it offers the best split, or says that the category has too few seats
 * and which categories still have the party together. Skipping it ("Choose on the map")
 * is remembered for the visit (sessionStorage).
 */
export function useSeatStart(options: {
  screening: Ref<ScreeningDetail | undefined>
  /** every seat as this person can have it now (useSeatSelection's `seats`) */
  seats: Ref<Seat[] | undefined>
  /** the seats chosen (useSeatSelection's `selection`) */
  selection: Ref<string[]>
  canPick: Ref<boolean>
  /** changing a booking: it starts from that booking's seats, never with the question */
  changing: Ref<boolean>
}) {
  const { screening, seats, selection, canPick, changing } = options
  const route = useRoute()
  // Decided by the URL alone, so the server's render and the browser's agree.
  const open = ref(!selection.value.length && route.query.change === undefined)
  /** Shown in place of the map until answered or skipped. */
  const asking = computed(() => open.value && canPick.value && !changing.value)

  onMounted(() => {
    try {
      if (sessionStorage.getItem(SKIP_KEY)) open.value = false
    }
    catch { /* storage refused (private mode): ask, as on a first visit */ }
  })

  const count = ref<number | null>(null)
  const category = ref<string | null>(null)
  const categories = computed(() => screening.value?.categories ?? [])
  const tiered = computed(() => categories.value.length > 1)

  /** Free seats per category, as the suggestion sees them. */
  const left = computed(() => {
    const counts = new Map(categories.value.map(c => [c.id, 0]))
    for (const s of seats.value ?? []) if (!s.taken) counts.set(s.category, (counts.get(s.category) ?? 0) + 1)
    return counts
  })
  // The first category with a seat free, until the person chooses one.
  watch(categories, (list) => {
    if (!category.value || !list.some(c => c.id === category.value)) category.value = list.find(c => (left.value.get(c.id) ?? 0) > 0)?.id ?? list[0]?.id ?? null
  }, { immediate: true })

  /** What the last suggestion chose and said; cleared once the choice is changed by hand. */
  const suggested = ref<string[] | null>(null)
  const message = ref('')
  /** After a split: categories where the party would still sit together. */
  const offers = ref<SeatAlternative[]>([])
  /** Why the last answer chose nothing, with categories that have room. */
  const problem = ref<{ message: string, alternatives: SeatAlternative[] } | null>(null)

  function suggest(n: number, categoryId: string | null): SeatSuggestion {
    const s = screening.value!
    const hall = hallOf(s)
    const taken = new Set((seats.value ?? []).filter(seat => seat.taken).map(seat => seat.label))
    const cat = tiered.value && categoryId ? categories.value.find(c => c.id === categoryId) : undefined
    const which = cat ? `${cat.name} ` : ''
    const noun = n === 1 ? 'seat' : 'seats'
    // Other categories where the whole party still sits together.
    const others = tiered.value ? categories.value.filter(c => c.id !== cat?.id) : []
    const alternatives: SeatAlternative[] = others.filter(c => bestBlock(hall, taken, n, c.id)).map(c => ({ id: c.id, name: c.name, together: true }))
    const block = bestBlock(hall, taken, n, cat?.id)
    if (block) {
      return { seats: [...block].sort(compareSeats), message: `We picked ${seatRange(block)}, the best ${n === 1 ? '' : `${n} `}${which}${noun}${n === 1 ? '' : ' together'}. Tap seats to change.`, alternatives: [] }
    }
    const split = bestSplit(hall, taken, n, cat?.id)
    if (split) {
      const seatsChosen = split.flat().sort(compareSeats)
      return {
        seats: seatsChosen,
        message: `No ${n} ${which}seats are free side by side now, so we picked the best split: ${listOf(split.map(seatRange))}. Tap seats to change.`,
        alternatives,
      }
    }
    // Too few seats in the category: any other with room for the party, together or not.
    const roomy = alternatives.length ? alternatives : others.filter(c => (left.value.get(c.id) ?? 0) >= n).map(c => ({ id: c.id, name: c.name, together: false }))
    const free = cat ? left.value.get(cat.id) ?? 0 : (seats.value ?? []).filter(seat => !seat.taken).length
    const what = free === 0 ? `No ${which}seats are left` : `Only ${free} ${which}${free === 1 ? 'seat is' : 'seats are'} left`
    return { seats: null, message: `${what}${cat ? '' : ' in this hall'}: choose fewer seats${roomy.length ? ' or another category' : ''}.`, alternatives: roomy }
  }

  /** Answers the question: the suggestion for `count` seats of `category`, remembered for what to say. */
  function find(): SeatSuggestion | null {
    if (!count.value || !screening.value) return null
    const result = suggest(count.value, category.value)
    if (result.seats) {
      open.value = false
      problem.value = null
      suggested.value = result.seats
      offers.value = result.alternatives
      // The same words after asking again: cleared first, so they are announced anew.
      message.value = ''
      void nextTick(() => {
        message.value = result.message
      })
    }
    else {
      problem.value = { message: result.message, alternatives: result.alternatives }
    }
    return result
  }

  /** Asks again in another category (an offer after a split, or when one has too few seats). */
  function findIn(categoryId: string): SeatSuggestion | null {
    category.value = categoryId
    return find()
  }

  /** Not now: the map, with nothing chosen; remembered for the rest of the visit. */
  function skip() {
    open.value = false
    problem.value = null
    try {
      sessionStorage.setItem(SKIP_KEY, '1')
    }
    catch { /* not remembered, then */ }
  }

  /** Asks again (to change the number or the category). */
  function reopen() {
    problem.value = null
    open.value = true
  }

  // Once the seats are changed by hand (or lost to someone quicker) the suggestion's words no longer hold.
  watch(selection, (now) => {
    if (suggested.value && now.join() !== suggested.value.join()) {
      suggested.value = null
      message.value = ''
      offers.value = []
    }
  })

  return { asking, count, category, categories, tiered, left, message, offers, problem, find, findIn, skip, reopen }
}
