/**
 * Downloads an authenticated file (CSV, calendar): the API takes the bearer token only,
 * so the browser cannot just follow a link; fetch it through `$api`, then hand the blob to
 * the browser. `pending` while it downloads, for the button; a failure is a toast titled
 * `failure`, with the server's reason.
 */
export function useDownload(failure: string) {
  const { $api } = useNuxtApp()
  const toast = useToast()
  const pending = ref(false)

  async function fetchFile(url: string, fallbackName: string): Promise<void> {
    // Read as a blob whatever the status: a refusal is the API's JSON error, read from it.
    const res = await $api.raw<Blob>(url, { responseType: 'blob', ignoreResponseError: true })
    if (!res.ok) {
      const body = await res._data?.text().then(text => JSON.parse(text)).catch(() => ({})) ?? {}
      throw Object.assign(new Error(body.message || `Download failed (${res.status})`), { statusCode: res.status, data: body })
    }
    const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName
    const href = URL.createObjectURL(res._data!)
    const a = Object.assign(document.createElement('a'), { href, download: name })
    document.body.append(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(href), 10_000)
  }

  async function download(url: string, fallbackName: string): Promise<void> {
    pending.value = true
    try {
      await fetchFile(url, fallbackName)
    }
    catch (err) {
      toast.add({ title: failure, description: apiError(err).message, color: 'error' })
    }
    finally {
      pending.value = false
    }
  }

  return { pending, download }
}
