// Generated from schemas/*.schema.json by `npm run gen:types`. Do not edit.

/**
 * Lower-case identifier: letters, digits and hyphens, starting with a letter.
 */

export type Id = string;
/**
 * Lower-case identifier: letters, digits and hyphens, starting with a letter.
 */

export type Id1 = string;
/**
 * Lower-case identifier: letters, digits and hyphens, starting with a letter.
 */

export type Id2 = string;
/**
 * Lower-case identifier: letters, digits and hyphens, starting with a letter.
 */

export type Id3 = string;
/**
 * <department>/<answer id>: the click replies with that canned answer.
 */

export type ServiceRef = string;
/**
 * A calendar date YYYY-MM-DD (city time).
 */

export type IsoDate = string;
/**
 * A service named as <department id>/<service id>, e.g. jiaojing/weizhang-chaxun.
 */

export type ServiceRef1 = string;

/**
 * One official account of the city (topics/account.json, or topics/accounts/<id>.json when the city runs several), owned by the city platform team. Files in accounts/ inherit desk, calendar, badReviewDeadlineDays, linkHosts, connectors and queries from the primary account when they leave them out.
 */

export interface Account {
  $schema?: string;
  broadcasts?: Broadcasts;
  /**
   * Account name shown to citizens.
   */
  name: string;
  /**
   * 服务号 (service) or 订阅号 (subscription).
   */
  type: 'service' | 'subscription';
  /**
   * The account's id: its callback is /wechat/<id> and its credentials WECHAT_<ID>_*. For accounts/<id>.json the file name is the id; account.json defaults to main.
   */
  id?: string;
  organiser?: Id3;
  /**
   * Departments that run the account with the organiser.
   */
  cooperating?: Id[];
  /**
   * The topics this account serves (its menu and keywords come from them). Without it, the primary account serves every topic its menu names and every topic no other account serves.
   */
  topics?: Id[];
  /**
   * An internal account for staff (e.g. officers), not listed to citizens among the sibling accounts.
   */
  internal?: boolean;
  /**
   * Whether WeChat verified the account (微信认证); unverified accounts lose most interfaces.
   */
  verified?: boolean;
  /**
   * Append the city's other (non-internal) accounts to the welcome message.
   */
  listSiblings?: boolean;
  /**
   * Text sent on follow, before the topic list.
   */
  welcome: string;
  /**
   * Sent with the human-desk hand-off when nothing matched.
   */
  defaultReply: string;
  desk: Desk;
  menu: AccountMenu;
  calendar: Calendar;
  /**
   * Working days a department has to follow up a bad review (差评整改时限).
   */
  badReviewDeadlineDays: number;
  /**
   * Explicit decisions for keywords several departments want.
   */
  keywordResolutions?: KeywordResolution[];
  notifications?: Notifications;
  /**
   * Hosts (exact names, e.g. www.12306.cn) that menu links and canned-answer articles may open over https. Any other external host is a build error.
   */
  linkHosts?: string[];
  /**
   * Departments' systems that queries may call, declared by the platform team only. A department file names a connector by id and can never name a host.
   */
  connectors?: Connector[];
  queries?: QueryLimits;
}
/**
 * The account's broadcasts (群发): columns, review chain and send time; see schemas/broadcasts.schema.json and docs/broadcasts.md.
 */

export interface Broadcasts {
  /**
   * The columns (栏目) in the order they appear; at most 8, WeChat's article count for one broadcast.
   *
   * @minItems 1
   * @maxItems 8
   */
  columns: BroadcastColumn[];
  /**
   * The review chain (审核链): ordered steps; an issue can be scheduled only once every step has its approvals on the current revision.
   *
   * @minItems 1
   * @maxItems 10
   */
  chain: ChainStep[];
  /**
   * Default send time (city time) of a new issue, e.g. "17:30". Default 18:00.
   */
  sendTime?: string;
  /**
   * How many minutes before the send time every step must be done (the deadline). Default 60.
   */
  deadlineMinutes?: number;
  /**
   * From this many minutes before the deadline, the people who owe the open step get a reminder. Default 120.
   */
  remindMinutes?: number;
  /**
   * How an issue goes out: sendall = broadcast to all followers or a tag (群发, mass/sendall); openids = broadcast to a list of followers (mass/send, service accounts only); publish = publish without notifying followers (发布, freepublish/submit). Default sendall.
   */
  delivery?: 'sendall' | 'openids' | 'publish';
  /**
   * With delivery sendall: broadcast only to followers with this WeChat user tag; absent = all followers.
   */
  tagId?: number;
  /**
   * With delivery openids: the followers who receive the issue (WeChat needs 2 to 10,000).
   *
   * @minItems 2
   * @maxItems 10000
   */
  openids?: string[];
}

