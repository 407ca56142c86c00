// The headless WebSocket's wire format lives with the api contract (src/api/wire.ts), which the UI reads too.
export * from '../api/wire';
