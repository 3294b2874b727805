// Refuses common and trivially weak console passwords with zxcvbn-ts (a maintained port of
// Dropbox's zxcvbn): it recognises leaked-password lists, dictionary words, keyboard rows, repeats,
// sequences, dates and the user's own data, and estimates the guesses an attacker needs. The
// feedback is shown in Chinese: the console's users read Chinese, zxcvbn-ts ships no zh pack.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { ValidationError } from '../errors.js';

/** 0..4; 3 = "safely unguessable: moderate protection from offline slow-hash scenario". */
export const MIN_PASSWORD_SCORE = 3;

const zh = {
  warnings: {
    straightRow: '键盘上连续的一排键很容易被猜中',
    keyPattern: '简短的键盘图案很容易被猜中',
    simpleRepeat: '像“aaa”这样重复的字符很容易被猜中',
    extendedRepeat: '像“abcabcabc”这样重复的字符组很容易被猜中',
    sequences: '像“abc”“123”这样的常见序列很容易被猜中',
    recentYears: '近年的年份很容易被猜中',
    dates: '日期很容易被猜中',
    topTen: '这是最常用的密码之一',
    topHundred: '这是非常常用的密码',
    common: '这是常用密码',
    similarToCommon: '与常用密码过于相似',
    wordByItself: '单个单词很容易被猜中',
    namesByThemselves: '单独的人名或姓氏很容易被猜中',
    commonNames: '常见人名和姓氏很容易被猜中',
    userInputs: '不要在密码中使用用户名、城市名等与您或本系统有关的信息',
    pwned: '这个密码已在网上的数据泄露中出现过',
  },
  suggestions: {
    l33t: '避免用“@”代替“a”这类容易预料的替换',
    reverseWords: '避免把常见单词倒过来写',
    allUppercase: '只把部分字母大写',
    capitalization: '不只首字母大写',
    dates: '避免与您有关的日期和年份',
    recentYears: '避免使用近年的年份',
    associatedYears: '避免使用与您有关的年份',
    sequences: '避免常见的字符序列',
    repeated: '避免重复的单词和字符',
    longerKeyboardPattern: '使用更长、多次改变方向的键盘图案',
    anotherWord: '再加几个不常见的词',
    useWords: '使用几个词组成的短语，但避免常见说法',
    noNeed: '不必使用符号、数字或大写字母，几个不常见的词连在一起就足够安全',
    pwned: '如果您在其他地方用过这个密码，请一并修改',
  },
  timeEstimation: en.translations.timeEstimation,
};

let factory: ZxcvbnFactory | undefined;
// Built on first use: loading the dictionaries costs ~100 ms, which start-up need not pay.
const estimator = () =>
  (factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: zh,
  }));

/**
 * Throws a ValidationError (Chinese) when zxcvbn scores the password below MIN_PASSWORD_SCORE.
 * userInputs: words that make a password guessable here (username, city, account name).
 */
export function checkPasswordStrength(password: string, userInputs: string[] = []): void {
  const result = estimator().check(password, ['onestop', 'yiwangtongban', ...userInputs]);
  if (result.score >= MIN_PASSWORD_SCORE) return;
  const why = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join('；');
  throw new ValidationError(`密码太容易被猜中${why ? `：${why}` : ''}。请换一个更长、更不常见的密码（例如几个不相关的词连在一起）`, { field: 'password' });
}