export interface BroadcastColumn {
  id: Id;
  /**
   * Column name, e.g. 警情 or 微信课堂.
   */
  name: string;
  department: Id1;
  /**
   * Weekdays the column appears on; absent = every day.
   *
   * @minItems 1
   */
  days?: ('mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun')[];
  /**
   * True when an issue may go out without this column; otherwise a missing article is listed as 缺稿 and blocks scheduling.
   */
  optional?: boolean;
  template?: ArticleTemplate;
}
/**
 * A recurring column (e.g. the daily weather): the article a new issue starts from, for the owner to fill in. With a source, the values come from a department's system when an issue is opened: a call through a connector declared in account.json ({date} in its path or params becomes the date, YYYY-MM-DD), each name of its map filling {{name}} in the title, author, digest and body; when the call fails or finds nothing, those blanks become 【待填写】 for the owner.
 */

export interface ArticleTemplate {
  /**
   * Title; {{date}} becomes the date as 12月2日.
   */
  title: string;
  author?: string;
  digest?: string;
  /**
   * Body in the allowed HTML subset; {{date}} as in the title. Blanks to fill can be written as 【待填写】.
   */
  body?: string;
  source?: ConnectorSource;
}
/**
 * A call to the department's system through a connector declared in account.json. The department names only the connector and a path: never a host.
 */

export interface ConnectorSource {
  connector: Id;
  method?: 'GET' | 'POST';
  /**
   * Path under the connector's base URL, starting with /, with {input} placeholders (each URL-encoded), e.g. /violations/{plateNumber}.
   */
  path: string;
  /**
   * Query-string parameters (GET) or JSON body fields (POST); values may hold {input} placeholders.
   */
  params?: {
    [k: string]: string;
  };
  /**
   * Names for the reply templates → JSON pointers into the answer, e.g. {"items": "/data/violations"}.
   */
  map?: {
    [k: string]: string;
  };
  /**
   * JSON pointer that decides found: a missing value, null, false, 0 or an empty list means not found. Without it, HTTP 200 is found and 404 is not found.
   */
  foundWhen?: string;
  /**
   * Field of each result-page item holding a photo path on the department's system; the citizen sees it only through onestop.
   */
  photos?: string;
}

export interface ChainStep {
  id: Id;
  /**
   * Step name, e.g. 初稿, 编辑审核, 领导审核, 预览确认.
   */
  name: string;
  /**
   * Console usernames who may act on this step.
   */
  users?: string[];
  /**
   * Console users of this role may act (of `department` when given).
   */
  role?: 'platform' | 'dept-admin' | 'staff';
  department?: Id2;
  /**
   * How many different people must approve this step.
   */
  approvals: number;
  /**
   * Makes this a preview step (预览确认): each previewer gets WeChat's real preview (mass/preview) on their own phone and confirms in the console. They may act on the step.
   */
  previewers?: Previewer[];
}

export interface Previewer {
  /**
   * Console username.
   */
  user: string;
  /**
   * The previewer's openid on this account (they must follow it).
   */
  openid?: string;
  /**
   * Or their WeChat id (微信号).
   */
  wxname?: string;
}
/**
 * The human desk that answers unmatched messages.
 */

export interface Desk {
  hours: WeeklyHours;
  /**
   * Hotline quoted in the hand-off, e.g. 12345.
   */
  hotline?: string;
}
/**
 * Opening periods per weekday; a missing or empty day is closed.
 */

