import { MAX_CATEGORIES, MAX_LAYOUT_ROWS, MAX_ROW_PLACES } from '#shared/layout'
import type { HallLayout, LayoutPlace, SeatAccess } from '#shared/layout'
import { rowLabel } from '#shared/seats'
import { MAX_CAPACITY } from '#shared/schemas/catalog'

/**
 * The hall layout editor's edits (pages/admin/venues/[id]/layout.vue), as pure functions on
 * a layout: each returns a new layout and a sentence saying what it did, or `problem` when
 * it cannot be done, or the very same layout when there was nothing to do.
 * Existing seats keep their numbers through every edit: a seat's label (row + number) is
 * what bookings hold. The undo history is plain data too.
 */

export type LayoutEdit = { layout: HallLayout, what: string } | { problem: string }

/** The tool the editor applies to a place: paint it, mark its access, add or take away an aisle. */
export type LayoutTool = 'paint' | 'wheelchair' | 'companion' | 'plain' | 'aisle-before' | 'aisle-after' | 'remove-aisle'

type Seat = Extract<LayoutPlace, { seat: number }>

function isSeat(place: LayoutPlace | undefined): place is Seat {
  return !!place && !('gap' in place)
}

/** How a place is called in sentences: "A7", or "the aisle in row A". */
function placeName(layout: HallLayout, row: number, x: number): string {
  const r = layout.rows[row]!
  const p = r.places[x]
  return isSeat(p) ? `${r.label}${p.seat}` : `the aisle in row ${r.label}`
}

function categoryName(layout: HallLayout, id: string): string {
  return layout.categories.find(c => c.id === id)?.name ?? id
}

/** The layout with one place replaced. */
function withPlace(layout: HallLayout, row: number, x: number, place: LayoutPlace): HallLayout {
  return { ...layout, rows: layout.rows.map((r, i) => i === row ? { ...r, places: r.places.map((p, j) => j === x ? place : p) } : r) }
}

