// The account build: what the builder produces and every other capability reads.
// Deterministic: the same input files give a byte-identical JSON serialisation.
import type { Account, Binding, Department, FormField, Hall, Matter, NoticeField, Service, Steps, Topic } from '../model/index.js';

export type { Account, Department, Hall, Matter, Service, Steps, Topic };

export type Severity = 'error' | 'warning';

/** One problem found in the input, located precisely for a department admin. */
export interface Diagnostic {
  severity: Severity;
  /** Stable code, e.g. KEYWORD_CONFLICT, MENU_NAME_TOO_LONG, SCHEMA. */
  code: string;
  /** Path relative to the topics directory, e.g. departments/jiaojing.json. */
  file: string;
  /** 1-based line and column of the value the pointer names (1:1 when unknown). */
  line: number;
  column: number;
  /** JSON pointer inside the file, e.g. /services/0/keywords/1. */
  pointer: string;
  /** Plain Chinese sentence naming both sides of a conflict. */
  message: string;
  /** For conflicts: the other side's location. */
  related?: { file: string; pointer: string; line: number; column: number };
  /** In a city of several accounts: the account whose build found it (absent = every account). */
  account?: string;
}

/** A menu button exactly as WeChat's /cgi-bin/menu/create accepts it. */
export type MenuButton =
  | { type: 'click'; name: string; key: string }
  | { type: 'view'; name: string; url: string }
  | { type: 'location_select'; name: string; key: string }
  | { name: string; sub_button: MenuButton[] };

export interface WechatMenu {
  button: MenuButton[];
}

/** What a menu click key means. Keys are `topic:<id>`, `svc:<dept>/<service>`, `more:<topic id>`, `loc:nearby`, `ans:<dept>/<answer>`. */
export type MenuKeyTarget =
  | { kind: 'topic'; topic: string }
  | { kind: 'service'; service: string }
  | { kind: 'more'; topic: string; services: string[] }
  | { kind: 'location' }
  | { kind: 'answer'; answer: string };

/** What a keyword answers with. */
export type KeywordTarget =
  | { kind: 'service'; service: string }
  | { kind: 'topic'; topic: string }
  | { kind: 'answer'; answer: string }
  /** A cross-department matter (一件事), owned by its lead department. */
  | { kind: 'matter'; matter: string }
  /** topics / answers / matters: claimant topics, canned answers and matters (ids), present only when one claimed the keyword. */
  | { kind: 'disambiguation'; services: string[]; topics?: string[]; answers?: string[]; matters?: string[] };

/** One compiled keyword rule. Normalised text is what the gateway matches against. */
export interface CompiledKeyword {
  text: string;
  normalized: string;
  match: 'exact' | 'contains';
  priority: number;
  /** Department that owns the rule (the topic's lead department for topic keywords). */
  owner: string;
  target: KeywordTarget;
  /** Where the rule was declared. */
  source: { file: string; pointer: string };
  /** Set when the platform resolved a conflict for this keyword (account.json keywordResolutions). */
  resolution?: 'disambiguate' | 'prefer' | 'priority';
  /** Departments whose keywords this rule wins over by a priority the platform approved. */
  beats?: string[];
}

export interface BuiltHall extends Hall {
  /** <department>/<hall id> */
  ref: string;
  department: string;
}

export interface BuiltService {
  /** <department>/<service id> */
  ref: string;
  department: string;
  id: string;
  name: string;
  menuName: string;
  summary: string;
  /** The H5 page under PUBLIC_BASE_URL. */
  url: string;
  topics: string[];
  steps: Steps;
  /** Refs of the halls serving it (location step), resolved. */
  halls: string[];
  /** Which of the six steps can really be done online. */
  online: Record<'location' | 'appointment' | 'processing' | 'payment' | 'progress' | 'rating', boolean>;
}

export interface BuiltTopic {
  id: string;
  name: string;
  menuName: string;
  description?: string;
  lead: string;
  cooperating: string[];
  services: string[];
  order: number;
}

export interface BuiltDepartment {
  id: string;
  name: string;
  hotline?: string;
}

/** A canned reply, ready to send. */
export interface BuiltAnswer {
  /** <department>/<answer id> */
  ref: string;
  department: string;
  id: string;
  name: string;
  reply: { kind: 'text'; content: string } | { kind: 'news'; title: string; description: string; url: string; picUrl?: string };
}

/** One kind of binding a department declares (机动车, 驾驶证…), checked. */
export interface BuiltBindingKind extends Binding {
  /** <department>/<kind id> */
  ref: string;
  department: string;
  maxPerCitizen: number;
}