export interface WeeklyHours {
  /**
   * @maxItems 4
   */
  mon?: TimeRange[];
  /**
   * @maxItems 4
   */
  tue?: TimeRange[];
  /**
   * @maxItems 4
   */
  wed?: TimeRange[];
  /**
   * @maxItems 4
   */
  thu?: TimeRange[];
  /**
   * @maxItems 4
   */
  fri?: TimeRange[];
  /**
   * @maxItems 4
   */
  sat?: TimeRange[];
  /**
   * @maxItems 4
   */
  sun?: TimeRange[];
}
/**
 * An opening period within one day, 24-hour HH:MM, open before close.
 */

export interface TimeRange {
  open: string;
  close: string;
}
/**
 * The top-level buttons, left to right.
 */

export interface AccountMenu {
  /**
   * WeChat allows 1-3 top-level buttons; the builder checks the count.
   *
   * @minItems 1
   */
  buttons: MenuSlot[];
}
/**
 * Either one topic (its services become the sub-menu) or a named group of topics (each topic a sub-button) and/or extras; either may end with a 附近大厅 button.
 */

export interface MenuSlot {
  topic?: Id;
  /**
   * Button name for a group of topics.
   */
  name?: string;
  /**
   * @minItems 1
   */
  topics?: Id[];
  /**
   * Add a 附近大厅 button (WeChat location_select: the citizen shares a location and gets the nearest halls) at the end of this slot's sub-menu. It counts toward WeChat's 5 sub-buttons.
   */
  nearby?: boolean;
  /**
   * Buttons added to this slot's sub-menu after its services or topics (before 更多 and 附近大厅): a canned answer (click) or an https link (view). They count toward WeChat's 5 sub-buttons.
   *
   * @minItems 1
   */
  extras?: MenuExtra[];
}
/**
 * Exactly one of answer or url.
 */

export interface MenuExtra {
  name: string;
  answer?: ServiceRef;
  /**
   * Opens this page; its host must be in linkHosts.
   */
  url?: string;
}
/**
 * Working-day calendar: Monday-Friday are working days except holidays; workdays are make-up working days on weekends.
 */

export interface Calendar {
  holidays: IsoDate[];
  workdays: IsoDate[];
}

export interface KeywordResolution {
  keyword: string;
  /**
   * disambiguate: reply with a list of each department's service; prefer: the named service answers; priority: the platform approves that this keyword wins over other departments' keywords by its `priority` (required whenever priorities decide between departments, so no department silently takes another's traffic).
   */
  strategy: 'disambiguate' | 'prefer' | 'priority';
  prefer?: ServiceRef1;
  /**
   * Why the platform team decided so.
   */
  note?: string;
}
/**
 * Template messages (模板消息) the account sends. Template ids come from the WeChat admin panel (公众平台 > 广告与服务 > 模板消息); without one, notices are only recorded in the server's notifications log.
 */

export interface Notifications {
  /**
   * Template for appointment confirmations, changes and reminders. Its fields: first (opening line), keyword1 (事项), keyword2 (时间), keyword3 (地点), remark (预约号, what to bring, change deadline).
   */
  appointmentTemplateId?: string;
  /**
   * Template messages for the departments' notice types, by name (docs/notices.md).
   */
  templates?: {
    [k: string]: NoticeTemplate;
  };
  /**
   * Long-term subscription notices (长期订阅通知, open to 政务民生 services) the account has, by name; notice types may use them instead of template messages.
   */
  subscriptions?: {
    [k: string]: NoticeTemplate;
  };
  quietHours?: QuietHours;
}
/**
 * A WeChat template the account holds (from 公众平台 > 模板消息 or 订阅通知).
 */

export interface NoticeTemplate {
  templateId: string;
  /**
   * The template's field keys as WeChat lists them (keyword1, keyword2… or thing1, time2…); notice types must fill exactly these.
   */
  fields?: string[];
}
/**
 * No notice goes out between start and end (city time, HH:MM; start after end spans midnight). Default 22:00–08:00.
 */

export interface QuietHours {
  start: string;
  end: string;
}

export interface Connector {
  id: Id;
  /**
   * Whose system this is, for traces and diagnostics.
   */
  name?: string;
  /**
   * https:// base URL; plain http:// only for a loopback host (127.0.0.1, localhost, [::1]) and only in local mode.
   */
  baseUrl: string;
  auth: ConnectorAuth;
  timeoutMs?: number;
  maxResponseKb?: number;
}

