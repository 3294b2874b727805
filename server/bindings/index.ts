// The bindings room's front door: what citizens bind to their account (vehicles, licences, cards),
// sealed at rest by the vault and found by a blind index of its key. Used by the gateway (绑定 / 解绑,
// queries on bound things), the H5 page and API, and the notices room (holders of a key, every
// binding of a kind page by page).
export { addBinding, removeBinding, type AddBindingInput } from './manage-bindings.js';
export { countBindings, dueBindings, findBindingHolders, findBindingRecipients, listBindings, pageBindings, refreshBinding, resealBindings, updateBindingData, type KindRef } from './read-bindings.js';
export { answerBindingChat, isBindingMessage, BIND_WORD, UNBIND_WORD, type BindingChatAnswer } from './binding-chat.js';
export { boundQueryInputs, queryBindingOf, MAX_BOUND_LOOKUPS } from './binding-query.js';
export { bindingKeyOf } from './binding-key.js';
export { refreshForReminder, type BindingRefresh } from './refresh-binding.js';
export { ensureDueIndex, rebuildDueIndex, BINDING_DUE } from './binding-due-index.js';
export { maskValue } from './mask-value.js';
export { accountIdOf, BINDINGS, kindOf, type BindingRecord, type BindingsDeps, type BindingView } from './binding-types.js';
