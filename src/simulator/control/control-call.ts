import type { IncomingMessage } from 'node:http';

import { z } from 'zod';

import type { SimulatorContext } from '../context.js';
import { ControlError } from '../errors.js';
import { readBodyText, type ParsedRequestUrl } from '../http/request.js';
import type { ResponseWriter } from '../http/response.js';

/** One control-API call (`/__sim/...`). */
export interface ControlCall {
  readonly sim: SimulatorContext;
  readonly req: IncomingMessage;
  readonly method: string;
  readonly url: ParsedRequestUrl;
  /** Path segments below `/__sim`. */
  readonly segments: readonly string[];
  readonly response: ResponseWriter;
}

const MAX_CONTROL_BODY = 256 * 1024 * 1024;

/** Reads and validates a JSON body; an empty body counts as `{}`. */
export async function readControlBody<T>(call: ControlCall, schema: z.ZodType<T>): Promise<T> {
  let text: string;
  try {
    text = await readBodyText(call.req, MAX_CONTROL_BODY);
  } catch (error) {
    if (error instanceof RangeError) throw new ControlError(413, error.message);
    throw error;
  }
  let json: unknown = {};
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      throw new ControlError(400, 'request body is not valid JSON');
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ControlError(400, z.prettifyError(parsed.error).replace(/\n/g, '; '));
  return parsed.data;
}