export interface ConnectorAuth {
  /**
   * hmac-sha256: each request is signed (see docs/connectors.md); bearer: Authorization: Bearer <secret>.
   */
  type: 'hmac-sha256' | 'bearer';
  /**
   * Environment variable holding the secret; only CONNECTOR_* names are readable, so no other server secret can be sent out.
   */
  secretEnv: string;
}
/**
 * Limits for information queries.
 */

export interface QueryLimits {
  /**
   * Queries one citizen may run per minute (chat, H5 and API together).
   */
  perMinute?: number;
  /**
   * How long a result page stays readable; results are kept in memory only.
   */
  resultPageMinutes?: number;
}

export interface Topic {
  $schema?: string;
  id: Id;
  /**
   * Full topic name.
   */
  name: string;
  /**
   * Name on the menu button (WeChat: 16 bytes top level, 60 in a sub-menu).
   */
  menuName: string;
  description?: string;
  lead: Id1;
  /**
   * Cooperating departments (配合部门).
   */
  cooperating?: Id[];
  /**
   * Services in menu order.
   *
   * @minItems 1
   */
  services: ServiceRef[];
  /**
   * Keywords answered with the topic's service list.
   */
  keywords?: Keyword[];
  /**
   * Position in the topic list (help, welcome).
   */
  order?: number;
}
/**
 * A keyword a citizen may type. Matching normalises full/half width, case and spaces.
 */

export interface Keyword {
  /**
   * The keyword itself.
   */
  text: string;
  /**
   * exact: the whole message equals the keyword; contains: the message contains it.
   */
  match?: 'exact' | 'contains';
  /**
   * Resolves a conflict with another department's keyword: the higher priority wins; equal priorities are a conflict.
   */
  priority?: number;
}

export type FileType = 'pdf' | 'jpg' | 'png';
/**
 * fixed: one amount; byOption: the amount depends on a select field's answer; perUnit: a number field times a unit price; assessed: staff set it at acceptance (e.g. a fine), up to maxFen. Amounts are in fen (分).
 */

export type Fee = FixedFee | OptionFee | UnitFee | AssessedFee;
/**
 * submitted 收件, accepted 受理, not-accepted 不予受理, supplement 补齐补正 (clock stops), suspended 挂起 (clock stops), in-progress 办理中, completed 办结, denied 不予许可.
 */

export type Stage =
  'submitted' | 'accepted' | 'not-accepted' | 'supplement' | 'suspended' | 'in-progress' | 'completed' | 'denied';
/**
 * Lower-case identifier: letters, digits and hyphens, starting with a letter.
 */

export type Id4 = string;
/**
 * Lower-case identifier: letters, digits and hyphens, starting with a letter.
 */

export type Id5 = string;
/**
 * Lower-case identifier: letters, digits and hyphens, starting with a letter.
 */

export type Id6 = string;
/**
 * Lower-case identifier: letters, digits and hyphens, starting with a letter.
 */

export type Id7 = string;

/**
 * One department's file (topics/departments/<id>.json), edited by that department's admins.
 */

export interface Department {
  $schema?: string;
  id: Id;
  name: string;
  hotline?: string;
  halls: Hall[];
  /**
   * @minItems 1
   */
  services: Service[];
  /**
   * Canned replies (固定答复): keywords or a menu button answer at once with the department's own text or article, with no service page (a phone number, an index, a notice).
   */
  answers?: Answer[];
  /**
   * What a citizen can bind to their account (绑定): a vehicle, a driving licence, a social-security card… Queries and notices then find it without the citizen typing it again.
   *
   * @maxItems 20
   */
  bindings?: Binding[];
  /**
   * Notice types the department pushes to its citizens (docs/notices.md).
   *
   * @maxItems 50
   */
  notices?: NoticeType[];
  /**
   * Scheduled reminders (inspection due, licence expiry…) carried by the department's notice types.
   *
   * @maxItems 50
   */
  reminders?: Reminder[];
}
/**
 * A service hall (办事大厅 / 窗口) where citizens come in person.
 */

