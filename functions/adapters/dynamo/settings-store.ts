import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SettingsStore } from '../../core/ports.js';
import { defaultSettings, type Settings } from '../../core/settings.js';
import type { DocumentClient } from './client.js';

const settingsKey = { pk: 'SETTINGS', sk: 'SETTINGS' };

export class DynamoSettingsStore implements SettingsStore {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
  ) {}

  async get(): Promise<Settings> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: settingsKey }));
    const { pk: _pk, sk: _sk, ...stored } = Item ?? {};
    return { ...defaultSettings, ...stored } as Settings;
  }

  async put(settings: Settings): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...settingsKey, ...settings } }));
  }
}
