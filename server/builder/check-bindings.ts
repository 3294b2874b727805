// Rules for what citizens can bind (a department file's `bindings`) that JSON Schema cannot say:
// fields checked like form fields, key fields that exist and are required, exactly one way of
// verifying (a connector the platform declared, by id and path only, or accepted as declared),
// chat patterns on the linear-time engine that can fill every required field, and queries that
// name a binding kind whose fields cover their inputs. Returns the kinds the build publishes.
import type { CityModel, DepartmentEntry } from './city-model.js';
import type { DiagnosticSink, SourceRef } from './diagnostics.js';
import type { Binding, FormField } from '../model/index.js';
import type { BuiltBindingKind } from './types.js';
import { compilePattern, PatternError } from '../patterns/index.js';
import { checkChatPatterns, groupNames } from './check-chat-patterns.js';
import { checkConnectorSource } from './check-queries.js';

export function checkBindings(model: CityModel, sink: DiagnosticSink): BuiltBindingKind[] {
  const connectors = new Set((model.account.account?.connectors ?? []).map((c) => c.id));
  const built: BuiltBindingKind[] = [];
  for (const entry of model.departments.values()) {
    const kinds = new Map<string, Binding>();
    for (const [i, binding] of (entry.department.bindings ?? []).entries()) {
      const at = (suffix: string): SourceRef => ({ file: entry.file, pointer: `/bindings/${i}${suffix}` });
      if (kinds.has(binding.id)) {
        sink.error('DUPLICATE_BINDING_ID', at('/id'), `绑定类型编号“${binding.id}”在本部门已使用`);
        continue;
      }
      kinds.set(binding.id, binding);
      if (checkBinding(binding, connectors, at, sink)) {
        built.push({ ...binding, ref: `${entry.department.id}/${binding.id}`, department: entry.department.id, maxPerCitizen: binding.maxPerCitizen ?? 5 });
      }
    }
    checkQueryBindings(entry, kinds, sink);
  }
  return built;
}

function checkBinding(binding: Binding, connectors: Set<string>, at: (suffix: string) => SourceRef, sink: DiagnosticSink): boolean {
  const before = sink.items.length;
  const fields = new Map<string, FormField>();
  for (const [i, field] of binding.fields.entries()) {
    if (fields.has(field.name)) sink.error('DUPLICATE_FIELD_NAME', at(`/fields/${i}/name`), `绑定字段名“${field.name}”重复`);
    fields.set(field.name, field);
    if (field.type === 'file') sink.error('BINDING_FIELD_TYPE', at(`/fields/${i}/type`), '绑定信息不能是上传文件（file）');
    if (field.type === 'select' && !field.options) sink.error('FIELD_OPTIONS_MISSING', at(`/fields/${i}`), `下拉选择字段“${field.name}”缺少 options`);
    const pattern = field.pattern === undefined ? undefined : compilePattern(field.pattern);
    if (pattern instanceof PatternError) sink.error('FIELD_PATTERN_INVALID', at(`/fields/${i}/pattern`), `字段“${field.name}”的${pattern.message}`);
    if (field.requiredWhen) sink.error('BINDING_FIELD_CONDITION', at(`/fields/${i}/requiredWhen`), '绑定字段不支持按条件必填（requiredWhen）');
  }
  const unknown = (name: string, where: SourceRef, what: string) => {
    if (!fields.has(name)) sink.error('BINDING_FIELD_UNKNOWN', where, `${what}引用了“${name}”，但绑定的 fields 中没有这个字段`);
  };
  for (const [i, name] of binding.key.entries()) {
    const field = fields.get(name);
    if (!field) unknown(name, at(`/key/${i}`), '绑定标识（key）');
    else if (field.required !== true) sink.error('BINDING_KEY_OPTIONAL', at(`/key/${i}`), `绑定标识字段“${name}”必须是必填项（required: true）`);
  }
  const { connector, declared } = binding.verify;
  if ((connector === undefined) === (declared === undefined)) {
    sink.error('BINDING_VERIFY_INVALID', at('/verify'), '核验方式必须且只能填写 connector（通过部门系统接口核验）或 declared: true（按市民填写的信息登记）之一');
  } else if (connector) {
    checkConnectorSource(connector, connectors, new Set(fields.keys()), (suffix) => at(`/verify/connector${suffix}`), 'BINDING_FIELD_UNKNOWN', sink);
  }
  if (binding.chat) {
    checkChatPatterns(binding.chat.patterns, new Set(fields.keys()), (i) => at(`/chat/patterns/${i}`), sink);
    const defaults = binding.chat.defaults ?? {};
    for (const name of Object.keys(defaults)) unknown(name, at(`/chat/defaults/${name}`), '对话默认值');
    for (const [i, source] of binding.chat.patterns.entries()) {
      const carried = new Set([...groupNames(source), ...Object.keys(defaults)]);
      const missing = binding.fields.filter((f) => f.required && !carried.has(f.name)).map((f) => f.name);
      if (missing.length > 0) {
        sink.error('BINDING_CHAT_INCOMPLETE', at(`/chat/patterns/${i}`), `这条消息格式带不出必填字段 ${missing.join('、')}：请加命名分组 (?<字段名>…) 或在 chat.defaults 中给出默认值`);
      }
    }
  }
  return sink.items.slice(before).every((d) => d.severity !== 'error');
}

/** A query naming a binding kind: it must be this department's, and its fields must cover the query's required inputs. */
function checkQueryBindings(entry: DepartmentEntry, kinds: Map<string, Binding>, sink: DiagnosticSink): void {
  for (const service of entry.services) {
    const query = service.service.steps.query;
    if (!query?.binding) continue;
    const at = { file: entry.file, pointer: `${service.pointer}/steps/query/binding` };
    const kind = kinds.get(query.binding);
    if (!kind) {
      const known = [...kinds.keys()].join('、') || '无';
      sink.error('UNKNOWN_BINDING', at, `绑定类型“${query.binding}”没有在本部门的 bindings 中声明（现有：${known}）`);
      continue;
    }
    const names = new Set(kind.fields.map((f) => f.name));
    const missing = query.inputs.filter((f) => f.required && !names.has(f.name)).map((f) => f.name);
    if (missing.length > 0) sink.error('BINDING_QUERY_FIELDS', at, `查询条件 ${missing.join('、')} 不在绑定“${kind.name}”的字段中，无法用绑定信息直接查询（字段按 name 对应）`);
  }
}
