// Matter lookups in the live build, and the one form's documents as the upload step needs them.
import type { AccountBuild, BuiltMatter, BuiltMatterMember } from '../builder/index.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { Attachment } from '../model/index.js';

export function matterOf(build: AccountBuild, id: string): BuiltMatter {
  const matter = build.matters?.find((m) => m.id === id);
  if (!matter) throw new NotFoundError(`一件事不存在：${id}`, { matter: id });
  return matter;
}

/** The answers to the matter's own questions; each must be one of its options. */
export function readAnswers(matter: BuiltMatter, body: Record<string, unknown>): Record<string, string> {
  const answers: Record<string, string> = {};
  const errors = [];
  for (const q of matter.questions) {
    const value = typeof body[q.name] === 'string' ? (body[q.name] as string).trim() : '';
    if (!q.options.some((o) => o.value === value)) errors.push({ field: q.name, label: q.label, message: `请选择“${q.label}”` });
    else answers[q.name] = value;
  }
  if (errors.length > 0) throw new ValidationError(errors[0]!.message, errors);
  return answers;
}

export function applies(member: BuiltMatterMember, answers: Record<string, string>): boolean {
  return !member.when || member.when.equals.includes(answers[member.when.question] ?? '');
}

/** Every document the form may carry, for the multipart limits (before the answers are known). */
export function matterUploadSpecs(matter: BuiltMatter): Attachment[] {
  return matter.attachments.map((a) => ({ name: a.name, label: a.label, types: a.types, maxSizeKb: a.maxSizeKb, required: false }));
}
