export type Role = 'user' | 'admin'

export interface User {
  id: number
  username: string
  email: string
  role: Role
  approved: boolean
  createdAt: string
}

export interface SessionUser {
  id: number
  username: string
  email: string
  role: Role
  approved: boolean
}

export interface Page<T> {
  items: T[]
  total: number
  page: number
  pageSize: number
}