/** A query's data table as published: every cell a string, in file order. */
export interface BuiltTable {
  columns: string[];
  rows: Record<string, string>[];
}

/** A member service of a matter and when it applies. */
export interface BuiltMatterMember {
  /** <department>/<service> */
  service: string;
  department: string;
  /** Applies only when the matter's question has one of these answers; always when absent. */
  when?: { question: string; equals: string[] };
  /** Answers the matter gives for the member itself (not asked). */
  presets: Record<string, string>;
}

/** Where an answer or a document of the one form goes: a member service and its own field name. */
export interface MatterTarget {
  service: string;
  name: string;
}

/**
 * One field of the merged form. Shared fields (declared in the matter) go to several members;
 * the others belong to one member and keep its definition. `field` is the merged definition with
 * the form's own name (for a member field: `<department>.<service>.<field>`).
 */
export interface MatterFormField {
  field: FormField;
  /** null for a shared field; the member's ref otherwise. */
  member: string | null;
  targets: MatterTarget[];
}

/** One document of the one set of documents: accepted types every target accepts, the smallest size limit. */
export interface MatterFormAttachment {
  name: string;
  label: string;
  member: string | null;
  types: ('pdf' | 'jpg' | 'png')[];
  maxSizeKb: number;
  targets: MatterTarget[];
}

export interface BuiltMatter {
  id: string;
  name: string;
  menuName: string;
  summary: string;
  /** The H5 page under PUBLIC_BASE_URL: /m/<id>. */
  url: string;
  lead: string;
  cooperating: string[];
  topic?: string;
  notice: Matter['notice'];
  questions: NonNullable<Matter['questions']>;
  members: BuiltMatterMember[];
  fields: MatterFormField[];
  attachments: MatterFormAttachment[];
  onRefusal: 'continue' | 'stop';
}

/** A department's notice type with its WeChat templates resolved (account.json notifications). */
export interface BuiltNoticeType {
  /** <department>/<notice id> */
  ref: string;
  department: string;
  id: string;
  name: string;
  template: { name: string; templateId: string };
  subscription?: { name: string; templateId: string };
  fields: NoticeField[];
  photos?: { connector: string; field: string };
  /** Absolute link; absent = the notice's own page under 我的消息. */
  link?: string;
}

/** A scheduled reminder: which date it follows, when, and the notice type that carries it. */
export interface BuiltReminder {
  /** <department>/<reminder id> */
  ref: string;
  department: string;
  id: string;
  name: string;
  /** Ref of the notice type. */
  notice: string;
  /** refresh: the date is asked again of the binding kind's verifying connector before a reminder is planned. */
  follows: { binding: string; field: string; refresh?: true } | { pushed: true };
  /** Largest first. */
  daysBefore: number[];
  data: Record<string, string>;
  /** Names used as {placeholders} in data. */
  placeholders: string[];
}

export interface AccountBuild {
  formatVersion: 1;
  /** sha256 of the build without this field (hex). */
  hash: string;
  publicBaseUrl: string;
  /** The account's settings; the builder always sets id (account.json without one: main). */
  account: Omit<Account, '$schema' | 'menu' | 'keywordResolutions'>;
  menu: WechatMenu;
  menuKeys: Record<string, MenuKeyTarget>;
  /** Sorted by normalized text, then owner. */
  keywords: CompiledKeyword[];
  topics: BuiltTopic[];
  departments: BuiltDepartment[];
  services: BuiltService[];
  halls: BuiltHall[];
  /** Canned replies; absent in builds stored before answers existed. */
  answers?: BuiltAnswer[];
  /** Tables read by the services' queries, by path (data/<department>/<file>); absent in older builds. */
  tables?: Record<string, BuiltTable>;
  /** What citizens can bind, every department's kinds; absent when none (and in older builds). */
  bindings?: BuiltBindingKind[];
  /** Cross-department matters (一件事) whose checks passed; absent in older builds. */
  matters?: BuiltMatter[];
  /** Departments' notice types and reminders; absent in builds stored before notices existed. */
  notices?: BuiltNoticeType[];
  reminders?: BuiltReminder[];
  /** The city's other accounts (a city of several accounts only). */
  siblings?: SiblingAccount[];
  /** Services this account serves whose one home is another account: ref -> that account's id. */
  homes?: Record<string, string>;
  diagnostics: Diagnostic[];
}

/** Another account of the same city, as a build names it for links and welcomes. */
export interface SiblingAccount {
  id: string;
  name: string;
  type: 'service' | 'subscription';
  organiser?: string;
  internal: boolean;
}
