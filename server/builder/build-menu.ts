// Assembles the WeChat menu from account.json's slots, topics and services. Every button remembers
// which JSON produced its name and value, so limit checks can point at the right file.
import type { MenuSlot } from '../model/index.js';
import type { ServiceEntry, TopicEntry } from './city-model.js';
import type { SourceRef } from './diagnostics.js';
import type { BuiltMatter, MenuButton, MenuKeyTarget, WechatMenu } from './types.js';

/** WeChat shows at most 5 sub-buttons; a longer topic shows 4 and a 更多 button listing the rest. */
export const MAX_SUB_BUTTONS = 5;
export const MORE_BUTTON_NAME = '更多';
export const NEARBY_BUTTON_NAME = '附近大厅';
export const NEARBY_KEY = 'loc:nearby';

export interface MenuInput {
  accountFile: string;
  slots: { index: number; slot: MenuSlot }[];
  topics: Map<string, TopicEntry>;
  services: Map<string, ServiceEntry>;
  publicBaseUrl: string;
  /** Checked matters and their files: a topic's menu lists its matters first (view buttons). */
  matters?: Array<{ file: string; matter: BuiltMatter }>;
}

export interface PlacedButton {
  button: MenuButton;
  /** Where the name comes from (topic menuName, service menuName or name, slot name). */
  nameSource: SourceRef;
  /** Where the key or URL comes from. */
  valueSource: SourceRef;
  children: PlacedButton[];
}

export interface MenuAssembly {
  menu: WechatMenu;
  menuKeys: Record<string, MenuKeyTarget>;
  placed: { slot: SourceRef; top: PlacedButton }[];
}

export function serviceUrl(publicBaseUrl: string, ref: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/s/${ref}`;
}

export function buildMenu(input: MenuInput): MenuAssembly {
  const menuKeys: Record<string, MenuKeyTarget> = {};
  const placed: MenuAssembly['placed'] = [];

  const serviceButton = (entry: ServiceEntry, name: string, nameSource: SourceRef): PlacedButton => {
    const valueSource = { file: entry.department.file, pointer: `${entry.pointer}/id` };
    if (entry.service.menuAction === 'click') {
      const key = `svc:${entry.ref}`;
      menuKeys[key] = { kind: 'service', service: entry.ref };
      return { button: { type: 'click', name, key }, nameSource, valueSource, children: [] };
    }
    const button = { type: 'view' as const, name, url: serviceUrl(input.publicBaseUrl, entry.ref) };
    return { button, nameSource, valueSource, children: [] };
  };

  const ownName = (entry: ServiceEntry): [string, SourceRef] => {
    const field = entry.service.menuName !== undefined ? 'menuName' : 'name';
    return [entry.service.menuName ?? entry.service.name, { file: entry.department.file, pointer: `${entry.pointer}/${field}` }];
  };

  const nearbyButton = (slotSource: SourceRef): PlacedButton => {
    menuKeys[NEARBY_KEY] = { kind: 'location' };
    const source = { ...slotSource, pointer: `${slotSource.pointer}/nearby` };
    return { button: { type: 'location_select', name: NEARBY_BUTTON_NAME, key: NEARBY_KEY }, nameSource: source, valueSource: source, children: [] };
  };

  const extraButtons = (slot: MenuSlot, slotSource: SourceRef): PlacedButton[] =>
    (slot.extras ?? []).map((extra, i) => {
      const source = { ...slotSource, pointer: `${slotSource.pointer}/extras/${i}` };
      const nameSource = { ...source, pointer: `${source.pointer}/name` };
      if (extra.answer !== undefined) {
        const key = `ans:${extra.answer}`;
        menuKeys[key] = { kind: 'answer', answer: extra.answer };
        return { button: { type: 'click', name: extra.name, key }, nameSource, valueSource: { ...source, pointer: `${source.pointer}/answer` }, children: [] };
      }
      return { button: { type: 'view', name: extra.name, url: extra.url ?? '' }, nameSource, valueSource: { ...source, pointer: `${source.pointer}/url` }, children: [] };
    });

  const topicButton = ({ file, topic }: TopicEntry, reserved: number, extras: PlacedButton[]): PlacedButton | undefined => {
    const services = topic.services.flatMap((ref) => input.services.get(ref) ?? []);
    const nameSource = { file, pointer: '/menuName' };
    if (services.length === 0) return undefined;
    const matters = (input.matters ?? []).filter((m) => m.matter.topic === topic.id).map(({ file: mfile, matter }) => ({
      button: { type: 'view' as const, name: matter.menuName, url: matter.url },
      nameSource: { file: mfile, pointer: '/menuName' },
      valueSource: { file: mfile, pointer: '/id' },
      children: [],
    }));
    if (services.length === 1 && matters.length === 0 && reserved + extras.length === 0) return serviceButton(services[0]!, topic.menuName, nameSource);
    const room = MAX_SUB_BUTTONS - reserved - extras.length - matters.length;
    const shown = services.length > room ? services.slice(0, Math.max(1, room - 1)) : services;
    const children = [...matters, ...shown.map((s) => serviceButton(s, ...ownName(s))), ...extras];
    if (shown.length < services.length) {
      const key = `more:${topic.id}`;
      menuKeys[key] = { kind: 'more', topic: topic.id, services: services.slice(shown.length).map((s) => s.ref) };
      const source = { file, pointer: '/services' };
      children.push({ button: { type: 'click', name: MORE_BUTTON_NAME, key }, nameSource: source, valueSource: source, children: [] });
    }
    return parent(topic.menuName, nameSource, { file, pointer: '/id' }, children);
  };

  for (const { index, slot } of input.slots) {
    const slotSource = { file: input.accountFile, pointer: `/menu/buttons/${index}` };
    let top: PlacedButton | undefined;
    if (slot.topic !== undefined) {
      const topic = input.topics.get(slot.topic);
      top = topic && topicButton(topic, slot.nearby ? 1 : 0, extraButtons(slot, slotSource));
      if (top && slot.nearby) {
        top.children.push(nearbyButton(slotSource));
        top = parent(topic!.topic.menuName, top.nameSource, top.valueSource, top.children);
      }
    } else {
      const children: PlacedButton[] = (slot.topics ?? []).flatMap((id) => {
        const entry = input.topics.get(id);
        if (!entry) return [];
        const key = `topic:${id}`;
        menuKeys[key] = { kind: 'topic', topic: id };
        const button = { type: 'click' as const, name: entry.topic.menuName, key };
        return [{ button, nameSource: { file: entry.file, pointer: '/menuName' }, valueSource: { file: entry.file, pointer: '/id' }, children: [] }];
      });
      // A group of only extras (e.g. an internal account's canned answers) is a group too.
      if (children.length > 0 || !slot.topics) children.push(...extraButtons(slot, slotSource));
      if (children.length > 0 && slot.nearby) children.push(nearbyButton(slotSource));
      const nameSource = { ...slotSource, pointer: `${slotSource.pointer}/name` };
      if (children.length > 0) top = parent(slot.name ?? '', nameSource, { ...slotSource, pointer: `${slotSource.pointer}/topics` }, children);
    }
    if (top) placed.push({ slot: slotSource, top });
  }
  return { menu: { button: placed.map((p) => p.top.button) }, menuKeys, placed };
}

function parent(name: string, nameSource: SourceRef, valueSource: SourceRef, children: PlacedButton[]): PlacedButton {
  return { button: { name, sub_button: children.map((c) => c.button) }, nameSource, valueSource, children };
}
