// The exchanges this build supports, for the UI's add-account form (the UI reads venues only through
// the api). The list itself is src/venues/catalog.ts: plain data, safe for the renderer bundle.
export { VENUE_CATALOG, type ExchangeSource, type OptionField, type VenueDescriptor } from '../venues/catalog';
