import type { H3Event } from 'h3'
import type { UserRow } from '../db/schema'

/** The user behind the request when it carries a valid token; null for anyone else. */
export async function optionalUser(event: H3Event): Promise<UserRow | null> {
  if (!getRequestHeader(event, 'authorization')) return null
  try {
    return await requireUser(event)
  }
  catch {
    return null
  }
}
