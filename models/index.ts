import type { Connection } from 'mongoose';
import { CaseModel } from './case';

export const allModels = [CaseModel];

/** Creates the indexes the schemas declare. Runs once at start (autoIndex is off). */
export async function ensureIndexes(connection: Connection): Promise<void> {
  for (const model of allModels) {
    const bound = connection.model(model.modelName);
    await bound.createCollection().catch((err: { codeName?: string }) => {
      if (err.codeName !== 'NamespaceExists') throw err;
    });
    await bound.createIndexes();
  }
}
