import { describe, expect, it } from 'vitest'
import { createApprovedUser, useTestServer } from '../helpers/server'
import { unique } from '../helpers/fixtures'
import type { TestServer } from '../helpers/server'

const PASSWORD = 'correct-horse-battery'

interface User {
  id: number
  username: string
  email: string
  role: 'user' | 'admin'
  approved: boolean
  createdAt: string
}
interface UserPage { items: User[], total: number, page: number, pageSize: number }

let server: TestServer
let adminToken: string
let adminId: number

useTestServer(async (ready) => {
  ({ server, adminToken } = ready)
  adminId = (await server.request('GET', '/api/auth/session', { token: adminToken })).body.id
})

/** Registers a user who waits for approval. */
async function register(username = unique()): Promise<User> {
  const res = await server.request('POST', '/api/auth/register', { body: { username, email: `${username}@example.test`, password: PASSWORD } })
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.user
}

function list(query: string, token = adminToken) {
  return server.request<UserPage>('GET', `/api/users${query}`, { token })
}

describe('GET /api/users', () => {
  it('answers {items, total, page, pageSize} with public user fields only, 20 a page by default', async () => {
    const user = await register()
    const res = await list('')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ items: expect.any(Array), total: expect.any(Number), page: 1, pageSize: 20 })
    expect(res.body.items.length).toBeLessThanOrEqual(20)
    expect(res.body.items).toContainEqual(user)
    for (const item of res.body.items)
      expect(Object.keys(item).sort()).toEqual(['approved', 'createdAt', 'email', 'id', 'role', 'username'])
  })

  it('lists pending, approved or all users as asked', async () => {
    const waiting = await register()
    const approved = await createApprovedUser(server, adminToken)
    const ids = (page: UserPage) => page.items.map(u => u.id)

    const pending = (await list('?status=pending&pageSize=100')).body
    expect(ids(pending)).toContain(waiting.id)
    expect(ids(pending)).not.toContain(approved.id)
    expect(pending.items.every(u => !u.approved)).toBe(true)

    const done = (await list('?status=approved&pageSize=100')).body
    expect(ids(done)).toContain(approved.id)
    expect(ids(done)).toContain(adminId)
    expect(ids(done)).not.toContain(waiting.id)
    expect(done.items.every(u => u.approved)).toBe(true)

    const all = (await list('?status=all&pageSize=100')).body
    expect(ids(all)).toEqual(expect.arrayContaining([waiting.id, approved.id, adminId]))
    expect(all.total).toBe(pending.total + done.total)
  })

  it('lists the newest registrations first', async () => {
    const first = await register()
    const second = await register()
    const third = await register()
    const ids = (await list('?status=pending&pageSize=100')).body.items.map(u => u.id)
    expect(ids.slice(0, 3)).toEqual([third.id, second.id, first.id])
  })

  it('counts every matching user in total and pages through them without gaps or repeats', async () => {
    const before = (await list('?status=all')).body.total
    for (let i = 0; i < 3; i++) await register()
    const whole = (await list('?status=all&pageSize=100')).body
    expect(whole.total).toBe(before + 3)
    expect(whole.items).toHaveLength(whole.total)

    const pages: UserPage[] = []
    for (let page = 1; (page - 1) * 2 < whole.total; page++) pages.push((await list(`?status=all&page=${page}&pageSize=2`)).body)
    expect(pages.every(p => p.total === whole.total && p.pageSize === 2)).toBe(true)
    expect(pages.flatMap(p => p.items.map(u => u.id))).toEqual(whole.items.map(u => u.id))
  })

  it('accepts pageSize 100 and answers 400 for 101, 0, a page of 0, or an unknown status', async () => {
    expect((await list('?pageSize=100')).status).toBe(200)
    for (const query of ['?pageSize=101', '?pageSize=0', '?page=0', '?pageSize=ten', '?status=banned']) {
      const res = await list(query)
      expect(res.status, query).toBe(400)
      expect(res.body).toMatchObject({ statusCode: 400, data: { issues: expect.any(Array) } })
    }
  })

  it('answers 401 without a token', async () => {
    expect((await server.request('GET', '/api/users')).status).toBe(401)
  })

  it('answers 403 to an approved user who is not an admin', async () => {
    const user = await createApprovedUser(server, adminToken)
    const res = await list('', user.token)
    expect(res.status).toBe(403)
    expect(res.body).not.toHaveProperty('items')
  })
})

