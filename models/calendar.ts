import { Schema, model, type Model } from 'mongoose';

/** One year of the working-day calendar: public holidays and make-up working days (调休). */
const calendarYearSchema = new Schema(
  {
    _id: { type: Number, required: true },
    holidays: { type: [String], default: [] },
    workdays: { type: [String], default: [] },
    source: { type: String, required: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
  },
  { collection: 'calendar', versionKey: false, strict: true },
);

export interface CalendarYearDocument {
  _id: number;
  holidays: string[];
  workdays: string[];
  source: string;
  updatedAt: Date;
  updatedBy: string;
}

export const CalendarYearModel: Model<CalendarYearDocument> = model<CalendarYearDocument>('CalendarYear', calendarYearSchema);
