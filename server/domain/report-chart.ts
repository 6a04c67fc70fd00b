import sharp from 'sharp'
import { escapeHtml } from './mail'

// The monthly report's "tickets per week" chart. Mail clients do not run scripts and most
// do not show SVG, so it is drawn as an SVG and converted to a small palette PNG, attached
// inline (cid). Many people's months look alike (one booking in week 2 …), so the PNGs of
// recent inputs are kept: a run over many users renders each distinct chart once.

export const CHART_WIDTH = 480
export const CHART_HEIGHT = 160

export interface ChartBar {
  label: string
  value: number
}

/** The chart as SVG: one labelled bar per week, its count above it. */
export function chartSvg(bars: ChartBar[]): string {
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

const cache = new Map<string, Promise<Buffer>>()
const CACHE_MAX = 2000

/** The chart as a small PNG (a 16-colour palette: a few KB). */
export function chartPng(bars: ChartBar[]): Promise<Buffer> {
  const key = bars.map(b => `${b.label}=${b.value}`).join('|')
  let png = cache.get(key)
  if (!png) {
    png = sharp(Buffer.from(chartSvg(bars))).png({ palette: true, colours: 16, compressionLevel: 9, effort: 4 }).toBuffer()
    png.catch(() => cache.delete(key))
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!)
    cache.set(key, png)
  }
  return png
}
