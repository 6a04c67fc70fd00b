/**
 * The state of an action behind a confirmation dialog (delete a venue, cancel a screening):
 * which row it is for, whether the dialog is open, the pending flag that blocks a second
 * press, and the server's refusal shown inside the dialog. The dialog cannot be dismissed
 * while the action runs; after success it closes, then `after` runs (e.g. a refresh).
 * `ask(item)` opens the dialog for a row. With `failure`, a refusal is a toast of that
 * title instead, and the dialog stays open. `<LayoutConfirmDialog :action>` shows it.
 */
export function useConfirmAction<T>(action: (item: T) => Promise<void>, options: { after?: () => Promise<unknown>, failure?: string } = {}) {
  const toast = useToast()
  const target = ref<T | null>(null) as Ref<T | null>
  const pending = ref(false)
  const error = ref<string | null>(null)

  function ask(item: T) {
    target.value = item
  }
  function close() {
    if (pending.value) return
    target.value = null
    error.value = null
  }
  const open = computed({
    get: () => target.value !== null,
    set: (value: boolean) => {
      if (!value) close()
    },
  })

  async function confirm() {
    const item = target.value
    if (item === null || pending.value) return
    pending.value = true
    error.value = null
    try {
      await action(item)
      target.value = null
      await options.after?.()
    }
    catch (err) {
      const { message } = apiError(err)
      if (options.failure) toast.add({ title: options.failure, description: message, color: 'error' })
      else error.value = message
    }
    finally {
      pending.value = false
    }
  }

  return { target, open, pending, error, ask, close, confirm }
}

export type ConfirmAction<T> = ReturnType<typeof useConfirmAction<T>>
