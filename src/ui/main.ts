// Renderer entry: picks the transport (Electron bridge or headless WebSocket) and mounts the app.
import { mount } from 'svelte';
import App from './App.svelte';
import { BrowserAlerts } from './lib/browser-alerts.svelte';
import { bridgeTransport } from './lib/bridge-transport';
import { Monitor } from './lib/monitor.svelte';
import { Router } from './lib/router.svelte';
import { BRIDGE_GLOBAL, type MarginWatchBridge, type Transport } from './lib/transport';
import { wsTransport } from './lib/ws-transport';
import './styles.css';

function pickTransport(): Transport {
  const bridge = (window as unknown as Record<string, MarginWatchBridge | undefined>)[BRIDGE_GLOBAL];
  if (bridge) return bridgeTransport(bridge);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return wsTransport(`${scheme}://${location.host}/api`);
}

const target = document.getElementById('app');
if (!target) throw new Error('MarginWatch: #app element missing from index.html');
const monitor = new Monitor(pickTransport());
const router = new Router();
const browser = new BrowserAlerts(monitor);
mount(App, { target, props: { monitor, router, browser } });
