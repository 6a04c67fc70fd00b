import { IdParamSchema } from '#shared/schemas/common'
import { MAX_POSTER_BYTES, deletePosterFiles, getShow, renderPoster, setPosterKey, storePoster } from '~~/server/domain/catalog'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  await useRateLimits().consume('poster', String(admin.id))
  const { id } = getValidParams(event, IdParamSchema)
  // The declared size was checked before anything read the body (middleware/body-limit.ts).
  if (!Number(getRequestHeader(event, 'content-length'))) throw httpError(411, 'Send the poster with a Content-Length')
  const parts = await readMultipartFormData(event)
  const file = parts?.find(p => p.name === 'poster' && p.filename !== undefined)
  if (!file) throw httpError(400, 'Send the image as the multipart field "poster"', { issues: [{ code: 'custom', path: ['poster'], message: 'Choose an image' }] })
  if (file.data.length > MAX_POSTER_BYTES) throw httpError(413, 'The poster may be at most 5 MB')
  await getShow(useDb(), id)

  const images = await renderPoster(file.data)
  const storage = usePosterStorage()
  const key = await storePoster(storage, id, images)
  // The show may have been deleted meanwhile: then the new files go too.
  const previous = await setPosterKey(useDb(), id, key).catch(async (err) => {
    await deletePosterFiles(storage, key)
    throw err
  })
  if (previous.old) await deletePosterFiles(storage, previous.old)
  await invalidateCatalog()
  return getShow(useDb(), id)
})
