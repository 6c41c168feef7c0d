import { describe, expect, it } from 'vitest';
import { changeSettings, senderAllowed } from '../../functions/core/admin/store-settings.js';
import type { SettingsStore } from '../../functions/core/ports.js';
import { defaultSettings, type Settings } from '../../functions/core/settings.js';
import { settingsDefaults } from '../../functions/runtime/adapters.js';

const memorySettings = (): SettingsStore & { current: Settings } => {
  const store = {
    current: { ...defaultSettings },
    async get() {
      return store.current;
    },
    async update(changes: Partial<Settings>) {
      store.current = { ...store.current, ...changes };
      return store.current;
    },
    async put(settings: Settings) {
      store.current = settings;
    },
  };
  return store;
};

describe('senders within the verified SES identity', () => {
  it('matches a verified address exactly (case aside) and a verified domain by the address domain', () => {
    expect(senderAllowed('orders@shop.test', 'Orders@Shop.test')).toBe(true);
    expect(senderAllowed('orders@shop.test', 'sales@shop.test')).toBe(false);
    expect(senderAllowed('shop.test', 'sales@SHOP.test')).toBe(true);
    expect(senderAllowed('shop.test', 'sales@mail.shop.test')).toBe(false);
    expect(senderAllowed('shop.test', 'shop.test@evil.test')).toBe(false);
  });

  it('refuses a sender change outside the identity as validation_failed naming the identity, and changes nothing', async () => {
    const settings = memorySettings();
    await expect(changeSettings({ settings, senderIdentity: 'orders@shop.test' }, { fromEmail: 'orders@other.test' })).rejects.toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'fromEmail', message: expect.stringContaining('orders@shop.test') }],
    });
    expect(settings.current.fromEmail).toBe(defaultSettings.fromEmail);
  });

  it('applies changes within the identity, changes without a sender, and anything when no identity is configured', async () => {
    const settings = memorySettings();
    expect((await changeSettings({ settings, senderIdentity: 'shop.test' }, { fromEmail: 'hello@shop.test' })).fromEmail).toBe('hello@shop.test');
    expect((await changeSettings({ settings, senderIdentity: 'shop.test' }, { storeName: 'Shop' })).storeName).toBe('Shop');
    expect((await changeSettings({ settings, senderIdentity: null }, { fromEmail: 'any@where.test' })).fromEmail).toBe('any@where.test');
  });

  it("makes the deployment's sender the default fromEmail setting", () => {
    expect(settingsDefaults('orders@shop.test')).toEqual({ ...defaultSettings, fromEmail: 'orders@shop.test' });
    expect(settingsDefaults(undefined)).toEqual(defaultSettings);
  });
});
