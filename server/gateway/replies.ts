// The reply for each kind of answer. Text goes through the handlebars templates; news
// articles are built directly (title, summary, link), capped per WeChat's article limits.
import type { BuiltAnswer, BuiltMatter, BuiltService } from '../builder/index.js';
import type { ReplyArticle } from '../wechat/index.js';
import { departmentName, serviceUrl, type BuildIndex } from './build-index.js';
import { formatDistance, type NearbyHall } from './nearest-halls.js';
import type { NumberedItem } from './numbered-items.js';
import type { ReplyTemplates } from './reply-templates.js';

/** A text reply that numbers its lines carries what each number means (see numbered-items.ts). */
export type Reply = { kind: 'none' } | { kind: 'text'; content: string; numbered?: NumberedItem[] } | { kind: 'news'; articles: ReplyArticle[] };

export const NO_REPLY: Reply = { kind: 'none' };

/** To a user's message WeChat shows one article; to an event (menu click, follow) up to eight. */
export const MAX_ARTICLES_TO_MESSAGE = 1;
export const MAX_ARTICLES_TO_EVENT = 8;

export function serviceArticle(index: BuildIndex, service: BuiltService): ReplyArticle {
  const dept = departmentName(index, service.department);
  const description = dept ? `${service.summary}（${dept}）` : service.summary;
  const home = homeOf(index, service);
  // One service, one home: another account's service is linked there, never copied.
  return { title: service.name, description: home ? `在“${home}”办理：${description}` : description, url: serviceUrl(index, service) };
}

/** The name of the sibling account that hosts this service, when it is not this account. */
export function homeOf(index: BuildIndex, service: BuiltService): string | undefined {
  const id = index.build.homes?.[service.ref];
  if (id === undefined) return undefined;
  return index.build.siblings?.find((s) => s.id === id)?.name ?? id;
}

