/**
 * Nuxt UI's looks as plain class strings, for the markup every visitor's page is made of
 * (header, footer, the catalogue's cards, buttons and fields). Each Nuxt UI component
 * works out its classes per render with tailwind-variants behind a proxy of its props and
 * renders through reka-ui's Primitive: on the home page that was most of a server render.
 * These are the same classes, computed once: tests/unit/plain-ui.test.ts recomputes each
 * from Nuxt UI's themes and app.config.ts and fails when they drift apart. The admin pages
 * and anything with behaviour of its own (menus, dialogs, toasts) keep Nuxt UI.
 */

const BUTTON = 'rounded-md font-medium inline-flex items-center disabled:cursor-not-allowed aria-disabled:cursor-not-allowed disabled:opacity-75 aria-disabled:opacity-75 transition-colors'
const PRIMARY = 'text-inverted bg-primary disabled:bg-primary aria-disabled:bg-primary outline-primary/25 focus-visible:outline-3'
const PRIMARY_HOVER = 'hover:bg-primary/90 active:bg-primary/90'
const GHOST = 'text-default hover:bg-elevated active:bg-elevated outline-inverted/25 focus-visible:outline-3 hover:disabled:bg-transparent dark:hover:disabled:bg-transparent hover:aria-disabled:bg-transparent dark:hover:aria-disabled:bg-transparent'
const OUTLINE = 'ring ring-inset ring-accented text-default bg-default hover:bg-elevated active:bg-elevated disabled:bg-default aria-disabled:bg-default outline-inverted/25 focus-visible:outline-3 focus-visible:ring-inverted'

const LINK = 'text-muted hover:text-default active:text-default disabled:text-muted aria-disabled:text-muted outline-inverted/25 focus-visible:outline-3'
const SM = 'px-2.5 py-1.5 text-xs gap-1.5'
const MD = 'px-2.5 py-1.5 text-sm gap-1.5'
const LG = 'px-3 py-2 text-sm gap-2'
const XL = 'px-3 py-2 text-base gap-2'

/**
 * UButton's base slot by look: the colour and variant (primary is solid primary, the rest
 * neutral), then the size when not md, or `square` for an icon or a number alone.
 */
export const buttonClass = {
  'primary': `${BUTTON} ${MD} ${PRIMARY} ${PRIMARY_HOVER}`,
  'primary-lg': `${BUTTON} ${LG} ${PRIMARY} ${PRIMARY_HOVER}`,
  'primary-xl': `${BUTTON} ${XL} ${PRIMARY} ${PRIMARY_HOVER}`,
  'primary-square': `${BUTTON} text-sm gap-1.5 ${PRIMARY} p-1.5 ${PRIMARY_HOVER}`,
  'ghost': `${BUTTON} ${MD} ${GHOST}`,
  'ghost-square': `${BUTTON} text-sm gap-1.5 ${GHOST} p-1.5`,
  'outline': `${BUTTON} ${MD} ${OUTLINE}`,
  'outline-sm': `${BUTTON} ${SM} ${OUTLINE}`,
  'outline-square': `${BUTTON} text-sm gap-1.5 ${OUTLINE} p-1.5`,
  'link': `${BUTTON} ${MD} ${LINK}`,
} as const
export type ButtonLook = keyof typeof buttonClass

/** UButton's icon slot: size-4 on small buttons, size-6 on extra large ones, else size-5. */
export const buttonIconClass = (look: ButtonLook) => look.endsWith('-sm') ? 'shrink-0 size-4' : look.endsWith('-xl') ? 'shrink-0 size-6' : 'shrink-0 size-5'

/** ULink's own classes, under the ones a link is given. */
export const linkClass = 'outline-primary/25 focus-visible:outline-3 rounded-md'

const BADGE_SM = 'font-medium inline-flex items-center text-[10px]/3 px-1.5 py-1 gap-1 rounded-sm ring ring-inset ring-accented text-default'
const BADGE_MD = 'font-medium inline-flex items-center text-xs px-2 py-1 gap-1 rounded-md ring ring-inset ring-accented text-default'

/** UBadge's base slot in the neutral colour. */
export const badgeClass = {
  subtleSm: `${BADGE_SM} bg-elevated`,
  outlineSm: `${BADGE_SM} bg-default`,
  subtle: `${BADGE_MD} bg-elevated`,
} as const

const INPUT = 'w-full rounded-md border-0 appearance-none disabled:cursor-not-allowed disabled:opacity-75 transition-colors placeholder:text-muted'
const INPUT_LOOK = 'text-highlighted bg-default ring ring-inset ring-accented outline-primary/25 focus-visible:outline-3 focus-visible:ring-primary'

/** UInput's slots (outline variant, primary colour). */
export const inputClass = {
  root: 'relative inline-flex items-center',
  md: `${INPUT} px-2.5 py-1.5 text-base/5 gap-1.5 ${INPUT_LOOK} md:text-sm`,
  mdLeading: `${INPUT} px-2.5 py-1.5 text-base/5 gap-1.5 ${INPUT_LOOK} ps-9 md:text-sm`,
  xlLeading: `${INPUT} px-3 py-2 text-base gap-2 ${INPUT_LOOK} ps-11`,
  leadingMd: 'absolute inset-y-0 start-0 flex items-center ps-2.5',
  leadingXl: 'absolute inset-y-0 start-0 flex items-center ps-3',
  leadingIconMd: 'shrink-0 text-dimmed size-5',
  leadingIconXl: 'shrink-0 text-dimmed size-6',
} as const

/** USkeleton, UContainer and UMain. */
export const skeletonClass = 'animate-pulse rounded-md bg-elevated'
export const containerClass = 'w-full max-w-(--ui-container) mx-auto px-4 sm:px-6 lg:px-8'
export const mainClass = 'min-h-[calc(100vh-var(--ui-header-height))]'
