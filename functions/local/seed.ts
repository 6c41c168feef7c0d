import type { Catalog, Product } from '../core/ports.js';

export const demoCatalog: readonly Product[] = [
  { sku: 'WIDGET-1', name: 'Widget', priceCents: 1999, kind: 'standard', stock: 120 },
  { sku: 'GADGET-2', name: 'Gadget Pro', priceCents: 4950, kind: 'standard', stock: 40 },
  { sku: 'CABLE-3', name: 'Braided Cable (2 m)', priceCents: 899, kind: 'standard', stock: 500 },
  { sku: 'CASE-4', name: 'Travel Case', priceCents: 2500, kind: 'standard', stock: 5 },
  { sku: 'LAMP-5', name: 'Desk Lamp', priceCents: 3475, kind: 'standard', stock: 25 },
  { sku: 'REPAIR-EVAL', name: 'Repair evaluation', priceCents: 0, kind: 'evaluation', stock: 500 },
];

/** Seeds the demo catalog when the catalog is empty (SPEC §10). */
export const seedDemoCatalog = async (catalog: Catalog): Promise<boolean> => {
  if ((await catalog.list()).length > 0) return false;
  await Promise.all(demoCatalog.map((product) => catalog.put(product)));
  return true;
};