describe('POST /api/users/{id}/approve', () => {
  it('answers 200 {user} approved, and the user can then log in', async () => {
    const user = await register()
    const res = await server.request('POST', `/api/users/${user.id}/approve`, { token: adminToken })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ user: { ...user, approved: true } })
    expect((await server.request('POST', '/api/auth/login', { body: { username: user.username, password: PASSWORD } })).status).toBe(200)
    const pendingIds = (await list('?status=pending&pageSize=100')).body.items.map(u => u.id)
    expect(pendingIds).not.toContain(user.id)
  })

  it('is idempotent: approving an approved user answers 200 again', async () => {
    const user = await register()
    await server.request('POST', `/api/users/${user.id}/approve`, { token: adminToken })
    const again = await server.request('POST', `/api/users/${user.id}/approve`, { token: adminToken })
    expect(again.status).toBe(200)
    expect(again.body.user).toMatchObject({ id: user.id, approved: true })
  })

  it('answers 404 for an unknown id', async () => {
    const res = await server.request('POST', '/api/users/987654321/approve', { token: adminToken })
    expect(res.status).toBe(404)
  })

  it.each(['abc', '1.5'])('answers 400 for the id %j', async (id) => {
    const res = await server.request('POST', `/api/users/${id}/approve`, { token: adminToken })
    expect(res.status).toBe(400)
  })

  it.each(['0', '-1', '2147483648', '99999999999999'])('answers 404 for the id %j, which no user can have', async (id) => {
    const res = await server.request('POST', `/api/users/${id}/approve`, { token: adminToken })
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ statusCode: 404, statusMessage: 'Not Found', message: `Nothing has the id ${Number(id)}` })
  })

  it('answers 403 to a user who is not an admin, and the account stays pending', async () => {
    const user = await createApprovedUser(server, adminToken)
    const waiting = await register()
    const res = await server.request('POST', `/api/users/${waiting.id}/approve`, { token: user.token })
    expect(res.status).toBe(403)
    expect((await server.request('POST', '/api/auth/login', { body: { username: waiting.username, password: PASSWORD } })).status).toBe(403)
  })

  it('answers 401 without a token', async () => {
    const waiting = await register()
    expect((await server.request('POST', `/api/users/${waiting.id}/approve`)).status).toBe(401)
  })
})

describe('DELETE /api/users/{id}', () => {
  it('answers 204 with no body, and the user is gone', async () => {
    const user = await createApprovedUser(server, adminToken)
    const res = await server.request('DELETE', `/api/users/${user.id}`, { token: adminToken })
    expect(res.status).toBe(204)
    expect(res.body).toBe('')
    const ids = (await list('?status=all&pageSize=100')).body.items.map(u => u.id)
    expect(ids).not.toContain(user.id)
    expect((await server.request('DELETE', `/api/users/${user.id}`, { token: adminToken })).status).toBe(404)
  })

  it('answers 404 for an unknown id and 400 for a non-numeric one', async () => {
    expect((await server.request('DELETE', '/api/users/987654321', { token: adminToken })).status).toBe(404)
    expect((await server.request('DELETE', '/api/users/abc', { token: adminToken })).status).toBe(400)
  })

  it('answers 409 when the admin tries to delete themself, and they stay', async () => {
    const res = await server.request('DELETE', `/api/users/${adminId}`, { token: adminToken })
    expect(res.status).toBe(409)
    expect((await server.request('GET', '/api/auth/session', { token: adminToken })).status).toBe(200)
  })

  it('answers 403 to a user who is not an admin, and deletes nobody', async () => {
    const user = await createApprovedUser(server, adminToken)
    const other = await createApprovedUser(server, adminToken)
    expect((await server.request('DELETE', `/api/users/${other.id}`, { token: user.token })).status).toBe(403)
    expect((await server.request('DELETE', `/api/users/${user.id}`, { token: user.token })).status).toBe(403)
    expect((await server.request('GET', '/api/auth/session', { token: other.token })).status).toBe(200)
    expect((await server.request('GET', '/api/auth/session', { token: user.token })).status).toBe(200)
  })

  it('answers 401 without a token', async () => {
    const waiting = await register()
    expect((await server.request('DELETE', `/api/users/${waiting.id}`)).status).toBe(401)
  })

  it('rejects a registration so that the same name and email can register again', async () => {
    const username = unique('Rejected')
    const first = await register(username)
    expect((await server.request('DELETE', `/api/users/${first.id}`, { token: adminToken })).status).toBe(204)
    const res = await server.request('POST', '/api/auth/register', { body: { username, email: `${username}@example.test`, password: PASSWORD } })
    expect(res.status).toBe(201)
    expect(res.body.user).toMatchObject({ username, approved: false })
    expect(res.body.user.id).not.toBe(first.id)
  })
})
