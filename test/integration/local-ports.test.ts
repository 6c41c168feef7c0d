import { describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../../functions/local/emulators.js';

describe('free loopback ports for the twin and its emulators', () => {
  it('never hands out one port twice, even to callers side by side', async () => {
    // 400 draws of 12,000 ports: drawn at random alone, two would meet in all but about 1 run in 800.
    const ports = await Promise.all(Array.from({ length: 400 }, () => freeLoopbackPort()));
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) expect(port).toBeGreaterThanOrEqual(20_000);
    for (const port of ports) expect(port).toBeLessThan(32_768);
  });
});
