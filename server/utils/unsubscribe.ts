/** The one answer to an unsubscribe token that is malformed, altered, or for a deleted account. */
export function badUnsubscribeToken() {
  return createError({
    statusCode: 400,
    statusMessage: 'Bad Request',
    message: 'This unsubscribe link is not valid. Copy the whole link from the email, or change your email settings on your account page.',
  })
}
