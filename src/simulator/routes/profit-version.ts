import type { AfasCall } from './afas-call.js';

export const PROFIT_VERSION = '22.22.5';

/** `GET /profitversion` → `{"version":"…"}`. */
export async function sendProfitVersion(call: AfasCall): Promise<void> {
  await call.response.sendJson(200, { version: PROFIT_VERSION });
}
