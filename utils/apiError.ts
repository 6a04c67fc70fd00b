import type { FormError } from '@nuxt/ui'

interface ApiErrorBody {
  statusCode?: number
  message?: string
  statusMessage?: string
  data?: { issues?: { path: string[], message: string }[], field?: string } & Record<string, unknown>
}

/** The status, readable message and field errors of a failed API call. */
export function apiError(err: unknown): { status: number, message: string, fields: FormError[], data: ApiErrorBody['data'] } {
  const e = err as { statusCode?: number, status?: number, data?: ApiErrorBody, message?: string }
  const body = e?.data ?? {}
  const status = body.statusCode ?? e?.statusCode ?? e?.status ?? 0
  const issues = body.data?.issues ?? []
  const fields: FormError[] = issues.map(i => ({ name: i.path.join('.'), message: i.message }))
  if (body.data?.field && body.message) fields.push({ name: body.data.field, message: body.message })
  const message = status === 0
    ? 'Could not reach TicketShow; check your connection and try again'
    : (body.message || body.statusMessage || e?.message || 'Something went wrong')
  return { status, message, fields, data: body.data }
}
