/**
 * The state of an action behind a confirmation dialog (delete a venue, cancel a screening):
 * which row it is for, whether the dialog is open, the pending flag that blocks a second
 * press, and the server's refusal shown inside the dialog. The dialog cannot be dismissed
 * while the action runs; after success it closes, then `after` runs (e.g. a refresh).
 */
export function useConfirmAction<T>(action: (item: T) => Promise<void>, after?: () => Promise<unknown>) {
  const target = ref<T | null>(null) as Ref<T | null>
  const pending = ref(false)
  const error = ref<string | null>(null)
  const open = computed({
    get: () => target.value !== null,
    set: (value: boolean) => {
      if (!value && !pending.value) {
        target.value = null
        error.value = null
      }
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
      await after?.()
    }
    catch (err) {
      error.value = apiError(err).message
    }
    finally {
      pending.value = false
    }
  }

  return { target, open, pending, error, confirm }
}
