// Generated from schemas/*.schema.json by `npm run gen:types`. Do not edit.

/**
 * Lower-case identifier: letters, digits and hyphens, starting with a letter.
 */

export type Id = string;
/**
 * A calendar date YYYY-MM-DD (city time).
 */

export type IsoDate = string;
/**
 * A service named as <department id>/<service id>, e.g. jiaojing/weizhang-chaxun.
 */

export type ServiceRef = string;

/**
 * The city's one official account (topics/account.json), owned by the city platform team.
 */

export interface Account {
  $schema?: string;
  /**
   * Account name shown to citizens.
   */
  name: string;
  /**
   * 服务号 (service) or 订阅号 (subscription).
   */
  type: 'service' | 'subscription';
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
 * Either one topic (its services become the sub-menu) or a named group of topics (each topic a sub-button); either may end with a 附近大厅 button.
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
   * disambiguate: reply with a list of each department's service; prefer: the named service answers.
   */
  strategy: 'disambiguate' | 'prefer';
  prefer?: ServiceRef;
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
}

export type Id1 = string;
/**
 * A service named as <department id>/<service id>, e.g. jiaojing/weizhang-chaxun.
 */

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
   * Regular expression a text answer must match.
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
