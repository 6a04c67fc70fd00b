import type { FormError, FormInputEvents, FormSubmitEvent } from '@nuxt/ui'

/**
 * When the admin forms check a field as it is edited: on input and change, not on blur. A
 * message appearing as focus leaves a field shifts the layout under the pointer, and the
 * click on the submit button would miss.
 */
export const formValidateOn: FormInputEvents[] = ['input', 'change']

/**
 * Which record a slide-over form is open for: `open(value)` shows it (remounted, so it
 * starts from the record as it is), `close()` hides it, `saved()` hides it and runs
 * `onSaved` (say, a refresh of the table). `isOpen` binds to the slide-over's `v-model:open`.
 */
export function useFormPanel<T>(options: { onSaved?: () => Promise<unknown>, onClose?: () => void } = {}) {
  const toast = useToast()
  const current = ref<T | null>(null) as Ref<T | null>
  /** Changes each time the panel opens: the form's `key`, so it is made afresh. */
  const session = ref(0)

  function open(value: T) {
    // Earlier toasts stack where the form's buttons are; they have been read by now.
    toast.clear()
    session.value++
    current.value = value
  }
  function close() {
    if (current.value !== null) options.onClose?.()
    current.value = null
  }
  async function saved() {
    current.value = null
    await options.onSaved?.()
  }
  const isOpen = computed({
    get: () => current.value !== null,
    set: (value: boolean) => {
      if (!value) close()
    },
  })

  return { current, session, open, close, saved, isOpen }
}

export interface SubmitProblem { status: number, message: string }
type ApiErrorInfo = ReturnType<typeof apiError>
type Toast = { title: string, description?: string }

/** A form's submit event as `<LayoutForm>` sends it: the data, and how to mark its fields. */
export type FormSubmission<D> = FormSubmitEvent<D> & { setErrors?: (errors: FormError[]) => void }

/**
 * Sending a form: `submit` takes the form's submit event, runs `action` on its (validated)
 * data with `pending` set, so the button shows progress and a second press does nothing.
 * What the server refuses lands next to its field (the event's `setErrors`); a refusal no
 * field owns is `problem`, for an alert in the form, or a toast titled `failure`. Once it
 * works, `success` says so in a toast and `done` takes the result (neither runs when the
 * action returns nothing).
 */
export function useFormSubmit<D, R>(
  action: (data: D) => Promise<R>,
  options: {
    success?: (result: R) => Toast | string | null | undefined
    /** Reads the server's error for this form: names a field the API does not, rewrites a message. */
    errors?: (error: ApiErrorInfo) => ApiErrorInfo
    failure?: string
    done?: (result: NonNullable<R>) => void
  } = {},
) {
  const toast = useToast()
  const pending = ref(false)
  const problem = ref<SubmitProblem | null>(null)

  async function submit(event: FormSubmission<D>): Promise<R | undefined> {
    if (pending.value) return
    pending.value = true
    problem.value = null
    try {
      const result = await action(event.data)
      const said = options.success?.(result)
      if (said) toast.add({ ...(typeof said === 'string' ? { title: said } : said), color: 'success', icon: 'i-lucide-check' })
      if (result) options.done?.(result)
      return result
    }
    catch (err) {
      const error = options.errors ? options.errors(apiError(err)) : apiError(err)
      if (error.fields.length && event.setErrors) event.setErrors(error.fields)
      else if (options.failure) toast.add({ title: options.failure, description: error.message, color: 'error' })
      else problem.value = { status: error.status, message: error.message }
    }
    finally {
      pending.value = false
    }
  }

  return { pending, problem, submit }
}
