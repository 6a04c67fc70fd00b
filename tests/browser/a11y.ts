import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { AxeResults, RunOptions } from 'axe-core'
import type { Page } from 'playwright-core'

// In-page checks for what screenshots alone would let slip: every WCAG 2.2 AA rule that
// axe-core can test, text below AA contrast, labels that lost their control, icons that
// rendered blank.

/** The WCAG 2.2 A and AA rules, by axe-core's tags. */
export const WCAG_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

// axe-core from node_modules, never from the network. `page.evaluate` runs it through the
// DevTools protocol, which the pages' Content-Security-Policy does not govern, so the CSP
// stays on and still reports anything the pages themselves try.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** A node axe reports for one rule that is not a failure, and why (written out, reviewed like code). */
export interface AxeException {
  rule: string
  /** CSS selector of the reported element (or of an ancestor). */
  selector: string
  reason: string
}

/**
 * The WCAG 2.2 AA violations axe-core finds in the page as it is now, one line each:
 * "rule: what it asks · selector · why it fails". `exceptions` takes out single nodes of
 * single rules that are known false positives; every one has its reason.
 */
export async function axeViolations(page: Page, exceptions: AxeException[] = []): Promise<string[]> {
  await animationsDone(page)
  if (!await page.evaluate(() => 'axe' in window)) await page.evaluate(axeSource)
  const options: RunOptions = { runOnly: { type: 'tag', values: WCAG_AA_TAGS }, resultTypes: ['violations'] }
  return page.evaluate(async ({ options, exceptions }) => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: RunOptions) => Promise<AxeResults> } }).axe
    const { violations } = await axe.run(document, options)
    const excepted = (rule: string, target: string) => {
      const el = document.querySelector(target)
      return !!el && exceptions.some(x => x.rule === rule && !!el.closest(x.selector))
    }
    return violations.flatMap(v => v.nodes
      .filter(n => !excepted(v.id, String(n.target.at(-1))))
      .map(n => `${v.id}: ${v.help} · ${n.target.join(' ')} · ${(n.failureSummary ?? '').replace(/\s+/g, ' ').trim()}`))
  }, { options, exceptions })
}

/**
 * Waits until every running transition and animation that ends has ended (a button fading
 * back in after a refusal is not its colour yet); endless ones (a spinner, a skeleton's
 * pulse) are not waited for.
 */
async function animationsDone(page: Page): Promise<void> {
  await page.evaluate(() => Promise.all(document.getAnimations()
    .filter(a => Number.isFinite(Number(a.effect?.getComputedTiming().endTime ?? Infinity)))
    .map(a => a.finished.catch(() => {}))))
}

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
  await animationsDone(page)
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

/** Every icon: the UIcons (`.iconify`) and the build-time CSS ones (`icon-lucide-…`, modules/static-icons.ts). */
export const ICONS = '.iconify, [class*="icon-lucide-"]'

/** Icons with no glyph: the lucide set is bundled, so every icon must have its mask. */
export function blankIcons(page: Page): Promise<string[]> {
  return page.evaluate(selector => [...document.querySelectorAll(selector)]
    .filter((el) => {
      const style = getComputedStyle(el)
      return style.maskImage === 'none' && style.webkitMaskImage === 'none'
    })
    .map(el => el.className), ICONS)
}
