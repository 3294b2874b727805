// The desk's front door: tickets for messages no rule answered, department work queues and staff access tokens.
// Other rooms import this folder only through this file; everything else in it is private.
export { listDepartmentApplications, loadScopedApplication, moveFromWorkbench, refundFromWorkbench } from './department-applications.js';
export { caseAppeal, caseCallback, caseResolution, listScopedCases, loadScopedCase } from './department-cases.js';
export { deskAnswerTime, deskTicketId, storeDeskTicket } from './desk-handoff.js';
export { MAX_REASON, MAX_REPLY, TICKET_STATUSES, TICKET_STATUS_NAMES, assignTicket, citizenTickets, closeTicket, lastMessageAt, listTickets, loadTicket } from './desk-tickets.js';
export type { TicketStatus } from './desk-tickets.js';
export { replyToTicket } from './reply-to-ticket.js';
export { createStaffToken, hashToken, staffTokenShortId, staffTokensOf } from './staff-tokens.js';
export type { StaffToken } from './staff-tokens.js';
export { workScope } from './work-scope.js';
export { ticketTiming } from './ticket-timing.js';
export type { WorkScope } from './work-scope.js';
export { applicationDetail, applicationRow, caseRow, stageCounts, ticketHistory, ticketRow } from './work-views.js';
export { SIMULATOR_ACCOUNT_ID } from './desk-handoff.js';
export { listSimulatedTickets } from './desk-tickets.js';
export { closeHallFromWorkbench, closureRow, dayListRow, listHallClosures, listHallDay, recordAttendance, reopenHallFromWorkbench } from './hall-appointments.js';
export type { DayListQuery } from './hall-appointments.js';
export { maskIdNumber } from './mask.js';
export { addReplyTemplate, deleteReplyTemplate, listReplyTemplates, loadReplyTemplate } from './reply-templates.js';
