// The location step: which halls serve a service, whether each is open now, and how far away.
import type { AccountBuild, BuiltHall } from '../../builder/index.js';
import { addDays, cityDate, cityMinutes, isOpenAt, minutesOfDay, nextOpening, weekdayOf } from '../../calendar/index.js';
import { cityTime } from '../appointment/format-slot.js';
import { ValidationError } from '../../errors.js';
import { haversineMetres, type LatLng } from './haversine.js';
import { type HallOutage, outageAt, outageEnd, outageText, wholeDayOutage } from './hall-outages.js';
import { hallsOf, serviceOf } from '../catalog.js';

export interface HallView {
  ref: string;
  id: string;
  department: string;
  departmentName: string;
  name: string;
  address: string;
  district?: string;
  phone?: string;
  lat: number;
  lng: number;
  /** e.g. "09:00-12:00，13:30-17:00" or "今日休息". */
  hoursToday: string;
  openNow: boolean;
  /** 办公中 / 未到办公时间 / 午间休息 / 已下班 / 今日休息 / 临时闭厅. */
  status: HallStatus;
  /** Why the hall is closed at short notice right now: 临时闭厅（全天）：… */
  outageText?: string;
  /** "周一 09:00" / "今天 13:30"; only when not open now. */
  nextOpeningText?: string;
  /** Metres from the citizen, when a position was given. */
  distance?: number;
  /** "850 米" / "3.2 公里". */
  distanceText?: string;
  /** Amap marker page: opens the map app or the web map, no script on our page. */
  mapUrl: string;
}

/** Parses ?lat=&lng=; both absent means no position. Anything else malformed is a 400. */
export function parsePosition(lat: unknown, lng: unknown): LatLng | undefined {
  const blank = (v: unknown) => v === undefined || v === '';
  if (blank(lat) && blank(lng)) return undefined;
  const la = Number(lat);
  const ln = Number(lng);
  if (blank(lat) || blank(lng) || typeof lat !== 'string' || typeof lng !== 'string' || !Number.isFinite(la) || !Number.isFinite(ln)) {
    throw new ValidationError('位置参数不正确：lat 和 lng 须同时提供且为数字', { lat, lng });
  }
  if (la < -90 || la > 90 || ln < -180 || ln > 180) {
    throw new ValidationError('位置参数超出范围：纬度应在 -90 到 90 之间，经度应在 -180 到 180 之间', { lat, lng });
  }
  return { lat: la, lng: ln };
}

export function hoursToday(hall: BuiltHall, build: AccountBuild, at: Date, outages: readonly HallOutage[] = []): string {
  const date = cityDate(at);
  if (wholeDayOutage(outages, hall.ref, at)) return '今日临时闭厅';
  if (hall.closedDates?.includes(date)) return '今日休息';
  if (build.account.calendar.holidays.includes(date)) return '今日休息（节假日）';
  const ranges = hall.hours[weekdayOf(date)] ?? [];
  return ranges.length ? ranges.map((r) => `${r.open}-${r.close}`).join('，') : '今日休息';
}

export type HallStatus = '办公中' | '未到办公时间' | '午间休息' | '已下班' | '今日休息' | '临时闭厅';

/** Why a hall is (not) open right now: a closed day must not read as "already off work". */
export function hallStatus(hall: BuiltHall, build: AccountBuild, at: Date, outages: readonly HallOutage[] = []): HallStatus {
  if (outageAt(outages, hall.ref, at)) return '临时闭厅';
  const options = { closedDates: hall.closedDates, calendar: build.account.calendar };
  if (isOpenAt(hall.hours, at, options)) return '办公中';
  const date = cityDate(at);
  const ranges = hall.hours[weekdayOf(date)] ?? [];
  if (!ranges.length || hall.closedDates?.includes(date) || build.account.calendar.holidays.includes(date)) return '今日休息';
  const now = cityMinutes(at);
  const opens = ranges.map((r) => minutesOfDay(r.open));
  if (opens.every((m) => m > now)) return '未到办公时间';
  return opens.some((m) => m > now) ? '午间休息' : '已下班';
}

