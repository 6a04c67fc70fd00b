export default defineAppConfig({
  ui: {
    colors: {
      primary: 'rose',
      neutral: 'zinc',
    },
    button: {
      // Nuxt UI fades a solid button to 75% under the pointer: white on rose-700 at 75% is
      // 4.4:1, under WCAG AA. At 90% it is 5.5:1 in light mode and dark text on rose-400
      // 5.6:1 in dark mode; the same for the error (delete) buttons.
      compoundVariants: [
        { color: 'primary', variant: 'solid', class: 'hover:bg-primary/90 active:bg-primary/90' },
        { color: 'error', variant: 'solid', class: 'hover:bg-error/90 active:bg-error/90' },
      ],
    },
    // Placeholders are text a person has to read ("All shows", "Search…"): Nuxt UI's dimmed
    // grey is 2.6:1 on white, the muted one clears WCAG AA (4.5:1) in both colour modes.
    selectMenu: { slots: { placeholder: 'text-muted' } },
    select: { slots: { placeholder: 'text-muted' } },
    input: { slots: { base: 'placeholder:text-muted' } },
    inputNumber: { slots: { base: 'placeholder:text-muted' } },
    textarea: { slots: { base: 'placeholder:text-muted' } },
  },
})
