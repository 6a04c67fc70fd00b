import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'
import { getIconsCSS } from '@iconify/utils'
import type { IconifyJSON } from '@iconify/types'
import { addTemplate, defineNuxtModule, updateTemplates, useLogger } from 'nuxt/kit'

/**
 * The public pages' icons as plain CSS classes made at build time:
 * `<span class="icon-lucide-star size-4" aria-hidden="true" />`. Each UIcon is three
 * components deep and awaits its icon while the server renders; on the home page's cards
 * that was half of the render. The icons are found by scanning the app's sources for
 * `icon-lucide-<name>`, so a class must be written out whole (never built from pieces);
 * a name Lucide does not have fails the build. They sit in the components layer, so size
 * and colour utilities on the span win. UIcon stays for the admin pages and Nuxt UI's own.
 */
const SOURCE_DIRS = ['components', 'pages', 'layouts', 'composables', 'utils']
const SOURCE_FILES = ['app.vue', 'error.vue']
const ICON_CLASS = /\bicon-lucide-([a-z0-9]+(?:-[a-z0-9]+)*)/g

/** Every icon name written as `icon-lucide-<name>` in the app's sources, sorted. */
export function staticIconNames(rootDir: string): string[] {
  const files = [
    ...SOURCE_FILES.map(f => join(rootDir, f)),
    ...SOURCE_DIRS.flatMap((dir) => {
      try {
        return readdirSync(join(rootDir, dir), { recursive: true, encoding: 'utf8' })
          .filter(f => /\.(?:vue|ts)$/.test(f))
          .map(f => join(rootDir, dir, f))
      }
      catch {
        return []
      }
    }),
  ]
  const names = new Set<string>()
  for (const file of files) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    }
    catch {
      continue
    }
    for (const m of text.matchAll(ICON_CLASS)) names.add(m[1]!)
  }
  return [...names].sort()
}

export default defineNuxtModule({
  meta: { name: 'static-icons' },
  setup(_options, nuxt) {
    const rootDir = nuxt.options.rootDir
    const { dst } = addTemplate({
      filename: 'static-icons.css',
      write: true,
      getContents: () => {
        const file = createRequire(import.meta.url).resolve('@iconify-json/lucide/icons.json')
        const lucide = JSON.parse(readFileSync(file, 'utf8')) as IconifyJSON
        const names = staticIconNames(rootDir)
        const unknown = names.filter(n => !lucide.icons[n] && !lucide.aliases?.[n])
        if (unknown.length) throw new Error(`static-icons: Lucide has no ${unknown.map(n => `"${n}"`).join(', ')} (used as icon-lucide-… in ${relative(process.cwd(), rootDir) || '.'})`)
        useLogger('static-icons').info(`${names.length} build-time icons`)
        const css = getIconsCSS(lucide, names, { iconSelector: '.icon-{prefix}-{name}', format: 'compressed' })
        return `@layer theme, base, components, utilities;\n@layer components {\n${css}\n}\n`
      },
    })
    nuxt.options.css.push(dst)
    // In development, an icon written into a page while the server runs appears on save.
    nuxt.hook('builder:watch', async (_event, path) => {
      if (/\.(?:vue|ts)$/.test(path)) await updateTemplates({ filter: t => t.filename === 'static-icons.css' })
    })
  },
})
