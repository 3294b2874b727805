// The HTTP edge's front door, for the composition root only: every router and the error renderers.
// Other rooms import this folder only through this file; everything else in it is private.
export { createApplicationRouter } from './applications/application-router.js';
export { createBindingsApiRouter, createBindingsPagesRouter } from './bindings/bindings-router.js';
export { createAppointmentRouter } from './appointments/appointment-router.js';
export { createLocalCashierRouter } from './cashier/local-cashier-router.js';
export { createCitizenAuthRouter } from './citizen-auth/citizen-auth-router.js';
export { createConsoleRouter } from './console/console-router.js';
export { createDepartmentStandin, type StandinOptions } from './department-standin/department-standin.js';
export { errorHandler, notFoundHandler } from './error-handler.js';
export { createHealthRouter } from './health/health-router.js';
export { createLocationRouter } from './location/location-router.js';
export { createServicePagesRouter } from './pages/service-pages-router.js';
export { createQueryApiRouter } from './query/query-api-router.js';
export { createQueryPagesRouter } from './query/query-pages-router.js';
export { createServicesRouter } from './services/services-router.js';
export { createUploadRouter } from './uploads/upload-router.js';
export { createWechatStandin } from './wechat-standin/wechat-standin.js';
export { createBroadcastStandin } from './wechat-standin/broadcast-standin.js';
export { consoleBroadcastDeps } from './console/console-router.js';
export { serveLocalStandin } from './wechat-standin/serve-local-standin.js';
export type { RunningStandin } from './wechat-standin/serve-local-standin.js';
export { createWechatRouter } from './wechat/wechat-router.js';
export { createBookingPagesRouter } from './appointments/booking-pages-router.js';
export { createHallsPageRouter } from './location/halls-page-router.js';
export { pageErrorHandler } from './pages/page-errors.js';
export type { RouterDeps } from './router-deps.js';
export { createMatterRouter } from './matters/matter-router.js';
export { createMatterPagesRouter } from './matters/matter-pages-router.js';
