// The catalogue: venues and their seat layout, shows with tags and posters, screenings (a
// show at a venue at a time), each show's next showtime, search, and the demo catalogue.
// Reads and admin writes; booking seats is the booking context's.

export { defaultSeatsPerRow, listVenues, listCities, getVenue, createVenue, updateVenue, setVenueLayout, deleteVenue } from './venues'
export { normaliseTags, listTags, getShow, getShowDetail, createShow, updateShow, setPosterKey, deleteShow } from './shows'
export { listShows } from './listing'
export { TURNOVER_MINUTES, getScreening, getScreeningDetail, listScreenings, createScreening, updateScreening } from './screenings'
export { lockShows, refreshShowtimes } from './showtimes'
export { search } from './search'
export { MAX_POSTER_BYTES, POSTER_FILE, posterUrls, renderPoster, storePoster, deletePosterFiles } from './posters'
export { seedDemo } from './seed'
export { availabilityOf, categoryPrices, hallOf, layoutOf, loadHall, loadHalls, priceRange } from './halls'
