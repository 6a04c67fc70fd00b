import { z } from '../zod'
import { PageQuerySchema } from './common'

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]+$/

export const UsernameSchema = z.string().trim()
  .min(3, 'Use at least 3 characters')
  .max(32, 'Use at most 32 characters')
  .regex(USERNAME_PATTERN, 'Use letters, digits, dots, dashes or underscores')

export const EmailSchema = z.string().trim().toLowerCase().max(254, 'Use at most 254 characters').pipe(z.email('Enter a valid email address'))

export const PasswordSchema = z.string()
  .min(8, 'Use at least 8 characters')
  .max(128, 'Use at most 128 characters')

export const RegisterSchema = z.object({
  username: UsernameSchema,
  email: EmailSchema,
  password: PasswordSchema,
  emailOptIn: z.boolean().optional(),
})
export type RegisterInput = z.infer<typeof RegisterSchema>

export const LoginSchema = z.object({
  username: z.string().trim().min(1, 'Enter your username').max(254),
  password: z.string().min(1, 'Enter your password').max(128, 'Use at most 128 characters'),
})
export type LoginInput = z.infer<typeof LoginSchema>

export const UserListQuerySchema = PageQuerySchema.extend({
  status: z.enum(['pending', 'approved', 'all']).default('all'),
})

export const UnsubscribeQuerySchema = z.object({
  token: z.string().trim().min(1, 'The link has no token').max(100),
})

/**
 * Changes to one's own account. A new password needs the current one; changing the email
 * address or the email switch does not (the contract: `{email?, emailOptIn?, password?+currentPassword}`).
 */
export const AccountPatchSchema = z.object({
  email: EmailSchema.optional(),
  emailOptIn: z.boolean().optional(),
  password: PasswordSchema.optional(),
  currentPassword: z.string().min(1, 'Enter your current password').max(128, 'Use at most 128 characters').optional(),
}).strict().superRefine((value, ctx) => {
  if (value.password !== undefined && value.currentPassword === undefined)
    ctx.addIssue({ code: 'custom', path: ['currentPassword'], message: 'Enter your current password to set a new one' })
  if (value.email === undefined && value.emailOptIn === undefined && value.password === undefined)
    ctx.addIssue({ code: 'custom', path: [], message: 'Nothing to change: send email, emailOptIn or password' })
})
export type AccountPatchInput = z.infer<typeof AccountPatchSchema>

/** POST /api/account/close: one's password, and whether to cancel one's upcoming bookings with the account. */
export const AccountCloseSchema = z.object({
  password: z.string().min(1, 'Enter your password').max(128, 'Use at most 128 characters'),
  cancelBookings: z.boolean().optional(),
}).strict()
export type AccountCloseInput = z.infer<typeof AccountCloseSchema>

/** DELETE /api/users/{id}?cancelBookings=true: cancel the person's upcoming bookings too. */
export const UserDeleteQuerySchema = z.object({
  cancelBookings: z.enum(['true', 'false']).optional().transform(v => v === 'true'),
})

/** PATCH /api/users/{id}: an admin gives someone a role. */
export const UserRoleSchema = z.object({
  role: z.enum(['user', 'staff', 'admin']),
})
export type UserRoleInput = z.infer<typeof UserRoleSchema>
