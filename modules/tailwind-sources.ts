import { defineNuxtModule } from 'nuxt/kit'

/**
 * Tailwind scans for classes only where `assets/css/main.css` says (the app's own folders)
 * and the themes of the Nuxt UI components the app uses (`ui.experimental.componentDetection`).
 * Nuxt UI's `ui.css` also asks for the whole project (`@source "<root>/**\/*"`), and with that
 * glob Tailwind's scanner walks all of `.nuxt/ui` once one file in it is named, so every
 * component's theme (calendars, editors, chat, dashboards) went into the stylesheet whatever
 * the detection found. This takes that one line out; main.css names the folders instead.
 */
export default defineNuxtModule({
  meta: { name: 'tailwind-sources' },
  setup(_options, nuxt) {
    const root = `@source "${nuxt.options.srcDir.replace(/\/?$/, '/')}**/*";`
    nuxt.hook('modules:done', () => {
      const template = nuxt.options.build.templates.find(t => t.filename === 'ui.css')
      const getContents = template?.getContents
      if (!template || !getContents) throw new Error('tailwind-sources: Nuxt UI no longer writes ui.css; see modules/tailwind-sources.ts')
      template.getContents = async (data) => {
        const css = await getContents(data)
        if (!css.includes(root)) throw new Error(`tailwind-sources: ui.css no longer has ${root}; see modules/tailwind-sources.ts`)
        return css.replace(`${root}\n`, '')
      }
    })
  },
})
