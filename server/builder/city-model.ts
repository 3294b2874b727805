// The validated input the build stages share: every part here passed its schema, and ids are unique.
// Parts that failed are left out, but their ids are remembered as "broken" so that references to
// them do not produce a second, misleading "unknown id" diagnostic.
import type { Account, Department, Hall, Service, Topic } from './types.js';
import type { Answer, Matter, MenuSlot, KeywordResolution } from '../model/index.js';
import type { ParsedFile } from './parse-city-file.js';

export interface ServiceEntry {
  /** <department>/<service> */
  ref: string;
  department: DepartmentEntry;
  service: Service;
  /** Pointer of the service object, e.g. /services/3. */
  pointer: string;
}

export interface AnswerEntry {
  /** <department>/<answer id> */
  ref: string;
  department: DepartmentEntry;
  answer: Answer;
  /** Pointer of the answer object, e.g. /answers/0. */
  pointer: string;
}

export interface HallEntry {
  ref: string;
  hall: Hall;
  pointer: string;
}

export interface DepartmentEntry {
  file: string;
  department: Department;
  services: ServiceEntry[];
  answers: AnswerEntry[];
  halls: Map<string, HallEntry>;
  brokenHalls: Set<string>;
}

export interface TopicEntry {
  file: string;
  topic: Topic;
}

export interface MatterEntry {
  file: string;
  matter: Matter;
}

export interface AccountEntry {
  /** account.json: its id field or main; accounts/<id>.json: the file name. */
  id: string;
  file: string;
  /** Undefined when account.json is missing or its top-level fields are invalid. */
  account?: Account;
  slots: { index: number; slot: MenuSlot }[];
  resolutions: { index: number; resolution: KeywordResolution }[];
}

/** What one account of a several-account city serves; absent = everything (a single-account city). */
export interface AccountScope {
  topics: Set<string>;
  services: Set<string>;
  /** Departments whose canned answers the account's keywords include. */
  departments: Set<string>;
}

export interface CityModel {
  files: Map<string, ParsedFile>;
  /** The account being built (the primary one unless the builder picked another). */
  account: AccountEntry;
  /** Every account of the city, the primary first (account.json, else the first of accounts/). */
  accounts: AccountEntry[];
  scope?: AccountScope;
  departments: Map<string, DepartmentEntry>;
  topics: Map<string, TopicEntry>;
  services: Map<string, ServiceEntry>;
  answers: Map<string, AnswerEntry>;
  /** Cross-department matters (matters/<id>.json) by id. */
  matters: Map<string, MatterEntry>;
  /** Every file by path, with data tables (data/<department>/…) kept as raw text. */
  tables: Map<string, string>;
  broken: { departments: Set<string>; topics: Set<string>; services: Set<string>; answers: Set<string>; matters: Set<string> };
}
