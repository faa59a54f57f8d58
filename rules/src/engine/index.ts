// The engine's public surface: what rules, hosts and tests import.
export * from "./core/types";
export * from "./core/rule";
export { type Analysis, type AnalysisPass, defineAnalysis, isAnalysis } from "./core/analysis";
export * from "./core/ast";
export { defineRule, docsUrlFor, DOCS_BASE_URL } from "./core/define-rule";
export { Facts } from "./core/facts";
export { type FlowAnalysis, type LeakPath, type TrackedResource, type UseKind, type ExitKind, findLeakPath, flow } from "./analyses/flow";
export { type OwnershipSpec, classifyReference, outerReference } from "./analyses/ownership";
export {
  type FunctionRole, type Owner, type TargetLifetime, LifetimeAnalysis, lifetimes, TEARDOWN_METHODS, MOUNT_METHODS, findTeardown, returnedFunction,
} from "./analyses/lifetime";
export { type QualifiedName, NameResolver, formatQualifiedName, normalizeModule, requiredModule, skipOuterExpressions } from "./core/names";
export { type TeardownEdits, isReadableInTeardown, releaseInTeardown, releaseInFunction, releaseBeforeStatement, freshName, namedImportEdits } from "./fixes/teardown-fixes";
export {
  type StoredHandle, TIMER_CLEARERS, TIMER_CLEAR_FUNCTIONS, awaitSkippingClear, clearStoredFixes, isClearedOrHandedOff, isEntryPoint, isHandleDropped, isUnrefCall,
  isShortDelay, isLongDelay, isUnrefed, literalDelayMs, loopStartsOnce, storeAndClearFixes, storedHandle, timerHandleExpression, timerStarted,
} from "./analyses/timers";
export { removeStatement, wrapRestInTryFinally } from "./fixes/statement-fixes";
export { type SignalOrigin, abortSignalFactory, isAbortControllerCreation, isClearableSignalCreation, isAbortSignalExpression, isHandedOffCallbackSignal, isPerCallSignal, isPerCallSignalInProgram, isSignalOption, signalOrigin } from "./analyses/abort";
export { type RequestValue, REQUEST_TYPE_NAMES, capturedRequest, heldRequest, outlivesHandler, requestParameter } from "./analyses/request-scope";
export { type AppliedFixes, applyFixes, safeFixes, rangesOverlap } from "./fixes/fixes";
export { type FixLoopResult, MAX_FIX_PASSES, fixUntilStable, mapOffset, notConvergedMessage } from "./fixes/fix-loop";
export {
  type FileStyle, addClassMember, addImport, addStatement, fileStyle, insertAfter, insertAt, insertBefore, insertStatementAfter, insertStatementBefore,
  makeFix, quoted, replaceNode, replaceRange, statementText,
} from "./fixes/fixer";
export { Directives, parseDirectives, type Directive } from "./core/directives";
export {
  type LeaklintConfig, type ResolvedRule, ConfigError, CONFIG_FILE_NAMES, defaultConfig, findConfigFile, loadConfigFile, parseConfig,
  resolveRules, toSeverity,
} from "./hosting/config";
export { type LintFileOptions, ENGINE_RULES, engineDiagnostic, lintSourceFile, lintSteps, formatMessage, isEngineFault } from "./core/linter";
export { type IncrementalLint, LintMemo } from "./core/incremental";
export { type RuleSources, PLUGIN_DEFAULT_SEVERITY, builtinSources, checkPluginRules } from "./hosting/plugins";
export { type CheckedProgram, buildCheckedProgram, stubbingHost } from "./hosting/checker-guard";
export {
  LINTABLE_EXTENSIONS, LOOSE_COMPILER_OPTIONS, type DiscoveryOptions, type LintUnit, type UnparsableSourceFile, createLintUnits, discoverFiles, guardedHost, isIgnoredFile, isLintable, nearestTsconfig,
  parseTsconfig, readableTsconfig, tsconfigProblems, unparsablePlaceholder, parseLooseFile, LOOSE_PARSE_OPTIONS, typeInfo, unitFiles,
} from "./hosting/project";
export { type TsconfigChoice, type TsconfigReader, TsconfigLookup, withTypeScript5Types } from "./hosting/tsconfigs";
export { type HostedLint, lintHostedFile } from "./hosting/hosted";
export {
  type ConfigLookupOptions, type FixOutcome, type RuleDocumentation, ConfigLookup, fixFile, isIgnoredByConfig, loadPlugin, ruleDocumentation,
} from "./hosting/host";
export { type RunOptions, type RunResult, type FileResult, runLint, runLintText, lintText, fixText, loadConfigFor } from "./hosting/run";
export { type PieceRunner, type PlannedRunOptions, runLintPlanned } from "./hosting/run-plan";
export { type WorkGroup, groupByProject, partitionWork } from "./hosting/partition";
export { MAX_GROUP_BYTES, type Project, type ProjectGroup, groupProjects } from "./hosting/program-groups";
export { LintCache, hashText } from "./hosting/cache";
export { type InstanceKind, type InstanceOwner, OwnersAnalysis, owners } from "./analyses/owners";
export {
  type OwnedTimerFinding, type OwnedTimerOptions, type TimerHome, clearsItself, instanceTeardown, isClearedOnTeardown,
  isOverwrittenWhileLive, isRearmedByHandler, ownedTimerFinding, timerHome,
} from "./analyses/timer-owners";
export { type ScopeTeardown, SCOPE_DISPOSE_HOOKS, isOnScopeTeardown, scopeTeardownAt, scopeTeardownText } from "./analyses/scope-teardown";
export { type EntryTimer, entryTimerRemovedUncleared } from "./analyses/timer-entries";
export { ProgramCalls, programCalls } from "./analyses/program-calls";
export { type Repetition, type RepetitionOptions, exitsProcessAfter, isMountOnlyEffect, isRootComponentClass, isRootService, repeatsOnItsOwn, repeatsPerItem, repeatsUnattended, repetitionAt, runsOnce } from "./analyses/repetition";
export {
  type CollectionKind, type CollectionUse, type CollectionUseKind, classifyCollectionUse, collectionKindOf, fileMayGrowCollections, firstTimeGuard, hasObjectKeys, isObjectType,
  referencesInOtherFiles,
} from "./analyses/collections";
export {
  type OwnedCollection, firedTimersKept, isCallbackRegistration, isExposedToSiblingModule, isLongLivedOwner, looksMinified, growingCollections, ownedGrowthRepetition, removalEvidence,
} from "./analyses/owned-collections";
export {
  type Registration, type Removal, REGISTER_METHODS, REMOVE_METHODS, captureFlag, findRemovals, isFreshFunction,
  parseRegistration, registrationTarget, removesItself, isDeduplicatedByTarget, selfRemovingOption,
} from "./analyses/listeners";
export { longLivedTarget } from "./analyses/listener-targets";
export { isOnceProcessExitHandler, isRemovedWhenGestureEnds } from "./analyses/bounded-listeners";
export { gestureEndNeverRemoved, isPageElementField } from "./analyses/gesture-end";
export { instanceHelperLoop } from "./analyses/helper-loops";
export { instanceMediaQuery, isHandlerNeverReset, keptOnchangeHandler } from "./analyses/media-queries";
export { endsWithCommand } from "./analyses/command-scope";
export { connectionTarget, guardedByListenerCheck, moduleSingletonTarget, promisePerCall } from "./analyses/per-call-listeners";
export { type OncePerPass, ONCE_METHODS, handedInTarget, hasSiblingOnce, oncePerPass, oneWayOnce, passesAgain, racingOnce } from "./analyses/once-listeners";
export { type OwnedRegistration, isOnTeardownPathFor, outlivingTarget, ownedRegistration, registrationRepeatedInTeardown, registrationsOf, removalsOnTeardown, unremovableWithoutTeardown } from "./analyses/owned-listeners";
export { teardownResetsTarget } from "./analyses/target-resets";
export { type Hoisted, handlerNameFor, hoistToName, isNameTakenAt, isOwnerScope } from "./fixes/hoist";
export {
  type CheckoutSpec, type Delivery, type ModuleResources, type ResourceKind, type ResourceSpec, KNOWN_CHECKOUTS, KNOWN_CLIENTS, KNOWN_RESOURCES,
  acquisitionNames, callbackArgument, configCheckouts, configResources, deliveryOf, holdsConnections, isDisposableType, matchAcquisition, matchCheckout,
  receiverOrigin, resourcesOfKind, typeFromModule,
} from "./apis/resources";
export { hasClosedKeyType, isBoundedKey, isLazyLoadRecord } from "./analyses/bounded-keys";
export { growsOnlyBeforeReady } from "./analyses/startup-buffers";
export { type KeptEntry, keptEntries } from "./analyses/kept-entries";
export { upgradeOnlyRequest } from "./analyses/upgrade-requests";
export { type FieldResource, unwatchedFieldResource } from "./analyses/owned-resources";
export { type ResourceTrack, type TrackMode, classifyUse, describeExit, isCandidateCall, releaseCalls, trackResource } from "./analyses/resource-tracking";
export { failsOnExpectedStatus, failureSurfaces, leaksOnlyOnFailure, madeOnFailurePath } from "./analyses/failure-paths";
export { convertToUsing, earlyReleaseText, hoistToModule, releaseAtStart, releaseBeforeExit, wrapInTryFinally } from "./fixes/resource-fixes";
export {
  SCOPE_BOUND_HELPERS, canRegisterOnInstance, hasDisposeConvention, isEmitterCreatedHere, isEventSubscription, isInstancePart, isLongerLivedTarget,
  registrationRepetition, scopeBoundLeak,
} from "./analyses/disposable-registrations";
export {
  type StoreAndRelease, destroyRefMember, inInjectionContext, isAngularClass, isComponentClass, isOwnSourceSubscribedOnce, isReleasedOrHandedOff,
  releaseStoredFixes, sourceRoots, storeAndReleaseFixes,
} from "./analyses/disposables";
export { type Runtime, type RuntimeFacts, runtime } from "./analyses/runtime";
export { entryScript, isEntryScript } from "./analyses/entry-script";
export { type FileKind, TEST_FILE_GLOBS, classifyFile, fileKind, isCommittedBundle } from "./analyses/file-kind";
export { type PackageRole, classifyManifest, commandLinePackage, isCommandLineManifest, isPublishedManifest, packageRole, publishedPackage } from "./analyses/package-role";
export { type RxCompletion, rxCompletion } from "./analyses/rx-completion";
export { type ProjectMethods, projectMethods } from "./analyses/rx-definitions";
export { type ConfigOverride, RulesPerFile, builtinOverrides } from "./hosting/overrides";
export { onlyUpdatesComponentState } from "./analyses/component-state";
export { COMPONENT_EXTENSIONS, componentView, isComponentFile, mapToComponent } from "./hosting/sfc";
export { type ComponentRemovalOffTeardown, type ScopeRemovalOffTeardown, reboundOnPropChange, removedOffComponentTeardown, removedOffScopeTeardown } from "./analyses/scope-listeners";
export { type StoreSubscription, svelteStoreSubscription } from "./analyses/svelte-stores";
export {
  type Suppressions, SUPPRESSIONS_FILE, SuppressionsError, isSuppressible, readSuppressions, suppressedFindings, suppressibleCounts, suppressionKey,
} from "./hosting/suppressions";
export { isModuleSingleton, isSingletonClass } from "./analyses/owner-shapes";
export { isComponentOwnElement } from "./analyses/own-elements";
