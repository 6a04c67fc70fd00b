/** The cities and tags the home page offers as filters. */
export default defineEventHandler(() => publicFilters())
