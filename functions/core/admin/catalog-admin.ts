import { AppError } from '../errors.js';
import type { Catalog, Product } from '../ports.js';

export type ProductChanges = Partial<Omit<Product, 'sku'>>;

const productFields = ['name', 'priceCents', 'kind', 'stock'] as const;

/**
 * Creates or changes a product (SPEC §5.2). An existing product gets only the given fields,
 * so stock taken by checkouts meanwhile is not written back; a new one needs every field.
 */
export const saveProduct = async (catalog: Catalog, sku: string, changes: ProductChanges): Promise<Product> => {
  const updated = await catalog.update(sku, changes);
  if (updated) return updated;
  const missing = productFields.filter((field) => changes[field] === undefined);
  if (missing.length) {
    throw new AppError(
      'validation_failed',
      'The request is invalid.',
      missing.map((field) => ({ path: field, message: 'is required to create a product' })),
    );
  }
  const product = { sku, ...changes } as Product;
  await catalog.put(product);
  return product;
};
