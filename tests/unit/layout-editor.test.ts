import { describe, expect, it } from 'vitest'
import type { HallLayout } from '#shared/layout'
import { LayoutSchema } from '#shared/schemas/catalog'
import {
  addCategory, applyTool, categoryIdFor, commitLayout, layoutHistory, plainLayout, plainLayoutProblem,
  redoLayout, removeCategory, removeCategoryProblem, renameCategory, undoLayout,
} from '../../utils/layoutEditor'
import type { LayoutEdit } from '../../utils/layoutEditor'

// The layout editor's edits (utils/layoutEditor.ts): each keeps existing seats' numbers,
// refuses what the API would refuse, and can be undone.

const start: HallLayout = { categories: [{ id: 'standard', name: 'Standard' }], rows: [{ label: 'A', places: [{ seat: 1, category: 'standard' }] }] }

function done(edit: LayoutEdit): HallLayout {
  if ('problem' in edit) throw new Error(edit.problem)
  return edit.layout
}
function problem(edit: LayoutEdit): string {
  if (!('problem' in edit)) throw new Error('expected a refusal')
  return edit.problem
}

describe('plainLayout', () => {
  it('makes rows A, B, C of numbered seats in the first category, keeping the categories', () => {
    const withPrime = done(addCategory(start, 'Prime'))
    const layout = done(plainLayout(withPrime, 3, 2))
    expect(layout).toEqual({
      categories: [{ id: 'standard', name: 'Standard' }, { id: 'prime', name: 'Prime' }],
      rows: ['A', 'B', 'C'].map(label => ({ label, places: [{ seat: 1, category: 'standard' }, { seat: 2, category: 'standard' }] })),
    })
  })

  it('refuses what the API would refuse', () => {
    expect(plainLayoutProblem(0, 5)).toMatch(/Rows/)
    expect(plainLayoutProblem(101, 5)).toMatch(/Rows/)
    expect(plainLayoutProblem(5, 121)).toMatch(/Seats per row/)
    expect(plainLayoutProblem(100, 60)).toBe('At most 5000 seats: 100 rows of 60 would be 6000')
    expect(plainLayoutProblem(2.5, 5)).toMatch(/whole number/)
    expect(problem(plainLayout(start, 0, 5))).toMatch(/Rows/)
  })
})

describe('categories', () => {
  it('derive their id from the name, lowercase with dashes, unique', () => {
    expect(categoryIdFor('Prime', [])).toBe('prime')
    expect(categoryIdFor('  Prime Plus! ', [])).toBe('prime-plus')
    expect(categoryIdFor('Récliner', [])).toBe('recliner')
    expect(categoryIdFor('Prime', ['prime', 'prime-2'])).toBe('prime-3')
    expect(categoryIdFor('???', [])).toBe('category')
    expect(categoryIdFor('x'.repeat(60), [])).toHaveLength(28)
  })

  it('are added at the end, refused twice by name, empty, or past eight', () => {
    const added = addCategory(start, 'Prime')
    expect(added).toMatchObject({ id: 'prime', what: 'adding the category Prime' })
    const layout = done(added)
    expect(layout.categories.map(c => c.id)).toEqual(['standard', 'prime'])
    expect(problem(addCategory(layout, 'prime'))).toBe('There is already a category called prime')
    expect(problem(addCategory(layout, '  '))).toBe('A category needs a name')
    let full = layout
    for (let i = 0; i < 6; i++) full = done(addCategory(full, `Tier ${i}`))
    expect(problem(addCategory(full, 'Ninth'))).toBe('A hall has at most 8 categories')
  })

  it('are renamed in place, keeping their id', () => {
    const layout = done(renameCategory(done(addCategory(start, 'Prime')), 'prime', 'Recliner'))
    expect(layout.categories).toEqual([{ id: 'standard', name: 'Standard' }, { id: 'prime', name: 'Recliner' }])
    expect(renameCategory(layout, 'prime', 'Recliner')).toEqual({ layout, what: '' })
    expect(problem(renameCategory(layout, 'prime', 'standard'))).toBe('There is already a category called standard')
  })

  it('cannot remove the last one, nor one seats are still in until they are repainted', () => {
    expect(removeCategoryProblem(start, 'standard')).toBe('A hall needs at least one category')
    let layout = done(applyTool(done(addCategory(start, 'Prime')), 'paint', 0, 0, 'prime'))
    expect(problem(removeCategory(layout, 'prime'))).toBe('1 seat is Prime: paint it another category first')
    layout = done(applyTool(layout, 'paint', 0, 0, 'standard'))
    expect(done(removeCategory(layout, 'prime')).categories).toEqual([{ id: 'standard', name: 'Standard' }])
  })
})

