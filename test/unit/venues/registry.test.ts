// The venue registry is the one list of exchanges: the domain's venue ids, the catalog of descriptors
// and the adapters agree, and a new descriptor reaches the CLI, the api schema and the add-account form
// without touching them.
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VENUES } from '../../../src/domain/contracts';
import { RULEBOOKS } from '../../../src/domain/margin/rulebooks';
import { EXCHANGE_SOURCES, VENUE_CATALOG, type VenueDescriptor } from '../../../src/venues/catalog';
import { VENUE_ADAPTERS } from '../../../src/venues/exchanges/registry';

afterEach(() => {
  vi.doUnmock('../../../src/venues/catalog');
  vi.resetModules();
});

describe('venue registry', () => {
  it('every catalog venue is a domain venue id with a rulebook and an adapter carrying its descriptor', () => {
    expect(EXCHANGE_SOURCES.length).toBeGreaterThan(0);
    for (const venue of VENUE_CATALOG) {
      expect(VENUES).toContain(venue.id);
      expect(RULEBOOKS[venue.rulebook], venue.id).toBeDefined();
      expect(VENUE_ADAPTERS[venue.id].descriptor).toBe(venue);
    }
    expect(Object.keys(VENUE_ADAPTERS).sort()).toEqual([...EXCHANGE_SOURCES].sort());
    expect(new Set(EXCHANGE_SOURCES).size).toBe(EXCHANGE_SOURCES.length);
  });

  it('a descriptor added to the catalog appears in the CLI, the api schema and the add-account form', async () => {
    const gate: VenueDescriptor = {
      id: 'gate',
      label: 'Gate futures (test descriptor)',
      needsKey: true,
      needsPassphrase: false,
      keyHint: 'Gate needs an API key and secret.',
      options: [{ key: 'settle', label: 'Settle coin', choices: ['usdt', 'btc'] }],
      advanced: [],
      rulebook: 'gate',
    };
    vi.resetModules();
    vi.doMock('../../../src/venues/catalog', async (importOriginal) => {
      const real = await importOriginal<typeof import('../../../src/venues/catalog')>();
      const catalog = [...real.VENUE_CATALOG, gate];
      return { ...real, VENUE_CATALOG: catalog, EXCHANGE_SOURCES: catalog.map((v) => v.id), venueDescriptor: (id: string) => catalog.find((v) => v.id === id) };
    });

    // api schema
    const { commandSchemas } = await import('../../../src/api/messages');
    const params = { name: 'g', source: 'gate', options: { settle: 'usdt' }, secret: { apiKey: 'k', secret: 's' } };
    expect(commandSchemas['accounts.add'].safeParse(params).success).toBe(true);
    expect(commandSchemas['accounts.add'].safeParse({ ...params, source: 'nowhere' }).success).toBe(false);

    // add-account form
    const ui = await import('../../../src/ui/lib/venues');
    expect(ui.VENUE_FORMS.map((v) => v.id)).toContain('gate');
    const built = ui.buildAddParams({ name: 'g', source: 'gate' as never, options: { settle: 'usdt' }, apiKey: 'k', secret: 's', passphrase: '', allowWithdraw: false });
    expect(built).toEqual({ ok: true, params: { name: 'g', source: 'gate', options: { settle: 'usdt' }, allowWithdraw: false, secret: { apiKey: 'k', secret: 's' } } });

    // CLI: the usage lists it, and `accounts add --venue gate` gets past the venue check to the key prompt
    const { main } = await import('../../../src/cli/dispatch');
    let err = '';
    const io = (stdin: string) => ({ stdin: Readable.from([stdin]), stdout: { write: () => true }, stderr: { write: (c: string) => (err += c) }, env: {} });
    expect(await main(['accounts'], io(''))).toBe(2);
    expect(err).toMatch(/--venue [a-z-|]*\|gate\b/);
    err = '';
    expect(await main(['accounts', 'add', '--name', 'g', '--venue', 'gate'], io(''))).toBe(2);
    expect(err).toMatch(/expected the API key and secret on standard input/);
    err = '';
    expect(await main(['accounts', 'add', '--name', 'g', '--venue', 'nowhere'], io(''))).toBe(2);
    expect(err).toMatch(/needs --venue, one of .*gate/);
  });
});
