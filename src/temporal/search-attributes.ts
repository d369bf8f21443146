import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Custom search attributes: operators filter runs by source and phase in the Web UI and with
// `temporal workflow list --query "AfasSource = 'demo' AND AfasPhase = 'journal_lines'"`.
export const AfasSource = defineSearchAttributeKey('AfasSource', SearchAttributeType.KEYWORD);
export const AfasPhase = defineSearchAttributeKey('AfasPhase', SearchAttributeType.KEYWORD);
export const AfasWorkflowKind = defineSearchAttributeKey('AfasWorkflowKind', SearchAttributeType.KEYWORD);

/** `name=Type` pairs for `temporal server start-dev --search-attribute` and the compose setup job. */
export const SEARCH_ATTRIBUTE_DEFINITIONS: readonly string[] = [
  'AfasSource=Keyword',
  'AfasPhase=Keyword',
  'AfasWorkflowKind=Keyword',
];