export interface Hall {
  id: Id;
  name: string;
  address: string;
  /**
   * District, used to sort halls when the citizen shares no location.
   */
  district?: string;
  /**
   * Latitude (GCJ-02, as WeChat reports it).
   */
  lat: number;
  /**
   * Longitude (GCJ-02).
   */
  lng: number;
  phone?: string;
  hours: WeeklyHours;
  closedDates?: IsoDate[];
  /**
   * Appointments this hall takes per day across all its services (the windows' day capacity). Each service's capacityPerSlot still holds per slot; booking stops for the day once this many are booked. Absent: no day cap.
   */
  appointmentsPerDay?: number;
}
/**
 * Opening periods per weekday; a missing or empty day is closed.
 */

export interface Service {
  id: Id;
  name: string;
  /**
   * Shorter name for the menu (defaults to name).
   */
  menuName?: string;
  /**
   * view: the menu opens the service page; click: the account replies with the service card.
   */
  menuAction?: 'view' | 'click';
  /**
   * One-sentence plain description shown in replies.
   */
  summary: string;
  keywords?: Keyword[];
  steps: Steps;
}
/**
 * A keyword a citizen may type. Matching normalises full/half width, case and spaces.
 */

export interface Steps {
  location?: LocationStep;
  appointment?: AppointmentStep;
  processing?: ProcessingStep;
  payment?: PaymentStep;
  progress?: ProgressStep;
  rating?: RatingStep;
  query?: QueryStep;
}

export interface LocationStep {
  online?: boolean;
  /**
   * Ids of this department's halls that serve the service.
   *
   * @minItems 1
   */
  halls: Id[];
}

export interface AppointmentStep {
  online: boolean;
  slotMinutes: number;
  capacityPerSlot: number;
  /**
   * How many days ahead a citizen may book.
   */
  horizonDays: number;
  /**
   * A slot must start at least this long after booking.
   */
  minNoticeHours: number;
  /**
   * Cancel or reschedule at least this long before the slot.
   */
  cancelNoticeHours: number;
  /**
   * Pre-check form (预检).
   */
  fields?: FormField[];
  /**
   * Documents to bring or upload.
   */
  documents?: string[];
}

export interface FormField {
  /**
   * Field key in the submitted data.
   */
  name: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'select' | 'idcard' | 'phone' | 'file';
  required?: boolean;
  /**
   * Regular expression a text answer must match, in RE2 syntax (linear time: no backreferences, no lookarounds); checked on the server.
   */
  pattern?: string;
  /**
   * Chinese message shown when the pattern fails.
   */
  patternMessage?: string;
  /**
   * number: smallest value; text: fewest characters.
   */
  min?: number;
  /**
   * number: largest value; text: most characters.
   */
  max?: number;
  /**
   * @minItems 1
   */
  options?: {
    value: string;
    label: string;
  }[];
  /**
   * file: accepted types.
   */
  accept?: FileType[];
  maxSizeKb?: number;
  help?: string;
  requiredWhen?: RequiredWhen;
  /**
   * Upper-case a text answer before checking it (plate numbers, VINs typed in lower case).
   */
  upperCase?: boolean;
}
/**
 * Required when another field's answer equals one of these values (e.g. 邮寄地址 when 领证方式 is post).
 */

export interface RequiredWhen {
  /**
   * Name of another field in the same form.
   */
  field: string;
  /**
   * The answer, or any of the answers, that make this field required.
   */
  equals: string | string[];
}

export interface ProcessingStep {
  online: boolean;
  fields?: FormField[];
  attachments?: Attachment[];
  /**
   * Promised time limit (承诺时限) in working days; 0 = on the spot.
   */
  timeLimitDays: number;
}

export interface Attachment {
  name: string;
  label: string;
  required?: boolean;
  /**
   * @minItems 1
   */
  types: FileType[];
  maxSizeKb: number;
}

export interface PaymentStep {
  online: boolean;
  fee: Fee;
  /**
   * Pay before the department accepts, or after.
   */
  timing: 'before-acceptance' | 'after-acceptance';
  /**
   * What the citizen pays for, as shown on the bill.
   */
  item?: string;
}

export interface FixedFee {
  mode: 'fixed';
  amountFen: number;
}

export interface OptionFee {
  mode: 'byOption';
  /**
   * Name of the processing form field the amount depends on.
   */
  field: string;
  /**
   * @minItems 1
   */
  amounts: {
    value: string;
    amountFen: number;
  }[];
}

