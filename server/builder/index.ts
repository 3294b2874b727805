// The builder's front door: load, validate and merge department/topic JSON into an account build (pure, deterministic, with line:column diagnostics).
// Other rooms import this folder only through this file; everything else in it is private.
export { buildAccount, buildCity } from './build-account.js';
export type { BuildOptions, CityBuild } from './build-account.js';
export { formatDiagnostic, hasErrors, summarizeDiagnostics } from './diagnostics.js';
export { loadCityFromDir } from './load-city.js';
export type { CityFiles } from './load-city.js';
export { normalizeKeyword } from './normalize.js';
export type { Account, AccountBuild, BuiltDepartment, BuiltHall, BuiltService, BuiltTopic, CompiledKeyword, Diagnostic, MenuButton, SiblingAccount, WechatMenu } from './types.js';
export type { BuiltAnswer, BuiltBindingKind, BuiltTable } from './types.js';
export type { BuiltMatter, BuiltMatterMember, MatterFormAttachment, MatterFormField, MatterTarget } from './types.js';
export type { BuiltNoticeType, BuiltReminder } from './types.js';
export { FORBIDDEN_TEMPLATE_KEYS, charCount, fieldLimit, templateValueProblem } from './template-rules.js';
export { isLoopbackHost } from './check-queries.js';
