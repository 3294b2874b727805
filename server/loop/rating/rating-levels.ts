// 好差评 levels (国办发〔2019〕51号). The API takes the string values, never bare numbers, so
// nobody has to guess whether 1 is the best or the worst; score 5 is 非常满意.
import { ValidationError } from '../../errors.js';
import type { RatingLevel } from '../applications/application-types.js';

export const RATING_LEVELS: ReadonlyArray<{ value: RatingLevel; label: string; score: number; bad: boolean }> = [
  { value: 'very-satisfied', label: '非常满意', score: 5, bad: false },
  { value: 'satisfied', label: '满意', score: 4, bad: false },
  { value: 'basically-satisfied', label: '基本满意', score: 3, bad: false },
  { value: 'dissatisfied', label: '不满意', score: 2, bad: true },
  { value: 'very-dissatisfied', label: '非常不满意', score: 1, bad: true },
];

export const MAX_COMMENT = 500;

export function parseLevel(value: unknown): RatingLevel {
  const hit = RATING_LEVELS.find((l) => l.value === value);
  if (!hit) {
    throw new ValidationError('请选择评价等级', { field: 'level', allowed: RATING_LEVELS.map((l) => l.value) });
  }
  return hit.value;
}

export function parseComment(value: unknown, field = 'comment'): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ValidationError('评价内容须为文字', { field });
  const text = value.trim();
  if (text.length > MAX_COMMENT) throw new ValidationError(`评价内容不能超过 ${MAX_COMMENT} 字`, { field });
  return text || undefined;
}

export const isBad = (level: RatingLevel) => RATING_LEVELS.find((l) => l.value === level)!.bad;
export const levelLabel = (level: RatingLevel) => RATING_LEVELS.find((l) => l.value === level)!.label;
