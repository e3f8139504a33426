import type { Connection } from 'mongoose';
import { CalendarYearModel } from './calendar';
import { CaseModel } from './case';
import { CaseNumberModel } from './case-number';
import { ClientModel } from './client';
import { IdempotencyModel } from './idempotency';
import { ChangeModel, CounterModel } from './feed';
import { LeadTransferModel } from './lead-transfer';
import { BaseModel } from './base';
import { ProjectModel } from './project';
import { AllocationModel } from './allocation';
import { ObligationLedgerModel, RestorationRevisionModel } from './obligation-ledger';

export const allModels = [CaseModel, ClientModel, CalendarYearModel, IdempotencyModel, CaseNumberModel, ChangeModel, CounterModel, BaseModel, ProjectModel, AllocationModel, ObligationLedgerModel, RestorationRevisionModel, LeadTransferModel];

/** Creates the collections and indexes the schemas declare. Runs once at start (autoIndex is off). */
export async function ensureIndexes(connection: Connection): Promise<void> {
  for (const model of allModels) {
    const bound = connection.model(model.modelName);
    await bound.createCollection().catch((err: { codeName?: string; code?: number }) => {
      if (err.codeName !== 'NamespaceExists' && err.code !== 48) throw err;
    });
    await bound.createIndexes();
  }
}
