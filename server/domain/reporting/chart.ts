import { crc32, deflateSync } from 'node:zlib'
import sharp from 'sharp'
import { escapeHtml } from '../mail'

// The monthly report's "tickets per week" chart. Mail clients do not run scripts and most
// do not show SVG, so it is drawn as an SVG, rasterised by sharp and stored as a small
// 16-colour PNG, attached
// inline (cid). Many people's months look alike (one booking in week 2 …), so the PNGs of
// recent inputs are kept: a run over many users renders each distinct chart once.

const CHART_WIDTH = 480
const CHART_HEIGHT = 160

export interface ChartBar {
  label: string
  value: number
}

/** The chart as SVG: one labelled bar per week, its count above it. */
function chartSvg(bars: ChartBar[]): string {
  const padX = 16
  const top = 22
  const bottom = 28
  const plotH = CHART_HEIGHT - top - bottom
  const slot = (CHART_WIDTH - 2 * padX) / Math.max(1, bars.length)
  const barW = Math.min(56, slot * 0.6)
  const max = Math.max(1, ...bars.map(b => b.value))
  const font = 'font-family="DejaVu Sans, Arial, Helvetica, sans-serif" font-size="12"'
  const parts = bars.map((b, i) => {
    const h = b.value ? Math.max(2, Math.round((b.value / max) * plotH)) : 0
    const x = padX + i * slot + (slot - barW) / 2
    const cx = padX + i * slot + slot / 2
    const y = top + plotH - h
    return `<rect x="${x.toFixed(1)}" y="${y}" width="${barW.toFixed(1)}" height="${h}" rx="3" fill="#4f46e5"/>`
      + `<text x="${cx.toFixed(1)}" y="${y - 6}" text-anchor="middle" fill="#111827" ${font}>${b.value}</text>`
      + `<text x="${cx.toFixed(1)}" y="${CHART_HEIGHT - 10}" text-anchor="middle" fill="#6b7280" ${font}>${escapeHtml(b.label)}</text>`
  })
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}">`
    + `<rect width="100%" height="100%" fill="#ffffff"/>`
    + `<line x1="${padX}" y1="${top + plotH + 0.5}" x2="${CHART_WIDTH - padX}" y2="${top + plotH + 0.5}" stroke="#e5e7eb"/>`
    + parts.join('') + `</svg>`
}

// The chart's colours (white, bar, value text, label text, axis) and the blends of each
// with white that anti-aliased edges make: every pixel maps to the nearest of these 16,
// and the PNG stores 4 bits a pixel. A fixed palette instead of sharp's quantiser
// (libimagequant): several times faster, and it leaves no memory behind over 100k charts.
const INK: Array<[number, number, number]> = [[0x4F, 0x46, 0xE5], [0x11, 0x18, 0x27], [0x6B, 0x72, 0x80]]
const PALETTE: Array<[number, number, number]> = [
  [255, 255, 255],
  [0xE5, 0xE7, 0xEB],
  ...INK.flatMap(([r, g, b]) => [0.25, 0.5, 0.75, 1].map(f => [255 - (255 - r) * f, 255 - (255 - g) * f, 255 - (255 - b) * f].map(Math.round) as [number, number, number])),
]

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'ascii')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0)
  return Buffer.concat([head, data, crc])
}

/** A 4-bit indexed PNG of an RGB image, each pixel mapped to the nearest palette colour. */
function indexedPng(rgb: Buffer, width: number, height: number, palette = PALETTE): Buffer {
  const stride = Math.ceil(width / 2) + 1
  const rows = Buffer.alloc(stride * height)
  const memo = new Map<number, number>()
  let lastKey = 0xFFFFFF
  let lastIndex = 0 // white: most of the image
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3
      const key = (rgb[i]! << 16) | (rgb[i + 1]! << 8) | rgb[i + 2]!
      let index = key === lastKey ? lastIndex : memo.get(key)
      if (index === undefined) {
        let best = Infinity
        index = 0
        for (const [p, [r, g, b]] of palette.entries()) {
          const d = (r - rgb[i]!) ** 2 + (g - rgb[i + 1]!) ** 2 + (b - rgb[i + 2]!) ** 2
          if (d < best) {
            best = d
            index = p
          }
        }
        memo.set(key, index)
      }
      lastKey = key
      lastIndex = index
      const at = y * stride + 1 + (x >> 1)
      rows[at] = rows[at]! | (x & 1 ? index : index << 4)
    }
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 4 // bit depth
  ihdr[9] = 3 // indexed colour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
    chunk('IHDR', ihdr),
    chunk('PLTE', Buffer.from(palette.flat())),
    chunk('IDAT', deflateSync(rows, { level: 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const cache = new Map<string, Promise<Buffer>>()
const CACHE_MAX = 2000

/** The chart as a small PNG (16 colours, 4 bits a pixel: a couple of KB). */
export function chartPng(bars: ChartBar[]): Promise<Buffer> {
  const key = bars.map(b => `${b.label}=${b.value}`).join('|')
  let png = cache.get(key)
  if (!png) {
    png = sharp(Buffer.from(chartSvg(bars))).flatten({ background: '#ffffff' }).raw().toBuffer({ resolveWithObject: true })
      .then(({ data, info }) => indexedPng(data, info.width, info.height))
    png.catch(() => cache.delete(key))
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!)
    cache.set(key, png)
  }
  return png
}