describe('applyTool', () => {
  const hall = done(plainLayout(done(addCategory(start, 'Prime')), 2, 4))

  it('paints a seat, and changes nothing when it already is that category', () => {
    const edit = applyTool(hall, 'paint', 1, 2, 'prime')
    expect(edit).toMatchObject({ what: 'painting B3 Prime' })
    expect(done(edit).rows[1]!.places[2]).toEqual({ seat: 3, category: 'prime' })
    expect(done(applyTool(hall, 'paint', 1, 2, 'standard'))).toBe(hall)
    expect(problem(applyTool(hall, 'paint', 1, 2, 'gold'))).toBe('Choose a category to paint with')
  })

  it('marks a seat a wheelchair space, a companion seat, or neither', () => {
    const wheel = done(applyTool(hall, 'wheelchair', 0, 0, 'standard'))
    expect(wheel.rows[0]!.places[0]).toEqual({ seat: 1, category: 'standard', access: 'wheelchair' })
    const companion = done(applyTool(wheel, 'companion', 0, 0, 'standard'))
    expect(companion.rows[0]!.places[0]).toEqual({ seat: 1, category: 'standard', access: 'companion' })
    const plain = done(applyTool(companion, 'plain', 0, 0, 'standard'))
    expect(plain.rows[0]!.places[0]).toEqual({ seat: 1, category: 'standard' })
    expect(done(applyTool(plain, 'plain', 0, 0, 'standard'))).toBe(plain)
  })

  it('inserts aisles before and after a place and removes them, seat numbers unchanged', () => {
    const after = done(applyTool(hall, 'aisle-after', 0, 1, 'standard'))
    expect(after.rows[0]!.places).toEqual([{ seat: 1, category: 'standard' }, { seat: 2, category: 'standard' }, { gap: true }, { seat: 3, category: 'standard' }, { seat: 4, category: 'standard' }])
    const before = done(applyTool(after, 'aisle-before', 0, 0, 'standard'))
    expect(before.rows[0]!.places.map(p => 'gap' in p ? '|' : p.seat)).toEqual(['|', 1, 2, '|', 3, 4])
    expect(before.rows[1]).toBe(hall.rows[1])
    expect(problem(applyTool(before, 'remove-aisle', 0, 1, 'standard'))).toBe('A1 is a seat, not an aisle: choose an aisle to remove')
    expect(problem(applyTool(before, 'paint', 0, 0, 'prime'))).toBe('That is an aisle: paint a seat')
    const removed = done(applyTool(before, 'remove-aisle', 0, 3, 'standard'))
    expect(removed.rows[0]!.places.map(p => 'gap' in p ? '|' : p.seat)).toEqual(['|', 1, 2, 3, 4])
    expect(LayoutSchema.safeParse(removed).success).toBe(true)
  })

  it('stops at 120 places in a row', () => {
    const wide = done(plainLayout(start, 1, 120))
    expect(problem(applyTool(wide, 'aisle-after', 0, 5, 'standard'))).toBe('A row has at most 120 places')
  })

  it('refuses a place that is not there', () => {
    expect(problem(applyTool(hall, 'paint', 5, 0, 'prime'))).toBe('No such place')
  })
})

describe('the undo history', () => {
  it('undoes every edit in turn, back to the layout the editor opened with, and redoes them', () => {
    let history = layoutHistory(start)
    const a = done(addCategory(start, 'Prime'))
    history = commitLayout(history, a, 'adding the category Prime')
    const b = done(applyTool(a, 'wheelchair', 0, 0, 'standard'))
    history = commitLayout(history, b, 'marking A1 a wheelchair space')
    expect(commitLayout(history, b, 'nothing')).toBe(history)

    const first = undoLayout(history)!
    expect(first.what).toBe('marking A1 a wheelchair space')
    expect(first.history.present).toBe(a)
    const second = undoLayout(first.history)!
    expect(second.history.present).toBe(start)
    expect(undoLayout(second.history)).toBeNull()

    const again = redoLayout(second.history)!
    expect(again).toMatchObject({ what: 'adding the category Prime' })
    expect(again.history.present).toBe(a)
    expect(redoLayout(redoLayout(again.history)!.history)).toBeNull()

    // A new edit after an undo drops what could have been redone.
    const branched = commitLayout(first.history, done(plainLayout(a, 1, 1)), 'generating 1 row of 1 seat')
    expect(branched.future).toEqual([])
    expect(branched.past.map(p => p.what)).toEqual(['adding the category Prime', 'generating 1 row of 1 seat'])
  })
})