const WEEKDAY_ZH = { mon: '周一', tue: '周二', wed: '周三', thu: '周四', fri: '周五', sat: '周六', sun: '周日' } as const;

/** "今天 13:30" / "明天 09:00" / "周一 09:00" within a week, else "3月9日 09:00". */
export function nextOpeningText(hall: BuiltHall, build: AccountBuild, at: Date, outages: readonly HallOutage[] = []): string | undefined {
  // A short-notice closure moves the search past its end (closures never chain across days here:
  // a later day's closure is the next opening's own concern, shown when that day comes).
  let from = at;
  for (let outage = outageAt(outages, hall.ref, from); outage; outage = outageAt(outages, hall.ref, from)) from = outageEnd(outage);
  const next = nextOpening(hall.hours, from, { closedDates: hall.closedDates, calendar: build.account.calendar });
  if (!next) return undefined;
  const today = cityDate(at);
  const date = cityDate(next);
  if (date === today) return `今天 ${cityTime(next)}`;
  if (date === addDays(today, 1)) return `明天 ${cityTime(next)}`;
  if (date < addDays(today, 7)) return `${WEEKDAY_ZH[weekdayOf(date)]} ${cityTime(next)}`;
  const [, m, d] = date.split('-');
  return `${Number(m)}月${Number(d)}日 ${cityTime(next)}`;
}

export function mapUrlOf(hall: BuiltHall): string {
  const params = new URLSearchParams({ position: `${hall.lng},${hall.lat}`, name: hall.name, src: 'onestop', coordinate: 'gaode', callnative: '0' });
  return `https://uri.amap.com/marker?${params.toString()}`;
}

const distanceText = (m: number) => (m < 1000 ? `${Math.round(m)} 米` : `${(m / 1000).toFixed(1)} 公里`);
const zh = new Intl.Collator('zh-CN');

/**
 * Halls for the service: nearest first with a position, else by district then name. `outages` are
 * today's short-notice closures (the appointment step's 闭厅 records, see closuresToday).
 */
export function listHalls(build: AccountBuild, serviceRef: string, at: Date, position?: LatLng, outages: readonly HallOutage[] = []): HallView[] {
  const service = serviceOf(build, serviceRef);
  const views = hallsOf(build, service).map((hall): HallView => {
    const distance = position && haversineMetres(position, hall);
    const status = hallStatus(hall, build, at, outages);
    const next = status === '办公中' ? undefined : nextOpeningText(hall, build, at, outages);
    const outage = outageAt(outages, hall.ref, at);
    return {
      ref: hall.ref,
      id: hall.id,
      department: hall.department,
      departmentName: build.departments.find((d) => d.id === hall.department)?.name ?? hall.department,
      name: hall.name,
      address: hall.address,
      district: hall.district,
      phone: hall.phone,
      lat: hall.lat,
      lng: hall.lng,
      hoursToday: hoursToday(hall, build, at, outages),
      openNow: !outage && isOpenAt(hall.hours, at, { closedDates: hall.closedDates, calendar: build.account.calendar }),
      status,
      ...(outage && { outageText: outageText(outage) }),
      ...(next && { nextOpeningText: next }),
      ...(distance !== undefined && { distance: Math.round(distance), distanceText: distanceText(distance) }),
      mapUrl: mapUrlOf(hall),
    };
  });
  if (position) return views.sort((a, b) => a.distance! - b.distance! || zh.compare(a.name, b.name));
  // Halls without a district go last: "其他" is not a place a citizen looks for.
  return views.sort((a, b) => (a.district === undefined ? 1 : 0) - (b.district === undefined ? 1 : 0) || zh.compare(a.district ?? '', b.district ?? '') || zh.compare(a.name, b.name));
}
