import { Logger } from '@aws-lambda-powertools/logger';

/** One structured logger per process. Never log request bodies: they may hold card data. */
export const logger = new Logger({ serviceName: 'orders', logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO' });
