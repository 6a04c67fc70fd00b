import { createError } from 'h3'

/** One wording style for the errors the domain raises. */
export const notFound = (message: string) => createError({ statusCode: 404, statusMessage: 'Not Found', message })
export const conflict = (message: string, data?: Record<string, unknown>) => createError({ statusCode: 409, statusMessage: 'Conflict', message, data })
export const badRequest = (message: string, path?: string) => createError({
  statusCode: 400,
  statusMessage: 'Bad Request',
  message,
  data: { issues: [{ code: 'custom', path: path ? [path] : [], message }] },
})
