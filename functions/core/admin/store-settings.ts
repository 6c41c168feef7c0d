import { AppError } from '../errors.js';
import type { SettingsStore } from '../ports.js';
import type { Settings } from '../settings.js';

/**
 * The mail identity the deployment verified: a single address (`orders@shop.example`) or a
 * whole domain (`shop.example`). Mail from any other sender would be refused by SES.
 */
export type SenderIdentity = string;

export interface StoreSettingsDeps {
  readonly settings: SettingsStore;
  /** null: any sender (the twin's local mail server accepts everything). */
  readonly senderIdentity: SenderIdentity | null;
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

export const senderAllowed = (identity: SenderIdentity, address: string): boolean =>
  identity.includes('@') ? identity.toLowerCase() === address.toLowerCase() : domainOf(address) === identity.toLowerCase();

/** A partial settings change; a sender outside the verified identity is refused (no email would go out). */
export const changeSettings = async (deps: StoreSettingsDeps, changes: Partial<Settings>): Promise<Settings> => {
  const { senderIdentity } = deps;
  if (senderIdentity && changes.fromEmail !== undefined && !senderAllowed(senderIdentity, changes.fromEmail)) {
    const allowed = senderIdentity.includes('@') ? senderIdentity : `an address at ${senderIdentity}`;
    const message = `must be ${allowed}, the sender verified for this store's mail`;
    throw new AppError('validation_failed', `fromEmail ${message}.`, [{ path: 'fromEmail', message }]);
  }
  return deps.settings.update(changes);
};
