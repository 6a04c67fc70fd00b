/** The cells of a column of numbers or prices: on the right, in digits of one width, so they line up. */
export const numberCells = { class: { th: 'text-right', td: 'text-right tabular-nums' } }

/** The last column of an admin table: the row's buttons, on the right. */
export const actionsColumn = { id: 'actions', header: 'Actions', meta: { class: { th: 'text-right', td: 'text-right' } } }
