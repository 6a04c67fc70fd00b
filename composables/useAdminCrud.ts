/**
 * An admin page for one kind of record (venues, shows) at `endpoint`: its searchable rows
 * (`R`, as the list returns them), the slide-over form for a new record or the one being
 * edited, and deleting one after a confirmation. `<AdminCrudPage :crud>` shows it all;
 * `noun` ("venue") names the record there.
 */
export async function useAdminCrud<T extends { id: number, name: string }, R extends T = T>(options: {
  endpoint: string
  noun: string
  /** More of the list's query: `{ all: true }`. */
  query?: Record<string, unknown>
}) {
  const { $api } = useNuxtApp()
  const toast = useToast()
  // The rows are fetched last: composables run before the first await.
  const refresh = () => rows.list.refresh()

  const form = useFormPanel<T | 'new'>({ onSaved: refresh })
  const editing = computed(() => form.current.value === 'new' ? null : form.current.value)

  const remove = useConfirmAction<T>(async (item) => {
    await $api(`${options.endpoint}/${item.id}`, { method: 'DELETE' })
    toast.add({ title: `${item.name} was deleted`, color: 'neutral', icon: 'i-lucide-trash-2' })
  }, { after: refresh })

  const rows = await useAdminSearchList<R>(options.endpoint, options.query)
  return { noun: options.noun, ...rows, refresh, form, editing, remove }
}

export type AdminCrud<T extends { id: number, name: string }, R extends T = T> = Awaited<ReturnType<typeof useAdminCrud<T, R>>>
