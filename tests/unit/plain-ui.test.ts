import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { createTV } from 'tailwind-variants'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { badgeClass, buttonClass, buttonIconClass, containerClass, inputClass, linkClass, mainClass, skeletonClass } from '../../utils/plain-ui'
import { staticIconNames } from '../../modules/static-icons'

// The public pages' plain markup wears Nuxt UI's classes written out (utils/plain-ui.ts):
// recomputed here the way Nuxt UI computes them, from its generated themes (.nuxt/ui, made
// by `nuxt prepare`) and this app's app.config.ts, so a Nuxt UI upgrade or a theme change
// that would make the two looks differ fails here.

const ROOT = resolve(__dirname, '../..')
type Theme = Parameters<ReturnType<typeof createTV>>[0]
type Slots = Record<string, (p?: object) => string>
const tv = createTV({})
let appUi: Record<string, object>

async function theme(name: string): Promise<Theme> {
  return (await import(/* @vite-ignore */ resolve(ROOT, `.nuxt/ui/${name}.ts`))).default
}
async function component(name: string, key = name) {
  return tv({ extend: await theme(name), ...(appUi[key] ?? {}) } as Theme) as (props?: object) => Slots | string
}

beforeAll(async () => {
  expect(existsSync(resolve(ROOT, '.nuxt/ui/button.ts')), 'run `npx nuxt prepare` first').toBe(true)
  vi.stubGlobal('defineAppConfig', (config: unknown) => config)
  appUi = (await import('../../app.config')).default.ui as Record<string, object>
})

describe('plain markup in Nuxt UI\'s looks', () => {
  it('buttons match UButton', async () => {
    const button = await component('button')
    const base = (props: object) => (button(props) as Slots).base!()
    expect(buttonClass).toEqual({
      'primary': base({}),
      'primary-lg': base({ size: 'lg' }),
      'primary-xl': base({ size: 'xl' }),
      'primary-square': base({ square: true }),
      'ghost': base({ color: 'neutral', variant: 'ghost' }),
      'ghost-square': base({ color: 'neutral', variant: 'ghost', square: true }),
      'outline': base({ color: 'neutral', variant: 'outline' }),
      'outline-sm': base({ color: 'neutral', variant: 'outline', size: 'sm' }),
      'outline-square': base({ color: 'neutral', variant: 'outline', square: true }),
      'link': base({ color: 'neutral', variant: 'link' }),
    })
    const icon = (props: object) => (button({ leading: true, ...props }) as Slots).leadingIcon!()
    expect([buttonIconClass('outline-sm'), buttonIconClass('primary'), buttonIconClass('primary-lg'), buttonIconClass('primary-xl')])
      .toEqual([icon({ size: 'sm' }), icon({}), icon({ size: 'lg' }), icon({ size: 'xl' })])
    expect((await component('link'))({ active: false, disabled: false })).toBe(`${linkClass} text-muted hover:text-default transition-colors`)
  })

  it('badges match UBadge', async () => {
    const badge = await component('badge')
    const base = (props: object) => (badge({ color: 'neutral', ...props }) as Slots).base!()
    expect(badgeClass).toEqual({
      subtleSm: base({ variant: 'subtle', size: 'sm' }),
      outlineSm: base({ variant: 'outline', size: 'sm' }),
      subtle: base({ variant: 'subtle' }),
    })
  })

  it('fields match UInput', async () => {
    const input = await component('input')
    const md = input({ leading: true }) as Slots
    const xl = input({ leading: true, size: 'xl' }) as Slots
    expect(inputClass).toEqual({
      root: md.root!(),
      md: (input({}) as Slots).base!(),
      mdLeading: md.base!(),
      xlLeading: xl.base!(),
      leadingMd: md.leading!(),
      leadingXl: xl.leading!(),
      leadingIconMd: md.leadingIcon!(),
      leadingIconXl: xl.leadingIcon!(),
    })
  })

  it('skeleton, container and main match theirs', async () => {
    expect(skeletonClass).toBe((await component('skeleton'))())
    expect(containerClass).toBe((await component('container'))())
    expect(mainClass).toBe((await component('main'))())
  })
})

describe('build-time icons', () => {
  it('finds every icon written out in the sources, and only those', () => {
    const names = staticIconNames(ROOT)
    expect(names).toEqual(expect.arrayContaining(['clock', 'map-pin', 'star', 'search', 'chevron-right']))
    const lucide = JSON.parse(readFileSync(resolve(ROOT, 'node_modules/@iconify-json/lucide/icons.json'), 'utf8'))
    expect(names.filter(n => !lucide.icons[n] && !lucide.aliases?.[n])).toEqual([])
  })
})