function withPlaces(layout: HallLayout, row: number, places: LayoutPlace[]): HallLayout {
  return { ...layout, rows: layout.rows.map((r, i) => i === row ? { ...r, places } : r) }
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`

/** What is wrong with generating `rows` × `seatsPerRow`, or null. */
export function plainLayoutProblem(rows: number, seatsPerRow: number): string | null {
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_LAYOUT_ROWS) return `Rows: use a whole number from 1 to ${MAX_LAYOUT_ROWS}`
  if (!Number.isInteger(seatsPerRow) || seatsPerRow < 1 || seatsPerRow > MAX_ROW_PLACES) return `Seats per row: use a whole number from 1 to ${MAX_ROW_PLACES}`
  if (rows * seatsPerRow > MAX_CAPACITY) return `At most ${MAX_CAPACITY} seats: ${rows} rows of ${seatsPerRow} would be ${rows * seatsPerRow}`
  return null
}

/** A fresh hall of `rows` rows A, B, … of `seatsPerRow` seats, no aisles, all in the first category (the categories stay). */
export function plainLayout(layout: HallLayout, rows: number, seatsPerRow: number): LayoutEdit {
  const problem = plainLayoutProblem(rows, seatsPerRow)
  if (problem) return { problem }
  const category = layout.categories[0]!.id
  return {
    layout: {
      categories: layout.categories,
      rows: Array.from({ length: rows }, (_, i) => ({
        label: rowLabel(i),
        places: Array.from({ length: seatsPerRow }, (_, k) => ({ seat: k + 1, category })),
      })),
    },
    what: `generating ${count(rows, 'row')} of ${count(seatsPerRow, 'seat')}`,
  }
}

/** A category id made from a name: lowercase, dashes between words ("Prime Plus" → "prime-plus"), unique among `taken`. */
export function categoryIdFor(name: string, taken: string[]): string {
  const base = name.normalize('NFKD').replace(/[\u0300-\u036F]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 28).replace(/-+$/, '') || 'category'
  if (!taken.includes(base)) return base
  for (let n = 2; ; n++) {
    const id = `${base}-${n}`
    if (!taken.includes(id)) return id
  }
}

function nameProblem(layout: HallLayout, name: string, except?: string): string | null {
  if (!name) return 'A category needs a name'
  if (name.length > 40) return 'Use at most 40 characters for a category name'
  if (layout.categories.some(c => c.id !== except && c.name.toLowerCase() === name.toLowerCase())) return `There is already a category called ${name}`
  return null
}

/** Adds a category at the end of the list; its id comes from its name. */
export function addCategory(layout: HallLayout, rawName: string): LayoutEdit & { id?: string } {
  const name = rawName.trim()
  const problem = nameProblem(layout, name)
  if (problem) return { problem }
  if (layout.categories.length >= MAX_CATEGORIES) return { problem: `A hall has at most ${MAX_CATEGORIES} categories` }
  const id = categoryIdFor(name, layout.categories.map(c => c.id))
  return { layout: { ...layout, categories: [...layout.categories, { id, name }] }, what: `adding the category ${name}`, id }
}

/** Renames a category. Its id stays: screenings' prices and sold seats refer to it. */
export function renameCategory(layout: HallLayout, id: string, rawName: string): LayoutEdit {
  const name = rawName.trim()
  const old = layout.categories.find(c => c.id === id)
  if (!old) return { problem: 'No such category' }
  if (old.name === name) return { layout, what: '' }
  const problem = nameProblem(layout, name, id)
  if (problem) return { problem }
  return { layout: { ...layout, categories: layout.categories.map(c => c.id === id ? { ...c, name } : c) }, what: `renaming ${old.name} to ${name}` }
}

/** How many seats are in each category. */
export function seatsByCategory(layout: HallLayout): Map<string, number> {
  const counts = new Map(layout.categories.map(c => [c.id, 0]))
  for (const r of layout.rows) for (const p of r.places) if (isSeat(p)) counts.set(p.category, (counts.get(p.category) ?? 0) + 1)
  return counts
}

/** Why a category cannot be removed now (the last one, or seats still in it), or null. */
export function removeCategoryProblem(layout: HallLayout, id: string): string | null {
  const c = layout.categories.find(c => c.id === id)
  if (!c) return 'No such category'
  if (layout.categories.length === 1) return 'A hall needs at least one category'
  const used = seatsByCategory(layout).get(id) ?? 0
  if (used) return `${used === 1 ? '1 seat is' : `${used} seats are`} ${c.name}: paint ${used === 1 ? 'it' : 'them'} another category first`
  return null
}

export function removeCategory(layout: HallLayout, id: string): LayoutEdit {
  const problem = removeCategoryProblem(layout, id)
  if (problem) return { problem }
  return { layout: { ...layout, categories: layout.categories.filter(c => c.id !== id) }, what: `removing the category ${categoryName(layout, id)}` }
}

/**
 * Applies a tool to the place at `x` of row `row`: paints a seat `category`, marks it a
 * wheelchair space, a companion seat or neither, puts an aisle before or after the place,
 * or takes the aisle there away.
 */
export function applyTool(layout: HallLayout, tool: LayoutTool, row: number, x: number, category: string): LayoutEdit {
  const r = layout.rows[row]
  const place = r?.places[x]
  if (!r || !place) return { problem: 'No such place' }
  const name = placeName(layout, row, x)
  switch (tool) {
    case 'paint':
    case 'wheelchair':
    case 'companion':
    case 'plain': {
      if (!isSeat(place)) return { problem: `That is an aisle: ${tool === 'paint' ? 'paint' : 'mark'} a seat` }
      if (tool === 'paint') {
        if (!layout.categories.some(c => c.id === category)) return { problem: 'Choose a category to paint with' }
        if (place.category === category) return { layout, what: '' }
        return { layout: withPlace(layout, row, x, { ...place, category }), what: `painting ${name} ${categoryName(layout, category)}` }
      }
      const access: SeatAccess | undefined = tool === 'plain' ? undefined : tool
      if (place.access === access) return { layout, what: '' }
      const next: Seat = { seat: place.seat, category: place.category }
      if (access) next.access = access
      return { layout: withPlace(layout, row, x, next), what: `marking ${name} ${access === 'wheelchair' ? 'a wheelchair space' : access === 'companion' ? 'a companion seat' : 'a plain seat'}` }
    }
    case 'aisle-before':
    case 'aisle-after': {
      if (r.places.length >= MAX_ROW_PLACES) return { problem: `A row has at most ${MAX_ROW_PLACES} places` }
      const at = tool === 'aisle-before' ? x : x + 1
      return {
        layout: withPlaces(layout, row, [...r.places.slice(0, at), { gap: true }, ...r.places.slice(at)]),
        what: `inserting an aisle ${tool === 'aisle-before' ? 'before' : 'after'} ${name}`,
      }
    }
    case 'remove-aisle': {
      if (isSeat(place)) return { problem: `${name} is a seat, not an aisle: choose an aisle to remove` }
      return { layout: withPlaces(layout, row, r.places.filter((_, j) => j !== x)), what: `removing an aisle in row ${r.label}` }
    }
  }
}

// --- Undo -------------------------------------------------------------------------------

/** Every layout since the editor opened: `past` (oldest first, each with what changed it), the one shown, and what undo took back. */
export interface LayoutHistory {
  past: { layout: HallLayout, what: string }[]
  present: HallLayout
  future: { layout: HallLayout, what: string }[]
}

export function layoutHistory(layout: HallLayout): LayoutHistory {
  return { past: [], present: layout, future: [] }
}

/** The history after an edit; an edit that changed nothing leaves it as it was. */
export function commitLayout(history: LayoutHistory, layout: HallLayout, what: string): LayoutHistory {
  if (layout === history.present) return history
  return { past: [...history.past, { layout: history.present, what }], present: layout, future: [] }
}

/** Takes the last edit back: the history before it, and what it was. */
export function undoLayout(history: LayoutHistory): { history: LayoutHistory, what: string } | null {
  const last = history.past.at(-1)
  if (!last) return null
  return { history: { past: history.past.slice(0, -1), present: last.layout, future: [{ layout: history.present, what: last.what }, ...history.future] }, what: last.what }
}

/** Does again what undo took back. */
export function redoLayout(history: LayoutHistory): { history: LayoutHistory, what: string } | null {
  const next = history.future[0]
  if (!next) return null
  return { history: { past: [...history.past, { layout: history.present, what: next.what }], present: next.layout, future: history.future.slice(1) }, what: next.what }
}

/** The same layout, for telling whether there is anything left to save. */
export function sameLayout(a: HallLayout, b: HallLayout): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
