// The packaged app's Electron fuses, read from electron-builder.yml the way electron-builder reads
// it (js-yaml, its own schema validation) and turned into the fuse wire it would flip.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './harness';

const require = createRequire(join(REPO_ROOT, 'package.json'));

interface BuilderConfig {
  asar?: boolean;
  electronFuses?: Record<string, boolean | undefined>;
}

function builderConfig(): BuilderConfig {
  const yaml = require('js-yaml') as { load(text: string): unknown };
  return yaml.load(readFileSync(join(REPO_ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}

describe('Electron fuses (electron-builder.yml)', () => {
  it('the configuration is valid for the installed electron-builder', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration(config: unknown, logger: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    await expect(validateConfiguration(builderConfig(), { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
    // A misspelt fuse is rejected, so the check above is not vacuous.
    await expect(validateConfiguration({ ...builderConfig(), electronFuses: { runAsNodee: false } }, { isEnabled: false, add: () => undefined })).rejects.toThrow(/configuration\.electronFuses/);
  });

  it('turns off RunAsNode, NODE_OPTIONS and inspect arguments; turns on cookie encryption, asar integrity, asar-only loading', async () => {
    const config = builderConfig();
    expect(config.asar).toBe(true);
    const { PlatformPackager } = require('app-builder-lib') as {
      PlatformPackager: { prototype: { generateFuseConfig(fuses: unknown): Promise<Record<string, unknown>> } };
    };
    const wire = await PlatformPackager.prototype.generateFuseConfig.call({}, config.electronFuses);
    const { FuseV1Options } = (await import('@electron/fuses')) as unknown as { FuseV1Options: Record<string, number> };
    const fuse = (name: string) => wire[FuseV1Options[name]!];
    expect(fuse('RunAsNode')).toBe(false);
    expect(fuse('EnableNodeOptionsEnvironmentVariable')).toBe(false);
    expect(fuse('EnableNodeCliInspectArguments')).toBe(false);
    expect(fuse('EnableCookieEncryption')).toBe(true);
    expect(fuse('EnableEmbeddedAsarIntegrityValidation')).toBe(true);
    expect(fuse('OnlyLoadAppFromAsar')).toBe(true);
    expect(fuse('GrantFileProtocolExtraPrivileges')).toBe(false);
  });
});
