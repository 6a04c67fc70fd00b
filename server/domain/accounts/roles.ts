import type { Db } from '../../db'
import type { Role, User } from '#shared/types/api'
import { Forbidden, NotFound } from '../errors'
import { toUser } from './users'

// Who may do what: admins give people the `staff` role (check-in at the door) or `admin`.

/** Sets a user's role; Forbidden for one's own (an admin cannot lock themselves out), NotFound when unknown or gone. */
export async function setUserRole(db: Db, id: number, role: Role, actorId: number): Promise<User> {
  if (id === actorId) throw new Forbidden('You cannot change your own role; ask another admin')
  const row = await db.updateTable('users').set({ role }).where('id', '=', id).where('deleted_at', 'is', null)
    .returningAll().executeTakeFirst()
  if (!row) throw new NotFound('No such user')
  return toUser(row)
}
