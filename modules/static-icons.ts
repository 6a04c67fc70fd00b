import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { getIconsCSS } from '@iconify/utils'
import type { IconifyJSON } from '@iconify/types'
import { addTemplate, defineNuxtModule } from 'nuxt/kit'

/**
 * Icons repeated many times over on the public pages (every show card has three), as plain
 * CSS classes made at build time: `<span class="icon-lucide-star size-4" aria-hidden="true" />`.
 * Each UIcon is three components deep and awaits its icon while the server renders: on the
 * home page's twenty cards that was half of the render. Only these icons, in the components
 * layer, so size and colour utilities on the span win. UIcon stays for everything else.
 */
export const STATIC_ICONS = ['clock', 'map-pin', 'star']

export default defineNuxtModule({
  meta: { name: 'static-icons' },
  setup(_options, nuxt) {
    const { dst } = addTemplate({
      filename: 'static-icons.css',
      write: true,
      getContents: () => {
        const file = createRequire(import.meta.url).resolve('@iconify-json/lucide/icons.json')
        const lucide = JSON.parse(readFileSync(file, 'utf8')) as IconifyJSON
        const css = getIconsCSS(lucide, STATIC_ICONS, { iconSelector: '.icon-{prefix}-{name}', format: 'compressed' })
        return `@layer theme, base, components, utilities;\n@layer components {\n${css}\n}\n`
      },
    })
    nuxt.options.css.push(dst)
  },
})
