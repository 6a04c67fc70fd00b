// What the domain refuses, and why, in its own words. These errors know nothing of HTTP:
// server/utils/errors.ts is the one place that turns each kind into a status code and the
// documented error body. `data` is what a client may act on (seats left, the taken seats,
// the field that clashed); it goes out as the body's `data`.

export type ErrorData = Record<string, unknown>

/** A refusal by the domain. Subclass one of the kinds below, never this. */
export abstract class DomainError extends Error {
  constructor(message: string, readonly data?: ErrorData) {
    super(message)
    this.name = new.target.name
  }
}

/** The thing asked for does not exist, or belongs to someone else (who must not learn it exists). */
export class NotFound extends DomainError {}

/** The request is well-formed but clashes with the current state: seats taken, a name in use. */
export class Conflict extends DomainError {}

/** The input is wrong in a way only the domain can tell (a seat the hall does not have); `field` names it. */
export class Invalid extends DomainError {
  constructor(message: string, readonly field?: string) {
    super(message, { issues: [{ code: 'custom', path: field ? [field] : [], message }] })
  }
}

/** Who is asking may not do this (an account still waiting for approval). */
export class Forbidden extends DomainError {}

/** The credentials are wrong: one answer for an unknown user and a wrong password. */
export class BadCredentials extends DomainError {}

/** The thing existed but is no more (a cancelled booking shown at the door). */
export class Gone extends DomainError {}

/** Well-formed and known, but not acceptable now (a ticket for another day's screening). */
export class Unacceptable extends DomainError {}

/** Content the domain cannot use, whatever it claims to be (a poster that is not an image). */
export class Unsupported extends DomainError {}
