// The dashboard's tables: every chart's numbers as rows, the same rows the CSV export writes.
// A department's view shows counts from 1 to 4 as "<5" (small cells could point at a person).
import { ANSWER_NAMES, type StatsReport } from './compute-stats.js';
import { HEALTH_STATUS_NAMES } from './health-figures.js';
import { dropOffs, funnelSteps, STEP_NAMES, STEPS } from './service-figures.js';

export type Cell = string | number;

export interface StatsTable {
  id: string;
  title: string;
  head: string[];
  rows: Cell[][];
  /** Columns holding counts (suppressed under 5 in a department's export). */
  countColumns: number[];
}

export const TABLE_IDS = ['per-day', 'per-hour', 'answers', 'tickets', 'funnel', 'matters', 'abilities', 'on-time', 'queries', 'broadcasts', 'article-reads', 'ratings', 'cases', 're-ratings', 'health'] as const;
const MODE_NAMES: Record<string, string> = { sendall: '群发（全部关注者）', openids: '群发（按名单）', publish: '发布（不推送）' };

const pct = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);
const ABILITY_NAMES = { online: '在线', offline: '线下', none: '—' } as const;
const OUTCOME_COLUMNS = ['found', 'not-found', 'failed', 'ask', 'invalid', 'limited'] as const;

/** Working minutes as "1 小时 5 分"; "—" without a figure. */
export function workingTime(minutes: number | null): string {
  if (minutes === null) return '—';
  const m = Math.round(minutes);
  return m >= 60 ? `${Math.floor(m / 60)} 小时 ${m % 60} 分` : `${m} 分钟`;
}

