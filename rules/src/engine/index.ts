// The engine's public surface: what rules, hosts and tests import.
export * from "./types";
export * from "./ast";
export { defineRule, docsUrlFor, DOCS_BASE_URL } from "./define-rule";
export { Facts } from "./facts";
export { type LeakPath, type TrackedResource, type UseKind, type ExitKind, findLeakPath } from "./flow";
export { type OwnershipSpec, classifyReference, outerReference } from "./ownership";
export {
  type FunctionRole, type Owner, type TargetLifetime, LifetimeAnalysis, TEARDOWN_METHODS, MOUNT_METHODS, findTeardown, returnedFunction,
} from "./lifetime";
export { type QualifiedName, NameResolver, formatQualifiedName, normalizeModule, requiredModule, skipOuterExpressions } from "./names";
export { type TeardownEdits, releaseInTeardown, freshName, namedImportEdits } from "./teardown-fixes";
export {
  type StoredHandle, TIMER_CLEARERS, TIMER_CLEAR_FUNCTIONS, clearStoredFixes, isClearedOrHandedOff, isEntryPoint, isHandleDropped, isUnrefCall,
  isShortDelay, isUnrefed, literalDelayMs, storeAndClearFixes, storedHandle, timerHandleExpression, timerStarted,
} from "./timers";
export { removeStatement, wrapRestInTryFinally } from "./statement-fixes";
export { type SignalOrigin, abortSignalFactory, isAbortControllerCreation, isAbortSignalExpression, isInLoop, isSignalOption, signalOrigin } from "./abort";
export { type RequestValue, REQUEST_TYPE_NAMES, capturedRequest, heldRequest, outlivesHandler, requestParameter } from "./request-scope";
export { type AppliedFixes, applyFixes, safeFixes, insertAt, replaceNode } from "./fixes";
export { Directives, parseDirectives, type Directive } from "./directives";
export {
  type LeaklintConfig, type ResolvedRule, ConfigError, CONFIG_FILE_NAMES, defaultConfig, findConfigFile, loadConfigFile, parseConfig,
  resolveRules, toSeverity,
} from "./config";
export { type LintFileOptions, ENGINE_RULES, lintSourceFile, formatMessage } from "./linter";
export {
  LINTABLE_EXTENSIONS, LOOSE_COMPILER_OPTIONS, type LintUnit, type UnparsableSourceFile, createLintUnits, discoverFiles, guardedHost, isLintable,
  parseTsconfig, unparsablePlaceholder, parseLooseFile, LOOSE_PARSE_OPTIONS, typeInfo, unitFiles,
} from "./project";
export { type RunOptions, type RunResult, type FileResult, runLint, lintText, loadConfigFor } from "./run";
export { type Repetition, type RepetitionOptions, repetitionAt } from "./repetition";
export {
  type CollectionKind, type CollectionUse, type CollectionUseKind, classifyCollectionUse, collectionKindOf, firstTimeGuard, hasObjectKeys, isObjectType, referencesInOtherFiles,
} from "./collections";
export {
  type Registration, type Removal, REGISTER_METHODS, REMOVE_METHODS, captureFlag, findRemovals, isFreshFunction, longLivedTarget,
  parseRegistration, registrationTarget, selfRemovingOption,
} from "./listeners";
export { type Hoisted, handlerNameFor, hoistToName, isNameTakenAt, isOwnerScope } from "./hoist";
export {
  type CheckoutSpec, type Delivery, type ModuleResources, type ResourceKind, type ResourceSpec, KNOWN_CHECKOUTS, KNOWN_CLIENTS, KNOWN_RESOURCES,
  acquisitionNames, callbackArgument, configCheckouts, configResources, deliveryOf, isDisposableType, matchAcquisition, matchCheckout,
  receiverOrigin, resourcesOfKind, typeFromModule,
} from "./resources";
export { type ResourceTrack, type TrackMode, classifyUse, describeExit, isCandidateCall, releaseCalls, trackResource } from "./resource-tracking";
export { convertToUsing, earlyReleaseText, hoistToModule, releaseAtStart, releaseBeforeExit, wrapInTryFinally } from "./resource-fixes";
export { type StoreAndRelease, isOwnSourceSubscribedOnce, isReleasedOrHandedOff, releaseStoredFixes, storeAndReleaseFixes } from "./disposables";
