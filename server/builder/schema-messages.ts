// Turns Ajv errors into diagnostics with plain Chinese messages a department admin can act on.
import type { ErrorObject } from 'ajv';
import type { PendingDiagnostic } from './diagnostics.js';
import { encodePointerSegment } from './parse-city-file.js';

/** Patterns of the common schema, explained in words instead of regular expressions. */
const patternHints: Record<string, string> = {
  '^[a-z][a-z0-9-]{0,39}$': '只能用小写字母、数字和连字符“-”，以字母开头，最多 40 个字符',
  '^[a-z][a-z0-9-]{0,39}/[a-z][a-z0-9-]{0,39}$': '应写成“部门编号/服务编号”，如 jiaojing/weizhang-chaxun',
  '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$': '应是 YYYY-MM-DD 格式的日期，如 2025-10-01',
  '^([01]\\d|2[0-3]):[0-5]\\d$': '应是 24 小时制 HH:MM，如 08:30',
  '^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$': '应是 24 小时制 HH:MM（可写 24:00），如 17:30',
  '^[0-9-]{3,20}$': '只能包含数字和连字符“-”，3 到 20 位，如 0571-12345',
  '^[a-zA-Z][a-zA-Z0-9_]{0,39}$': '只能用英文字母、数字和下划线，以字母开头，最多 40 个字符',
};

const typeNames: Record<string, string> = {
  string: '字符串',
  number: '数字',
  integer: '整数',
  boolean: '布尔值（true 或 false）',
  object: '对象 {…}',
  array: '数组 […]',
  null: 'null',
};

const list = (values: unknown[]): string => values.map((v) => String(v)).join('、');

/** SCHEMA_ plus the Ajv keyword in upper snake case, e.g. minLength -> SCHEMA_MIN_LENGTH. */
export function schemaCode(keyword: string): string {
  return `SCHEMA_${keyword.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

export function schemaErrorToDiagnostic(error: ErrorObject, file: string): PendingDiagnostic | undefined {
  const base = { severity: 'error' as const, code: schemaCode(error.keyword), at: { file, pointer: error.instancePath } };
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'if':
      // The then/else branch reports the real problem; "must match then" adds nothing.
      return undefined;
    case 'required':
      return { ...base, message: `缺少必填字段“${String(p.missingProperty)}”` };
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      const pointer = `${error.instancePath}/${encodePointerSegment(name)}`;
      return { ...base, at: { file, pointer }, atKey: true, message: `不允许的字段“${name}”（请检查拼写）` };
    }
    case 'enum':
      return { ...base, message: `值必须是以下之一：${list(p.allowedValues as unknown[])}` };
    case 'const':
      return { ...base, message: `值必须是“${String(p.allowedValue)}”` };
    case 'type':
      return { ...base, message: `值的类型必须是${typeNames[String(p.type)] ?? String(p.type)}` };
    case 'pattern': {
      const pattern = String(p.pattern);
      return { ...base, message: `格式不正确：${patternHints[pattern] ?? `须符合 ${pattern}`}` };
    }
    case 'minLength':
      return { ...base, message: p.limit === 1 ? '不能为空' : `至少需要 ${String(p.limit)} 个字符` };
    case 'maxLength':
      return { ...base, message: `最多 ${String(p.limit)} 个字符，当前 ${[...String(error.data)].length} 个` };
    case 'minimum':
      return { ...base, message: `不能小于 ${String(p.limit)}` };
    case 'maximum':
      return { ...base, message: `不能大于 ${String(p.limit)}` };
    case 'minItems':
      return { ...base, message: `至少需要 ${String(p.limit)} 项` };
    case 'maxItems':
      return { ...base, message: `最多 ${String(p.limit)} 项` };
    case 'uniqueItems': {
      const [later, earlier] = [Number(p.i), Number(p.j)].sort((a, b) => b - a);
      return {
        ...base,
        at: { file, pointer: `${error.instancePath}/${later}` },
        message: `第 ${later! + 1} 项与第 ${earlier! + 1} 项重复`,
      };
    }
    case 'discriminator':
      return { ...base, message: discriminatorMessage(error) };
    case 'not':
      if (error.schemaPath.endsWith('/then/not')) {
        return { ...base, message: '菜单按钮填写了“topic”时不能再填写“name”或“topics”' };
      }
      return { ...base, message: '不允许这种写法' };
    default:
      return { ...base, message: `不符合规范（${error.keyword}）：${error.message ?? ''}` };
  }
}

function discriminatorMessage(error: ErrorObject): string {
  const p = error.params as { error?: string; tag?: string };
  const tag = p.tag ?? 'mode';
  const branches = ((error.parentSchema as { oneOf?: { properties?: Record<string, { const?: unknown }> }[] })?.oneOf ?? [])
    .map((branch) => branch.properties?.[tag]?.const)
    .filter((v) => v !== undefined);
  if (p.error === 'tag') return `缺少字段“${tag}”，或它不是字符串；可选：${list(branches)}`;
  return `“${tag}”必须是以下之一：${list(branches)}`;
}
