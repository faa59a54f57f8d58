// The single rule registry, sorted by id, and the library entry point.
import type { RuleModule } from "./engine";
import abortControllerNotAborted from "./rules/abort-controller-not-aborted";
import abortSignalListenerLeak from "./rules/abort-signal-listener-leak";
import clientPerRequest from "./rules/client-per-request";
import listenerNotRemoved from "./rules/listener-not-removed";
import requestContextEscape from "./rules/request-context-escape";
import subscriptionNotDisposed from "./rules/subscription-not-disposed";
import timerWithoutCleanup from "./rules/timer-without-cleanup";
import unboundedCollection from "./rules/unbounded-collection";
import unclearedInterval from "./rules/uncleared-interval";
import unclosedFileHandle from "./rules/unclosed-file-handle";
import unclosedStream from "./rules/unclosed-stream";
import unconsumedResponseBody from "./rules/unconsumed-response-body";
import unreleasedConnection from "./rules/unreleased-connection";

export const rules: readonly RuleModule[] = [
  abortControllerNotAborted,
  abortSignalListenerLeak,
  clientPerRequest,
  listenerNotRemoved,
  requestContextEscape,
  subscriptionNotDisposed,
  timerWithoutCleanup,
  unboundedCollection,
  unclearedInterval,
  unclosedFileHandle,
  unclosedStream,
  unconsumedResponseBody,
  unreleasedConnection,
] as RuleModule[];

export function ruleById(id: string): RuleModule | undefined {
  return rules.find((rule) => rule.id === id);
}

export * from "./engine";
export { RULE_DOCS_DIR, readRuleDoc, ruleDocPath } from "./docs";