export interface UnitFee {
  mode: 'perUnit';
  /**
   * Name of the processing form field the amount depends on.
   */
  field: string;
  unitFen: number;
  maxFen?: number;
}

export interface AssessedFee {
  mode: 'assessed';
  maxFen: number;
}

export interface ProgressStep {
  online: boolean;
  /**
   * The standard stages this service uses; submitted and completed are always needed.
   *
   * @minItems 2
   */
  stages: Stage[];
  /**
   * WeChat template message id used to notify each stage change.
   */
  notifyTemplateId?: string;
}

export interface RatingStep {
  online: boolean;
  badReviewDepartment?: Id1;
}
/**
 * Information query (信息查询): answers at once in the chat or on a page from a table the department keeps or from the department's own system through a connector the platform team declared.
 */

export interface QueryStep {
  online?: boolean;
  /**
   * Typed inputs, with the same types and checks as form fields (no file fields).
   */
  inputs: FormField[];
  binding?: Id2;
  /**
   * Inputs that prove the citizen owns what is looked up (plate + last 6 of the VIN); they must be required inputs. A query with proof is personal: its result page answers only the citizen who asked.
   */
  proof?: string[];
  chat?: QueryChat;
  source: QuerySource;
  reply: QueryReply;
}
/**
 * Reading inputs straight from a chat message.
 */

export interface QueryChat {
  /**
   * Regular expressions (RE2 syntax: linear time, no backreferences or lookaround) with named groups (?<input>…) naming inputs. Tried after exact keywords and before contains keywords, on the message with full-width forms folded and spaces collapsed.
   *
   * @minItems 1
   * @maxItems 10
   */
  patterns: string[];
  /**
   * When several queries' patterns match one message, the higher priority answers.
   */
  priority?: number;
  /**
   * What to send, shown when inputs are missing, e.g. 限行 3.
   */
  example?: string;
}
/**
 * Exactly one of table or connector.
 */

export interface QuerySource {
  table?: TableSource;
  connector?: ConnectorSource;
}
/**
 * A dataset kept beside the department file, published and versioned with it.
 */

export interface TableSource {
  /**
   * Path under the topics directory: data/<this department>/<name>.csv or .json (a JSON file holds an array of flat objects).
   */
  file: string;
  /**
   * Key columns and where each value comes from; together they must be unique in the table. A row matches when every key with a value equals it; a key whose optional input is empty is not compared, so the answer may list several rows.
   *
   * @minItems 1
   */
  keys: TableKey[];
  date?: TableDateRule;
}

export interface TableKey {
  column: string;
  /**
   * The input whose value is compared; omit for the key the date rule fills.
   */
  input?: string;
  /**
   * The key is the day class from the date rule: mon…sun for an ordinary day, holiday for a calendar holiday, makeup for a weekend make-up working day.
   */
  fromDate?: boolean;
}
/**
 * Which day the query is about: the date input (which also accepts 今天/明天/后天), else today in city time.
 */

export interface TableDateRule {
  /**
   * A date input naming the day.
   */
  input?: string;
}
/**
 * A call to the department's system through a connector declared in account.json. The department names only the connector and a path: never a host.
 */

export interface QueryReply {
  found: string;
  notFound: string;
  /**
   * When the source is down or slow; the default names the department's hotline and offers the human desk.
   */
  failed?: string;
  page?: QueryPage;
}
/**
 * An H5 result page for long results, linked from the chat reply; it answers only the citizen who asked and expires.
 */

export interface QueryPage {
  title: string;
  /**
   * Name (from map, or rows for a table) of the list shown one card per item.
   */
  list: string;
  /**
   * @minItems 1
   * @maxItems 12
   */
  fields: {
    key: string;
    label: string;
  }[];
}
/**
 * A canned reply. Exactly one of text or news. Keywords follow the same match rules, priorities and cross-department conflict checks as service keywords; a menu button names the answer as <department>/<id>.
 */

export interface Answer {
  id: Id;
  /**
   * What the answer is about, shown in the console and the simulator's trace.
   */
  name: string;
  keywords?: Keyword[];
  /**
   * Text reply; WeChat allows 2048 bytes (about 680 汉字), which the builder checks.
   */
  text?: string;
  news?: AnswerNews;
}
/**
 * One article card. Its url is a path on this account's H5 site (/…) or an https URL whose host account.json allows in linkHosts.
 */

