// What the health page shows about the gateway: pushes it could not process, and above all
// unmatched messages whose desk ticket could not be stored (a full disk). The citizen is told to
// send again; the operator sees the count and the last failure here and in the log.
export type GatewayFailureKind = 'deskTicket' | 'processing';

export interface GatewayFailure {
  kind: GatewayFailureKind;
  at: string;
  /** The error's message (domain errors are Chinese and carry no server paths). */
  message: string;
  code?: string;
}

export interface GatewayHealth {
  /** Unmatched messages that reached no desk ticket since start-up. */
  deskTicketFailures: number;
  /** Pushes whose processing failed otherwise (answered `success`). */
  processingFailures: number;
  lastFailure: GatewayFailure | null;
}

export interface GatewayHealthRecorder {
  record(kind: GatewayFailureKind, err: unknown, at: Date): void;
  snapshot(): GatewayHealth;
}

export function createGatewayHealth(): GatewayHealthRecorder {
  const health: GatewayHealth = { deskTicketFailures: 0, processingFailures: 0, lastFailure: null };
  return {
    record(kind, err, at) {
      if (kind === 'deskTicket') health.deskTicketFailures++;
      else health.processingFailures++;
      const code = (err as { code?: unknown })?.code;
      health.lastFailure = { kind, at: at.toISOString(), message: (err as Error)?.message ?? String(err), ...(typeof code === 'string' ? { code } : {}) };
    },
    snapshot: () => structuredClone(health),
  };
}
