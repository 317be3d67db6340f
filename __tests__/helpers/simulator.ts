// Test access to a real simulator server: scenario changes and the request log over HTTP,
// exactly as the DESIGN.md contract lets any script drive it.

import { type RunningSimulator, startSimulator } from '../../src/vendors/simulators.js';

export interface RecordedRequest {
  method: string;
  path: string;
  at: string;
  route?: string;
  authorized?: boolean;
  status?: number;
  body?: unknown;
  query?: Record<string, string>;
}

export class SimulatorHandle {
  constructor(readonly sim: RunningSimulator) {}

  get baseUrl(): string {
    return this.sim.baseUrl;
  }

  async scenario(scenario: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${this.baseUrl}/__sim/scenario`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(scenario),
    });
    if (!response.ok)
      throw new Error(`scenario refused: ${response.status} ${await response.text()}`);
  }

  async requests(): Promise<RecordedRequest[]> {
    const response = await fetch(`${this.baseUrl}/__sim/requests`);
    return (await response.json()) as RecordedRequest[];
  }

  async clearRequests(): Promise<void> {
    await fetch(`${this.baseUrl}/__sim/requests`, { method: 'DELETE' });
  }

  async count(route: string): Promise<number> {
    return (await this.requests()).filter((r) => r.route === route).length;
  }

  close(): Promise<void> {
    return this.sim.close();
  }
}

export async function startTestsigma(
  apiKey: string,
  scenario: Record<string, unknown> = {},
): Promise<SimulatorHandle> {
  const sim = await startSimulator({ vendor: 'testsigma', apiKey, scenario });
  return new SimulatorHandle(sim);
}