export interface AnswerNews {
  title: string;
  description: string;
  url?: string;
  picUrl?: string;
}
/**
 * One kind of thing a citizen can bind (机动车, 驾驶证…). What the citizen enters is encrypted at rest and masked wherever staff see it; removing a binding deletes it.
 */

export interface Binding {
  id: Id3;
  /**
   * What citizens see, e.g. 机动车.
   */
  name: string;
  /**
   * What binding it gives the citizen (shown on /me/bindings).
   */
  summary?: string;
  /**
   * What the citizen enters, with the same types and checks as form fields (no file fields).
   *
   * @minItems 1
   * @maxItems 10
   */
  fields: FormField[];
  /**
   * Required fields that identify the bound thing (号牌种类 + 号牌号码). A citizen binds one thing once; department systems address notices by these values, joined with ':' in this order.
   *
   * @minItems 1
   * @maxItems 3
   */
  key: string[];
  verify: BindingVerify;
  chat?: BindingChat;
  /**
   * How many of this kind one citizen may bind.
   */
  maxPerCitizen?: number;
}
/**
 * Exactly one of: connector (the department's system must confirm it; its mapped answer is kept with the binding, e.g. the inspection due date) or declared: true (accepted as the citizen declared it).
 */

export interface BindingVerify {
  connector?: ConnectorSource;
  declared?: true;
}
/**
 * Binding from the chat: after the word 绑定, a message matching a pattern binds with its named groups.
 */

export interface BindingChat {
  /**
   * RE2 regular expressions with named groups (?<field>…), tried on the whole message (e.g. 绑定 鄂A12345 4F2A91).
   *
   * @minItems 1
   * @maxItems 5
   */
  patterns: string[];
  /**
   * What to send, e.g. 绑定 鄂A12345 4F2A91.
   */
  example?: string;
  /**
   * Values for fields a chat message does not carry (e.g. plateType 02, 小型汽车).
   */
  defaults?: {
    [k: string]: string;
  };
}
/**
 * A kind of notice the department may push to its citizens (POST /api/staff/notices) or its reminders send: which WeChat template carries it and which data fills each template field. Checked at build time and again when data arrives against WeChat's template rules in force since 2023-05-04: no first/remark lines, each field at most 20 characters (less for some subscription types), no line breaks.
 */

export interface NoticeType {
  id: Id;
  /**
   * Shown as the title in the citizen's 我的消息 page and in delivery logs, e.g. 交通违法通知.
   */
  name: string;
  template: Id4;
  subscription?: Id5;
  /**
   * @minItems 1
   * @maxItems 10
   */
  fields: NoticeField[];
  /**
   * Scene photos shown on the notice's H5 page: the data field `field` holds up to 9 photo paths on the connector's system; onestop fetches them through the connector for the addressed citizen only, and never sends the paths to WeChat.
   */
  photos?: {
    connector: Id;
    field: string;
  };
  /**
   * Where the message opens: a path on this account's H5 site (/…). Default: the notice's own page under 我的消息.
   */
  link?: string;
}
/**
 * One template field: its value comes from the pushed data (name) or is fixed text (value).
 */

export interface NoticeField {
  /**
   * The data field that fills it (data.<name> in the push).
   */
  name: string;
  /**
   * The field's label in 我的消息 and in error messages, e.g. 车牌号码.
   */
  label: string;
  /**
   * The template message's field key, e.g. keyword1 (never first or remark).
   */
  key: string;
  /**
   * The subscription notice's field key, e.g. thing1, car_number2, date3; its type prefix sets the length limit (thing 20, car_number 8, phrase 5, …).
   */
  subscriptionKey?: string;
  /**
   * Fixed text instead of pushed data.
   */
  value?: string;
  /**
   * The push may leave it out (it is then sent as “—”).
   */
  optional?: boolean;
}
/**
 * A scheduled reminder: sent a number of days before a date that follows either a binding's data (refreshed through the binding's connector before sending when follows.refresh is set) or a date the department's system pushes (POST /api/staff/reminder-dates). Each (reminder, citizen, date, days before) is sent exactly once, never in quiet hours.
 */

