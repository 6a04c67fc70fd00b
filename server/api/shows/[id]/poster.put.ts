import { IdParamSchema } from '#shared/schemas/account'
import { MAX_POSTER_BYTES, deletePosterFiles, renderPoster, storePoster } from '../../../domain/posters'
import { getShow, setPosterKey } from '../../../domain/shows'

const tooLarge = () => createError({ statusCode: 413, statusMessage: 'Payload Too Large', message: 'The poster may be at most 5 MB' })

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  await requireAdmin(event)
  // Size first, before anything looks at the type; the multipart envelope gets 64 KiB.
  const length = Number(getRequestHeader(event, 'content-length'))
  if (!Number.isFinite(length) || length <= 0) throw createError({ statusCode: 411, statusMessage: 'Length Required', message: 'Send the poster with a Content-Length' })
  if (length > MAX_POSTER_BYTES + 64 * 1024) throw tooLarge()
  const parts = await readMultipartFormData(event)
  const file = parts?.find(p => p.name === 'poster' && p.filename !== undefined)
  if (!file) throw createError({ statusCode: 400, statusMessage: 'Bad Request', message: 'Send the image as the multipart field "poster"', data: { issues: [{ code: 'custom', path: ['poster'], message: 'Choose an image' }] } })
  if (file.data.length > MAX_POSTER_BYTES) throw tooLarge()
  if (!await getShow(useDb(), id)) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such show' })

  const images = await renderPoster(file.data)
  const storage = usePosterStorage()
  const key = await storePoster(storage, id, images)
  const previous = await setPosterKey(useDb(), id, key)
  if (!previous) {
    await deletePosterFiles(storage, key)
    throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such show' })
  }
  if (previous.old) await deletePosterFiles(storage, previous.old)
  await invalidateCatalog()
  return (await getShow(useDb(), id))!
})
