// The audit trail: who did what to which target, when. Append-only (store.log('audit')).
import type { Store } from '../store/index.js';

export type AuditAction =
  | 'login'
  | 'login-failed'
  | 'logout'
  | 'draft.save'
  | 'draft.submit'
  | 'draft.approve'
  | 'draft.confirm'
  | 'draft.reject'
  | 'publish'
  | 'publish-refused'
  | 'rollback'
  | 'bootstrap'
  // The staff workbench (/console/work): what was done to a citizen's ticket, application or case.
  | 'desk.reply'
  | 'desk.assign'
  | 'desk.close'
  | 'desk.template-add'
  | 'desk.template-delete'
  | 'appointment.checked-in'
  | 'appointment.no-show'
  | 'hall.closed'
  | 'hall.reopened'
  | 'application.move'
  | 'application.refund'
  | 'case.callback'
  | 'case.resolution'
  | 'case.appeal'
  | 'binding.lookup'
  // The platform team's decisions.
  | 'case.appeal-decide'
  | 'user.add'
  | 'user.update'
  | 'user.password'
  | 'user.disable'
  | 'user.enable'
  // Broadcasts (群发): issues, articles, the review chain, sending and WeChat's outcome.
  | 'broadcast.create'
  | 'broadcast.edit'
  | 'broadcast.time'
  | 'broadcast.approve'
  | 'broadcast.reject'
  | 'broadcast.preview'
  | 'broadcast.schedule'
  | 'broadcast.unschedule'
  | 'broadcast.send'
  | 'broadcast.send-failed'
  | 'broadcast.reconcile'
  | 'broadcast.outcome'
  | 'broadcast.remind';

export interface AuditRecord {
  at: string;
  actor: string;
  action: AuditAction;
  /** What was acted on, e.g. "departments/jiaojing.json 草稿 #3", "版本 #4" or "办件 JJ-20261102-0101". */
  target: string;
  detail?: string;
}

export const AUDIT_ACTION_NAMES: Readonly<Record<AuditAction, string>> = {
  login: '登录',
  'login-failed': '登录失败',
  logout: '退出登录',
  'draft.save': '保存草稿',
  'draft.submit': '提交审核',
  'draft.approve': '审核通过',
  'draft.confirm': '部门确认一件事',
  'draft.reject': '退回草稿',
  publish: '发布',
  'publish-refused': '发布被拒绝',
  rollback: '回滚',
  bootstrap: '初始化版本',
  'desk.reply': '回复工单',
  'desk.assign': '转派工单',
  'desk.close': '关闭工单',
  'desk.template-add': '添加常用回复',
  'desk.template-delete': '删除常用回复',
  'binding.lookup': '查询绑定',
  'appointment.checked-in': '预约签到',
  'appointment.no-show': '预约未到',
  'hall.closed': '闭厅',
  'hall.reopened': '撤销闭厅',
  'application.move': '变更办件状态',
  'application.refund': '记录退费',
  'case.callback': '整改回访',
  'case.resolution': '提交整改结果',
  'case.appeal': '申诉复核',
  'case.appeal-decide': '裁定申诉',
  'user.add': '新建账号',
  'user.update': '修改账号角色或部门',
  'user.password': '重置密码',
  'user.disable': '停用账号',
  'user.enable': '启用账号',
  'broadcast.create': '新建群发',
  'broadcast.edit': '修改群发稿件',
  'broadcast.time': '修改群发时间',
  'broadcast.approve': '群发审核通过',
  'broadcast.reject': '群发退回',
  'broadcast.preview': '发送群发预览',
  'broadcast.schedule': '安排群发',
  'broadcast.unschedule': '取消定时群发',
  'broadcast.send': '群发已提交',
  'broadcast.send-failed': '群发失败',
  'broadcast.reconcile': '核对中断的群发',
  'broadcast.outcome': '群发结果',
  'broadcast.remind': '群发审核提醒',
};

export function audit(store: Store, now: Date, record: Omit<AuditRecord, 'at'>): void {
  store.log<AuditRecord>('audit').append({ at: now.toISOString(), ...record });
}

export async function readAudit(store: Store, limit = 500): Promise<AuditRecord[]> {
  const all = await store.log<AuditRecord>('audit').read();
  return all.slice(-limit).reverse();
}
