import { z } from '../zod'

/** POST /api/checkin: the scanned code, or the booking reference typed in by hand. */
export const CheckinSchema = z.union([
  z.object({ code: z.string().trim().min(1).max(200) }).strict(),
  z.object({ reference: z.string().trim().min(1).max(32) }).strict(),
])
export type CheckinInput = z.infer<typeof CheckinSchema>
