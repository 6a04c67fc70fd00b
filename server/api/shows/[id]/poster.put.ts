import { IdParamSchema } from '#shared/schemas/common'
import { MAX_POSTER_BYTES, deletePosterFiles, getShow, renderPoster, setPosterKey, storePoster } from '~~/server/domain/catalog'

const tooLarge = () => httpError(413, 'The poster may be at most 5 MB')

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  await requireAdmin(event)
  // Size first, before anything looks at the type; the multipart envelope gets 64 KiB.
  const length = Number(getRequestHeader(event, 'content-length'))
  if (!Number.isFinite(length) || length <= 0) throw httpError(411, 'Send the poster with a Content-Length')
  if (length > MAX_POSTER_BYTES + 64 * 1024) throw tooLarge()
  const parts = await readMultipartFormData(event)
  const file = parts?.find(p => p.name === 'poster' && p.filename !== undefined)
  if (!file) throw httpError(400, 'Send the image as the multipart field "poster"', { issues: [{ code: 'custom', path: ['poster'], message: 'Choose an image' }] })
  if (file.data.length > MAX_POSTER_BYTES) throw tooLarge()
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
