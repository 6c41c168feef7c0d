import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SettingsStore } from '../../core/ports.js';
import { defaultSettings, type Settings } from '../../core/settings.js';
import type { DocumentClient } from './client.js';

const settingsKey = { pk: 'SETTINGS', sk: 'SETTINGS' };

/** Stored fields over the defaults: a store never configured runs on the defaults. */
const withDefaults = (item: Record<string, unknown> | undefined, defaults: Settings): Settings => {
  const { pk: _pk, sk: _sk, ...stored } = item ?? {};
  return { ...defaults, ...stored } as Settings;
};

/** How long a container reuses the settings it read: a change reaches other containers within this. */
const cacheMs = 5_000;

export class DynamoSettingsStore implements SettingsStore {
  private cached: { settings: Promise<Settings>; until: number } | null = null;

  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
    /** What a store never configured runs on; a deployment's sender replaces `fromEmail`. */
    private readonly defaults: Settings = defaultSettings,
    private readonly cacheForMs = cacheMs,
  ) {}

  /** Read at most once per few seconds per container; this container's own changes apply at once. */
  async get(): Promise<Settings> {
    const now = Date.now();
    if (this.cached && this.cached.until > now) return this.cached.settings;
    const settings = this.read();
    this.cached = { settings, until: now + this.cacheForMs };
    settings.catch(() => (this.cached = null));
    return settings;
  }

  private async read(): Promise<Settings> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: settingsKey }));
    return withDefaults(Item, this.defaults);
  }

  async update(changes: Partial<Settings>): Promise<Settings> {
    const fields = Object.entries(changes).filter(([, value]) => value !== undefined);
    this.cached = null;
    if (!fields.length) return this.get();
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: settingsKey,
        UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(fields.map(([name], i) => [`#f${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(fields.map(([, value], i) => [`:v${i}`, value])),
        ReturnValues: 'ALL_NEW',
      }),
    );
    const settings = withDefaults(Attributes, this.defaults);
    this.cached = { settings: Promise.resolve(settings), until: Date.now() + this.cacheForMs };
    return settings;
  }

  async put(settings: Settings): Promise<void> {
    this.cached = null;
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...settingsKey, ...settings } }));
  }
}
