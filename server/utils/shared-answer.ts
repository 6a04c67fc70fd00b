/**
 * Answers that many requests send unchanged for a while (the public catalogue's cached
 * reads, utils/catalog-cache.ts): their JSON and its brotli and gzip forms are made once per
 * answer, the first time each is asked for, not once per request (plugins/compression.ts).
 * Compressing and serialising a cached listing was a fifth of its cost. Only what is marked
 * here is kept, as long as the answer itself is: whoever marks one promises that nobody
 * changes it.
 */
export interface AnswerForms { json?: string, br?: Buffer, gzip?: Buffer }

const forms = new WeakMap<object, AnswerForms>()

/** Marks an answer as shared and unchanging (a non-object is left as it is). */
export function markShared<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !forms.has(value)) forms.set(value, {})
  return value
}

/** The forms made so far of a shared answer, to read and fill in; undefined for any other. */
export function sharedForms(value: object): AnswerForms | undefined {
  return forms.get(value)
}