export interface Reminder {
  id: Id;
  name: string;
  notice: Id6;
  /**
   * Exactly one of binding (with field) or pushed.
   */
  follows: {
    binding?: Id7;
    /**
     * The binding data field holding the date (YYYY-MM-DD), e.g. inspectionDue.
     */
    field?: string;
    /**
     * The department's system pushes the date per citizen.
     */
    pushed?: true;
    /**
     * With binding: before a reminder is planned, ask the binding kind's verifying connector (verify.connector, whose map must name field) for the binding's current data, at most once per city day per binding, and follow the date it answers. A date that moved is reminded of on its own schedule; a binding the system no longer knows is marked and not reminded; when the system cannot be reached the reminder goes out on the stored date and the delivery log says so. Without it the date stored when the binding was verified is followed.
     */
    refresh?: boolean;
  };
  /**
   * When to send, in days before the date, e.g. [30, 7]. After downtime only the latest one due is sent.
   *
   * @minItems 1
   * @maxItems 5
   */
  daysBefore: number[];
  /**
   * The notice's data: text with placeholders {date} (YYYY-MM-DD), {daysLeft}, and {<name>} for a binding field or data value or a pushed data value.
   */
  data?: {
    [k: string]: string;
  };
}

export interface Matter {
  $schema?: string;
  id: Id;
  /**
   * Full name, e.g. 二手房交易一件事.
   */
  name: string;
  /**
   * Name on a menu sub-button (WeChat: 60 bytes in a sub-menu).
   */
  menuName: string;
  /**
   * One paragraph shown on the matter's page and in search results.
   */
  summary: string;
  lead: Id1;
  /**
   * Cooperating departments (配合部门); every member service belongs to the lead or one of these.
   */
  cooperating: Id[];
  topic?: Id2;
  /**
   * Keywords answered with the matter, owned by the lead department; checked against every department's keywords.
   *
   * @maxItems 20
   */
  keywords?: Keyword[];
  notice: MatterNotice;
  /**
   * The matter's own questions (select fields) deciding which members apply, e.g. 是否使用公积金.
   *
   * @maxItems 10
   */
  questions?: MatterQuestion[];
  /**
   * Member services, each processed by its own department with its own stages, clock and staff.
   *
   * @minItems 2
   * @maxItems 10
   */
  members: MatterMember[];
  /**
   * Shared fields, asked once and given to each mapped member field. The builder checks mapped fields have the same type, pattern and options. Member fields not mapped here are asked in the member's own section.
   *
   * @maxItems 60
   */
  fields?: MatterField[];
  /**
   * Shared documents, uploaded once and kept by each mapped member attachment. Accepted types are those every mapped attachment accepts; the size limit the smallest.
   *
   * @maxItems 30
   */
  attachments?: MatterAttachment[];
  /**
   * When one part is refused (不予受理/不予许可): continue (the other parts go on) or stop (the matter ends: every other part not yet final is closed as 终止办理, its unpaid fee no longer asked for and a paid fee its department's refund task).
   */
  onRefusal?: 'continue' | 'stop';
}
/**
 * A keyword a citizen may type. Matching normalises full/half width, case and spaces.
 */

export interface MatterNotice {
  text: string;
  /**
   * Documents to have ready, each once, whoever needs it.
   *
   * @maxItems 30
   */
  documents?: string[];
}

export interface MatterQuestion {
  name: string;
  label: string;
  help?: string;
  /**
   * @minItems 2
   * @maxItems 20
   */
  options: {
    value: string;
    label: string;
  }[];
}

export interface MatterMember {
  service: ServiceRef;
  when?: MatterCondition;
  /**
   * Answers the matter gives for the member (e.g. 提取原因 = 购买自住住房), not asked on the form.
   */
  presets?: {
    [k: string]: string;
  };
}
/**
 * The member applies only when the question's answer is one of these values.
 */

export interface MatterCondition {
  question: string;
  /**
   * @minItems 1
   */
  equals: string[];
}

export interface MatterField {
  name: string;
  label: string;
  help?: string;
  maps: MemberMapping;
}
/**
 * Member service (<department>/<service>) → the name of its field or attachment.
 */

export interface MemberMapping {
  [k: string]: string;
}

export interface MatterAttachment {
  name: string;
  label: string;
  maps: MemberMapping;
}