/** One pattern per base URL: a reply's links are rewritten on every push of an account that signs them. */
const linkPatterns = new Map<string, RegExp>();
const linkPattern = (prefix: string) => {
  let pattern = linkPatterns.get(prefix);
  if (pattern === undefined) linkPatterns.set(prefix, (pattern = new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\s"'<>）)]*`, 'g')));
  return pattern;
};

/**
 * Rewrites every link to this server's H5 service pages (/s/…) in a reply, e.g. into a signed sign-in
 * link. A reply where `sign` changes nothing comes back as itself, not as a copy.
 */
export function signReplyLinks(reply: Reply, publicBaseUrl: string, sign: (url: string) => string): Reply {
  const prefix = `${publicBaseUrl}/s/`;
  if (reply.kind === 'news') {
    let articles: ReplyArticle[] | undefined;
    for (const [i, a] of reply.articles.entries()) {
      const url = a.url.startsWith(prefix) ? sign(a.url) : a.url;
      if (url === a.url) continue;
      articles ??= reply.articles.slice();
      articles[i] = { ...a, url };
    }
    return articles ? { ...reply, articles } : reply;
  }
  if (reply.kind === 'text' && reply.content.includes(prefix)) {
    const content = reply.content.replace(linkPattern(prefix), (url) => sign(url));
    return content === reply.content ? reply : { ...reply, content };
  }
  return reply;
}

export function serviceReply(index: BuildIndex, service: BuiltService): Reply {
  return { kind: 'news', articles: [serviceArticle(index, service)] };
}

/** A cross-department matter (一件事): one article opening its notice page. */
export function matterArticle(index: BuildIndex, matter: BuiltMatter): ReplyArticle {
  const lead = departmentName(index, matter.lead);
  return { title: matter.name, description: lead ? `${matter.summary}（一件事，牵头部门：${lead}）` : matter.summary, url: matter.url };
}

/** The matters a topic lists first (absent in builds from before matters). */
const mattersOf = (index: BuildIndex, topicId: string): BuiltMatter[] => (index.build.matters ?? []).filter((m) => m.topic === topicId);

function servicesOf(index: BuildIndex, refs: string[]): BuiltService[] {
  return refs.map((ref) => index.services.get(ref)).filter((s): s is BuiltService => s !== undefined);
}

function serviceLines(index: BuildIndex, services: BuiltService[]) {
  return services.map((s, i) => {
    const home = homeOf(index, s);
    const department = departmentName(index, s.department) ?? '';
    return { n: i + 1, name: s.name, url: serviceUrl(index, s), department: home ? `${department}，在“${home}”办理` : department };
  });
}

const serviceItems = (services: BuiltService[]): NumberedItem[] => services.map((s) => ({ kind: 'service', service: s.ref }));

/**
 * A topic's services: news (one article each) for a menu click when they fit in eight,
 * else a text list of links, which has no article limit.
 */
export function topicReply(index: BuildIndex, templates: ReplyTemplates, topicId: string, services: string[], toEvent: boolean, title?: string): Reply {
  const topic = index.topics.get(topicId);
  const found = servicesOf(index, services);
  // The topic's own list (not its 更多 page) starts with its matters.
  const matters = title === undefined ? mattersOf(index, topicId) : [];
  if (toEvent && found.length > 0 && found.length + matters.length <= MAX_ARTICLES_TO_EVENT) {
    return { kind: 'news', articles: [...matters.map((m) => matterArticle(index, m)), ...found.map((s) => serviceArticle(index, s))] };
  }
  const lead = departmentName(index, topic?.lead);
  const heading = title ?? `${topic?.name ?? topicId}${lead ? `（牵头部门：${lead}）` : ''}`;
  const matterLines = matters.map((m) => ({ name: m.name, url: m.url, lead: departmentName(index, m.lead) ?? '' }));
  return { kind: 'text', content: templates.render('topic', { title: heading, matters: matterLines, services: serviceLines(index, found) }), numbered: serviceItems(found) };
}

/**
 * A keyword several departments share: every claimant in one numbered list — matters first (as a
 * topic's list has them; linked to their notice), services (linked), then canned answers and
 * topics (answered when their number is picked).
 */
export function disambiguationReply(index: BuildIndex, templates: ReplyTemplates, keyword: string, target: { services: string[]; answers?: string[]; topics?: string[]; matters?: string[] }): Reply {
  const matters = (target.matters ?? []).map((id) => index.build.matters?.find((m) => m.id === id)).filter((m): m is BuiltMatter => m !== undefined);
  const services = servicesOf(index, target.services);
  const answers = (target.answers ?? []).map((ref) => index.answers.get(ref)).filter((a): a is BuiltAnswer => a !== undefined);
  const topics = (target.topics ?? []).map((id) => index.topics.get(id)).filter((t): t is NonNullable<typeof t> => t !== undefined);
  const rows = [
    ...matters.map((m) => ({ name: `${m.name}（一件事）`, url: m.url, department: `牵头部门：${departmentName(index, m.lead) ?? m.lead}` })),
    ...serviceLines(index, services).map(({ n: _n, ...row }) => row),
    ...answers.map((a) => ({ name: a.name, department: departmentName(index, a.department) ?? '' })),
    ...topics.map((t) => ({ name: `${t.name}（服务主题）`, department: departmentName(index, t.lead) ?? '' })),
  ].map((row, i) => ({ n: i + 1, ...row }));
  const numbered: NumberedItem[] = [...matters.map((m) => ({ kind: 'matter' as const, matter: m.id })), ...serviceItems(services), ...answers.map((a) => ({ kind: 'answer' as const, answer: a.ref })), ...topics.map((t) => ({ kind: 'topic' as const, topic: t.id }))];
  return { kind: 'text', content: templates.render('disambiguation', { keyword, services: rows }), numbered };
}

/** A menu group's buttons, as the phone lists them when the group is tapped. */
export function menuGroupReply(templates: ReplyTemplates, name: string, buttons: Array<{ name: string; item?: NumberedItem }>): Reply {
  const listed = buttons.filter((b): b is { name: string; item: NumberedItem } => b.item !== undefined);
  const rows = listed.map((b, i) => ({ n: i + 1, name: b.name }));
  return { kind: 'text', content: templates.render('menu-group', { name, buttons: rows }), numbered: listed.map((b) => b.item) };
}

function topicListContext(index: BuildIndex) {
  return index.topicList.map((t, i) => ({ n: i + 1, name: t.name, description: t.description ?? '' }));
}

const topicItems = (index: BuildIndex): NumberedItem[] => index.topicList.map((t) => ({ kind: 'topic', topic: t.id }));

export function helpReply(index: BuildIndex, templates: ReplyTemplates): Reply {
  return { kind: 'text', content: templates.render('help', { accountName: index.build.account.name, topics: topicListContext(index) }), numbered: topicItems(index) };
}

export function welcomeReply(index: BuildIndex, templates: ReplyTemplates): Reply {
  const { account, siblings } = index.build;
  const listed = account.listSiblings ? (siblings ?? []).filter((s) => !s.internal) : [];
  const kind = { service: '服务号', subscription: '订阅号' } as const;
  const welcome = listed.length ? `${account.welcome}\n本市其他政务公众号：${listed.map((s) => `“${s.name}”（${kind[s.type]}）`).join('、')}` : account.welcome;
  return { kind: 'text', content: templates.render('welcome', { welcome, topics: topicListContext(index) }), numbered: topicItems(index) };
}

/** Under a kilometre in metres, else kilometres with one decimal (12.3 公里), for replies and traces alike. */
export function distanceText(meters: number): string {
  return meters < 1000 ? formatDistance(meters) : `${(meters / 1000).toFixed(1)} 公里`;
}

export function nearbyReply(index: BuildIndex, templates: ReplyTemplates, halls: NearbyHall[]): Reply {
  const rows = halls.map((h, i) => ({
    n: i + 1,
    name: h.hall.name,
    department: departmentName(index, h.hall.department) ?? '',
    distance: distanceText(h.meters),
    open: h.open,
    outage: h.outage ?? '',
    address: h.hall.address,
    phone: h.hall.phone ?? '',
  }));
  return { kind: 'text', content: templates.render('nearby', { halls: rows }), numbered: halls.map((h) => ({ kind: 'hall', hall: h.hall.ref })) };
}

export function textReply(content: string): Reply {
  return { kind: 'text', content };
}

/** A canned reply exactly as the department wrote it (its text is the department's own, not a template). */
export function answerReply(answer: BuiltAnswer): Reply {
  const r = answer.reply;
  if (r.kind === 'text') return { kind: 'text', content: r.content };
  return { kind: 'news', articles: [{ title: r.title, description: r.description, url: r.url, ...(r.picUrl ? { picUrl: r.picUrl } : {}) }] };
}
