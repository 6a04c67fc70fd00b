/**
 * Downloads an authenticated file (CSV, calendar): the API takes the bearer token only,
 * so the browser cannot just follow a link; fetch it, then hand the blob to the browser.
 */
export function useDownload() {
  const { token } = useAuth()
  return async function download(url: string, fallbackName: string): Promise<void> {
    const res = await fetch(url, { headers: token.value ? { Authorization: token.value } : {} })
    if (!res.ok) {
      const body = await res.json().catch(() => ({}))
      throw Object.assign(new Error(body.message || `Download failed (${res.status})`), { statusCode: res.status, data: body })
    }
    const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName
    const href = URL.createObjectURL(await res.blob())
    const a = Object.assign(document.createElement('a'), { href, download: name })
    document.body.append(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(href), 10_000)
  }
}
