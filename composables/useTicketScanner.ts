// Reads ticket QR codes for the door (/staff/checkin): from the camera, frame by frame,
// or from a photo. The browser's BarcodeDetector where it has one (Chrome on Android,
// Safari); otherwise jsQR, loaded only when first needed so no other page pays for it.

interface DetectedBarcode { rawValue: string }
interface BarcodeDetectorLike { detect: (source: CanvasImageSource | ImageBitmap) => Promise<DetectedBarcode[]> }
type BarcodeDetectorClass = (new (opts: { formats: string[] }) => BarcodeDetectorLike) & { getSupportedFormats?: () => Promise<string[]> }

let native: Promise<BarcodeDetectorLike | null> | undefined

/** The platform's QR detector, or null where there is none (desktop Linux and Firefox). */
function nativeDetector(): Promise<BarcodeDetectorLike | null> {
  native ??= (async () => {
    const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector
    if (!Detector) return null
    try {
      const formats = await Detector.getSupportedFormats?.() ?? ['qr_code']
      return formats.includes('qr_code') ? new Detector({ formats: ['qr_code'] }) : null
    }
    catch {
      return null
    }
  })()
  return native
}

/** The text of the QR code in a picture (a video frame, a photo), or null when it shows none. */
async function decode(source: HTMLVideoElement | ImageBitmap, canvas: HTMLCanvasElement): Promise<string | null> {
  const detector = await nativeDetector()
  if (detector) {
    const found = await detector.detect(source).catch(() => [])
    return found[0]?.rawValue ?? null
  }
  const width = source instanceof HTMLVideoElement ? source.videoWidth : source.width
  const height = source instanceof HTMLVideoElement ? source.videoHeight : source.height
  if (!width || !height) return null
  // Photos from a phone are large; a QR code is still legible at 1024 px and decodes faster.
  const scale = Math.min(1, 1024 / Math.max(width, height))
  canvas.width = Math.round(width * scale)
  canvas.height = Math.round(height * scale)
  const ctx = canvas.getContext('2d', { willReadFrequently: true })
  if (!ctx) return null
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height)
  const { default: jsQR } = await import('jsqr')
  const image = ctx.getImageData(0, 0, canvas.width, canvas.height)
  return jsQR(image.data, image.width, image.height, { inversionAttempts: 'attemptBoth' })?.data ?? null
}

/** Camera scanning into `video`, calling `onCode` for each code seen (the same code at most every 3 s), and photo decoding. */
export function useTicketScanner(video: Ref<HTMLVideoElement | null>, onCode: (code: string) => void) {
  const canvas = import.meta.client ? document.createElement('canvas') : null
  const scanning = ref(false)
  const cameraError = ref<string | null>(null)
  let stream: MediaStream | null = null
  let timer: ReturnType<typeof setTimeout> | undefined
  let last = { code: '', at: 0 }

  function seen(code: string) {
    const now = Date.now()
    if (code === last.code && now - last.at < 3000) return
    last = { code, at: now }
    onCode(code)
  }

  async function tick() {
    if (!scanning.value || !video.value || !canvas) return
    const code = await decode(video.value, canvas).catch(() => null)
    if (code) seen(code)
    if (scanning.value) timer = setTimeout(tick, 250)
  }

  async function start() {
    cameraError.value = null
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      if (!video.value) return stop()
      video.value.srcObject = stream
      await video.value.play()
      scanning.value = true
      void tick()
    }
    catch (err) {
      stop()
      cameraError.value = (err as Error).name === 'NotAllowedError'
        ? 'The camera is not allowed. Allow it in the browser, or upload a photo or type the reference.'
        : 'No camera could be started. Upload a photo of the ticket or type the reference.'
    }
  }

  function stop() {
    scanning.value = false
    clearTimeout(timer)
    stream?.getTracks().forEach(t => t.stop())
    stream = null
    if (video.value) video.value.srcObject = null
  }

  /** The code in a photo of a ticket; null when none can be read. */
  async function readPhoto(file: File): Promise<string | null> {
    if (!canvas) return null
    const bitmap = await createImageBitmap(file)
    try {
      return await decode(bitmap, canvas)
    }
    finally {
      bitmap.close()
    }
  }

  onBeforeUnmount(stop)
  return { scanning, cameraError, start, stop, readPhoto }
}
