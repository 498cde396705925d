import { maskPhone } from "../observability/mask.js";

/** What the demo shows of a receipt: its state and the CRM records it names. */
interface Receipt {
  state: string;
  leadKey?: string;
  records?: Array<{ role: string; objectType: string; id: string; url?: string }>;
}

interface InboundDayOptions {
  url: string;
  apiKey: string;
  campaign: string;
  print: (line: string) => void;
  /** An Event's start as the CRM stores it, for the rescheduled time. */
  eventStart: (id: string) => string | undefined;
}

/**
 * One lead's day beyond the outbound loop, over the dialer API: a call that sets an appointment,
 * the appointment rescheduled, then the person calls back: a screen pop and an inbound call
 * logged to the same record. Each step prints its receipt.
 */
export async function showInboundDay(options: InboundDayOptions): Promise<void> {
  const { url, print } = options;
  const headers = { authorization: `Bearer ${options.apiKey}`, "content-type": "application/json" };
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  /** Polls a receipt until it is final; the writeback's batch window is half a second here. */
  const final = async (path: string): Promise<Receipt> => {
    for (let i = 0; i < 100; i++) {
      const receipt = (await call("GET", path)).body as unknown as Receipt;
      if (receipt.state === "written" || receipt.state === "dead-lettered") return receipt;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return (await call("GET", path)).body as unknown as Receipt;
  };
  const show = (receipt: Receipt) =>
    `${receipt.state}: ${(receipt.records ?? []).map((r) => `${r.role} ${r.objectType} ${r.id}`).join(", ")}`;

  const leased = await call("POST", `/v1/campaigns/${options.campaign}/leases`);
  if (leased.status !== 200) return;
  const { leaseId, lead } = leased.body as { leaseId: string; lead: { phone: string; key: string } };
  const startedAt = new Date().toISOString();
  await call("POST", `/v1/leases/${leaseId}/outcome`, {
    outcomeId: "demo-appointment",
    disposition: "connected",
    startedAt,
    durationSec: 240,
    direction: "outbound",
    agent: { id: "agent-1" },
    notes: "Wants a demo",
    appointment: { startsAt: "2026-12-08T10:00:00-05:00", durationMin: 30, title: "Product demo" },
  });
  const booked = await final("/v1/outcomes/demo-appointment");
  print(`   an appointment set on a call to ${lead.key}: receipt ${show(booked)}`);
  const event = booked.records?.find((r) => r.role === "appointment");
  if (event) {
    const appointment = encodeURIComponent("demo-appointment#appointment");
    await call("PATCH", `/v1/appointments/${appointment}`, {
      changeId: "move-1",
      startsAt: "2026-12-09T14:00:00-08:00",
      durationMin: 45,
    });
    const moved = await final(`/v1/appointments/${appointment}/changes/move-1`);
    print(
      `   rescheduled (PATCH /v1/appointments/…): receipt ${show(moved)}; the Event now starts ${options.eventStart(event.id) ?? "?"}`,
    );
  }
  // The person calls back: the agent's screen pops, and the call is logged to the record dialled.
  const pop = (await call("GET", `/v1/lookup?phone=${encodeURIComponent(lead.phone)}`)).body as {
    records: Array<{ objectType: string; id: string; url?: string }>;
    consent: { suppressed: boolean };
  };
  print(
    `   ${maskPhone(lead.phone)} calls back: screen pop ${pop.records.map((r) => `${r.objectType} ${r.id}`).join(", ")} (suppressed: ${pop.consent.suppressed})`,
  );
  const inbound = await call("POST", "/v1/calls", {
    direction: "inbound",
    phone: lead.phone,
    outcomeId: "demo-inbound",
    disposition: "connected",
    startedAt,
    durationSec: 90,
    agent: { id: "agent-1" },
    notes: "Confirmed the new time",
  });
  const logged = await final("/v1/outcomes/demo-inbound");
  print(
    `   the inbound call (POST /v1/calls, attributed by ${String(inbound.body.attributedBy)}): receipt ${show(logged)}`,
  );
}