export function statsTables(report: StatsReport): StatsTable[] {
  const { tickets, cases } = report;
  return [
    { id: 'per-day', title: '每日消息量', head: ['日期', '消息数'], rows: report.perDay.map((d) => [d.date, d.count]), countColumns: [1] },
    { id: 'per-hour', title: '各时段消息量', head: ['时段', '消息数'], rows: report.perHour.map((n, h) => [`${String(h).padStart(2, '0')}:00`, n]), countColumns: [1] },
    {
      id: 'answers', title: '答复方式', head: ['答复方式', '消息数', '占比'],
      rows: [...report.answers.map((a) => [a.name, a.count, pct(a.share)]), ['自动答复率', '', pct(report.automaticRate)]], countColumns: [1],
    },
    {
      id: 'tickets', title: '人工客服工单', head: ['指标', '数量'],
      rows: [
        ['工单总数', tickets.total], ['待回复', tickets.open], ['超时未回复', tickets.overdue], ['已回复', tickets.answered], ['超过承诺时间回复', tickets.late],
        ['待人工回复的消息', tickets.awaitingMessages], ['无人答复的消息（未转人工）', report.unanswered],
        ['首次回复时长中位数（工作时间）', workingTime(tickets.replyMedianMinutes)], ['首次回复时长 90% 分位（工作时间）', workingTime(tickets.replyP90Minutes)],
        ['承诺时间内（当日/次一工作日）答复率', pct(tickets.promise.share)],
      ],
      countColumns: [1],
    },
    {
      id: 'funnel', title: '服务办理漏斗', head: ['服务事项', '浏览', '预约', '申请', '已缴费', '已办结', '已评价', '预约流失', '申请流失', '缴费流失', '办结流失', '评价流失'],
      rows: report.funnel.map((f) => {
        const drops = dropOffs(f).slice(1);
        return [f.serviceName, ...funnelSteps(f).map((n) => n ?? '—'), ...drops.map((d) => (d === null ? '—' : pct(d)))];
      }),
      countColumns: [1, 2, 3, 4, 5, 6],
    },
    {
      id: 'abilities', title: '在线办理能力（六个环节）', head: ['服务事项', ...STEPS.map((s) => STEP_NAMES[s]), '在线环节数'],
      rows: report.abilities.map((a) => [a.serviceName, ...STEPS.map((s) => ABILITY_NAMES[a.steps[s]]), `${a.online}/6`]), countColumns: [],
    },
    {
      id: 'on-time', title: '承诺时限内办结', head: ['服务事项', '办结', '按时办结', '超期办结', '未受理计时', '按时率'],
      rows: report.onTime.map((o) => [o.serviceName, o.completed, o.onTime, o.late, o.noClock, pct(o.onTime + o.late > 0 ? o.onTime / (o.onTime + o.late) : null)]),
      countColumns: [1, 2, 3, 4],
    },
    {
      id: 'queries', title: '信息查询结果（按数据来源）', head: ['数据来源', '渠道', '查到', '查无记录', '查询失败', '缺少条件', '条件有误', '过于频繁', '合计', '成功率'],
      rows: report.querySources.map((q) => {
        const answered = q.counts.found + q.counts['not-found'];
        return [sourceName(q.source), q.channel === 'chat' ? '公众号对话' : '网页/接口', ...OUTCOME_COLUMNS.map((o) => q.counts[o]), q.total, pct(answered + q.counts.failed > 0 ? answered / (answered + q.counts.failed) : null)];
      }),
      countColumns: [2, 3, 4, 5, 6, 7, 8],
    },
    {
      id: 'matters', title: '一件事（跨部门联办）', head: ['一件事', '申请', '涉及部门办件', '全部办结', '已评价'],
      rows: report.matters.map((m) => [m.name, m.applications, m.parts, m.completed, m.rated]),
      countColumns: [1, 2, 3, 4],
    },
    {
      id: 'broadcasts', title: '群发与送达', head: ['日期', '公众号', '方式', '文章数', '送达人数', '阅读人数', '分享人数'],
      rows: report.broadcasts === null ? [['（尚无群发记录）', '', '', '', '', '', '']]
        : report.broadcasts.map((b) => [b.date, b.account, MODE_NAMES[b.mode] ?? b.mode, b.articles, b.reach ?? '—', b.reads ?? '—', b.shares ?? '—']),
      countColumns: [],
    },
    {
      // Whole-account figures WeChat publishes about an article, not about any reader: not suppressed.
      id: 'article-reads', title: '群发文章阅读与分享（微信数据统计，每日 8 时后更新）', head: ['发表日期', '公众号', '标题', '阅读人数', '分享人数', '点赞', '在看', '留言', '收藏', '统计截至'],
      rows: report.articleReads.length === 0 ? [['（尚无微信统计数据）', '', '', '', '', '', '', '', '', '']]
        : report.articleReads.map((a) => [a.refDate, a.account, a.title, a.reads, a.shares, a.likes, a.zaikan, a.comments, a.favorites, a.statDate]),
      countColumns: [],
    },
    {
      id: 'ratings', title: '好差评：评价等级', head: ['评价等级', '数量'],
      rows: [...report.ratings.map((r) => [r.name, r.count]), ['满意率', pct(report.satisfactionRate)]], countColumns: [1],
    },
    {
      id: 'cases', title: '差评整改', head: ['状态', '数量'],
      rows: [['差评总数', cases.total], ['按期整改', cases.onTime], ['逾期', cases.overdue], ['整改中（未到期）', cases.pending], ['已申诉', cases.appealed], ['申诉成立（已撤销评价）', cases.upheld]], countColumns: [1],
    },
    {
      id: 're-ratings', title: '整改后再评价', head: ['评价等级', '数量'],
      rows: [...report.reRatings.map((r) => [r.name, r.count]), ['再评价满意率', pct(report.reSatisfactionRate)]], countColumns: [1],
    },
    {
      id: 'health', title: '检查指标预警', head: ['检查项', '状态', '情况', '单项否决'],
      rows: report.health.map((h) => [h.name, HEALTH_STATUS_NAMES[h.status], h.value, h.failsOutright ? '是' : '否']), countColumns: [],
    },
  ];
}

export { ANSWER_NAMES };

/** table:<file> → 数据表 <file>; connector:<id> → 部门接口 <id>. */
function sourceName(source: string): string {
  if (source.startsWith('table:')) return `数据表 ${source.slice(6)}`;
  if (source.startsWith('connector:')) return `部门接口 ${source.slice(10)}`;
  return source || '未知';
}

/** Counts from 1 to 4 become "<5"; rows that are rates (a string in a count column) are left alone. */
export function suppressSmallCounts(table: StatsTable): StatsTable {
  return {
    ...table,
    rows: table.rows.map((row) => row.map((cell, i) => (table.countColumns.includes(i) && typeof cell === 'number' && cell > 0 && cell < 5 ? '<5' : cell))),
  };
}

const csvCell = (cell: Cell) => {
  const text = String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** UTF-8 with a byte-order mark, CRLF lines: Excel opens the Chinese headings correctly. */
export function tableCsv(table: StatsTable): string {
  return `\uFEFF${[table.head, ...table.rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
