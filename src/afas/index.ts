// Public API of the AFAS Profit REST client. No Postgres or Temporal knowledge lives here.

export { AfasClient, type RequestOptions, type UpdateOptions } from './client.js';
export {
  DEFAULT_CONNECTIONS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  authOptions,
  checkedAuth,
  type AfasAuthOptions,
  type AfasCallGate,
  type AfasConnectionOptions,
  type AfasConnectionSettings,
  type AfasLanguage,
  type AfasOAuthAuth,
  type AfasTokenAuth,
} from './connection-options.js';
export {
  CLASSIC_TOKEN_END,
  type AfasCredential,
  type CredentialKind,
  type OAuthClientCredentials,
} from './credentials.js';
export { afasOnlineBaseUrl, resolveBaseUrl, MAX_QUERY_LENGTH, type EnvironmentType } from './urls.js';
export { AfasToken } from './token.js';
export { DEFAULT_EXPIRES_IN_SECONDS, isFresh, tokenLifetime, type TokenLifetime } from './token-lifetime.js';
export {
  AfasError,
  AfasAbortError,
  AfasBadResponseError,
  AfasDataError,
  AfasHttpError,
  AfasNetworkError,
  AfasOAuthError,
  AfasQueryTooLongError,
  AfasTimeoutError,
  AfasUsageError,
  type AfasErrorCause,
  type AfasHttpErrorFields,
  type AfasOAuthErrorFields,
  OAUTH_ERROR_CODES,
  type OAuthErrorCode,
  type AfasRequestInfo,
} from './errors.js';
export { classifyAfasError, type AfasErrorClass, type AfasErrorClassification } from './classify.js';
export {
  FilterOperator,
  MAX_FILTER_GROUPS,
  where,
  conditionValue,
  encodeFilter,
  filterJsonDocument,
  formatFilterValue,
  normalizeFilter,
  type AfasFilter,
  type FilterCondition,
  type FilterOperatorCode,
  type FilterPart,
  type FilterValue,
  type NormalizedFilter,
} from './filters.js';
export { planFilterSplit, type FilterGroups, type FilterSplitPlan } from './query-split.js';
export {
  MAX_CELLS_PER_PAGE,
  MAX_TAKE,
  MIN_TAKE,
  connectorQueryString,
  takeForColumns,
  type AfasPage,
  type AfasPageCursor,
  type PageBody,
  type OrderField,
  type PagesOptions,
} from './pages.js';
export {
  isNumberLiteral,
  literalRoundTrips,
  numberToPlainDecimal,
  parseAfasJson,
  toPlainDecimal,
} from './json.js';
export { AFAS_DATA_TYPES, type AfasDataType, type AfasRawValue, type AfasRow } from './values.js';
export {
  AMSTERDAM_TIME_ZONE,
  amsterdamWallTimeToInstant,
  formatAfasFilterDateTime,
  formatWallTime,
  instantToAmsterdamWallTime,
  parseAfasDateTime,
  parseAfasWallTime,
  type WallTime,
} from './amsterdam-time.js';
export type {
  AfasMetainfo,
  ConnectorListEntry,
  GetConnectorField,
  GetConnectorMeta,
  SessionInfo,
  UpdateConnectorField,
  UpdateConnectorFieldValue,
  UpdateConnectorMeta,
  UpdateConnectorObject,
} from './metainfo.js';
export {
  deletePath,
  parseUpdateResults,
  updateEnvelope,
  type AfasUpdateResult,
  type DeleteKeySegment,
  type UpdateElement,
  type UpdateEnvelope,
  type UpdateResults,
  type UpdateValue,
} from './update.js';
