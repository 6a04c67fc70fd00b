import type { Page } from 'playwright-core'

// Small in-page checks for what screenshots alone would let slip: text below WCAG 2.2 AA
// contrast, labels that lost their control, icons that rendered blank.

/**
 * Visible text whose contrast with what is painted behind it is under 4.5:1 (3:1 for large
 * text), as "ratio «text»". Colours of any syntax (oklch, color-mix) are resolved through a
 * canvas; translucent backgrounds are composited up the ancestor chain. Disabled controls
 * are exempt, as WCAG exempts them. Active tabs are skipped: their fill is a sibling
 * indicator element that the ancestor walk cannot see. Colours are read once every running
 * transition and animation has finished (a button fading back in after a refusal is not its
 * colour yet).
 */
export async function lowContrastText(page: Page): Promise<string[]> {
  // Endless ones (a spinner, a skeleton's pulse) never finish: they are not waited for.
  await page.evaluate(() => Promise.all(document.getAnimations()
    .filter(a => Number.isFinite(Number(a.effect?.getComputedTiming().endTime ?? Infinity)))
    .map(a => a.finished.catch(() => {}))))
  return page.evaluate(() => {
    const canvas = document.createElement('canvas')
    canvas.width = canvas.height = 1
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!
    const rgba = (color: string): number[] => {
      ctx.clearRect(0, 0, 1, 1)
      ctx.fillStyle = '#000'
      ctx.fillStyle = color
      ctx.fillRect(0, 0, 1, 1)
      const d = ctx.getImageData(0, 0, 1, 1).data
      return [d[0]!, d[1]!, d[2]!, d[3]! / 255]
    }
    const over = (top: number[], bottom: number[]) => [0, 1, 2].map(i => top[i]! * top[3]! + bottom[i]! * (1 - top[3]!)).concat(1)
    const luminance = (c: number[]) => {
      const f = (v: number) => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4
      return 0.2126 * f(c[0]!) + 0.7152 * f(c[1]!) + 0.0722 * f(c[2]!)
    }
    const contrast = (a: number[], b: number[]) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
      return (hi! + 0.05) / (lo! + 0.05)
    }
    const background = (el: Element) => {
      const layers: number[][] = []
      for (let e: Element | null = el; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor)
        if (c[3]! > 0) layers.push(c)
        if (c[3] === 1) break
      }
      return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255, 1])
    }

    const failures: string[] = []
    const checked = new Set<Element>()
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    while (walker.nextNode()) {
      const text = walker.currentNode.textContent?.trim()
      const el = walker.currentNode.parentElement
      if (!text || !el || checked.has(el)) continue
      checked.add(el)
      const box = el.getBoundingClientRect()
      const style = getComputedStyle(el)
      if (box.width <= 1 || box.height <= 1 || style.visibility === 'hidden') continue
      if (el.closest('[aria-hidden="true"], :disabled, [aria-disabled="true"], [role="tab"][data-state="active"]')) continue
      const behind = background(el)
      const ratio = contrast(over(rgba(style.color), behind), behind)
      const size = parseFloat(style.fontSize)
      const large = size >= 24 || (Number(style.fontWeight) >= 700 && size >= 18.66)
      if (ratio < (large ? 3 : 4.5)) failures.push(`${ratio.toFixed(2)} «${text.slice(0, 40)}»`)
    }
    return failures
  })
}

/** `<label for>` whose control does not exist (server and client disagreed on its id). */
export function danglingLabels(page: Page): Promise<string[]> {
  return page.evaluate(() => [...document.querySelectorAll('label[for]')]
    .filter(label => !document.getElementById(label.getAttribute('for')!))
    .map(label => label.textContent ?? ''))
}

/** Icons with no glyph: the lucide set is bundled, so every icon must have its mask. */
export function blankIcons(page: Page): Promise<string[]> {
  return page.evaluate(() => [...document.querySelectorAll('.iconify')]
    .filter((el) => {
      const style = getComputedStyle(el)
      return style.maskImage === 'none' && style.webkitMaskImage === 'none'
    })
    .map(el => el.className))
}
