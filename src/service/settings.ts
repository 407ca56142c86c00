// The service's settings are the api's settings contract (src/api/settings.ts).
export { appSettingsSchema, DEFAULT_APP_SETTINGS, type AppSettings } from '../api/settings';
