// Raw AFAS row values and the metainfo data types. (Turning values into COPY text for a column
// is src/codec's one value converter.)

/**
 * A value exactly as AFAS sent it, except that a number literal that does not survive a float64
 * round trip is kept as its exact decimal string (see json.ts).
 */
export type AfasRawValue = string | number | boolean | null;
export type AfasRow = Record<string, AfasRawValue>;

export const AFAS_DATA_TYPES = ['string', 'int', 'decimal', 'date', 'boolean', 'blob'] as const;
export type AfasDataType = (typeof AFAS_DATA_TYPES)[number];
