import { queryRows, quoteIdentifier, schemaOf } from '@harbour/platform';
import type { DataSource } from 'typeorm';
import type { AlertState } from '../domain/alert-state';

/** One alert in a recipient organisation's inbox: notice-level facts only, never its lines. */
export interface InboxAlert {
  alertId: string;
  /** The alert's title, which never holds personal data (contracts: AlertSummary). */
  title: string;
  severity: string;
  disclosureLevel: string;
  state: AlertState;
  requestedAt: Date;
  acknowledgeBy: Date;
  /** When this organisation was first sent something about the alert. */
  deliveredAt: Date;
  /** When this organisation acknowledged it; null when it has not. */
  acknowledgedByUsAt: Date | null;
}

export interface InboxPage {
  alerts: InboxAlert[];
  total: number;
}

export interface BoroughAlertCount {
  /** A London GSS code, or `pan_london` for alerts addressed to every borough. */
  borough: string;
  alerts: number;
  /** Of those, still live (open or acknowledged; neither closed nor superseded). */
  open: number;
}

interface InboxRow {
  id: string;
  title: string;
  severity: string;
  disclosure_level: string;
  state: AlertState;
  requested_at: Date;
  acknowledge_by: Date;
  delivered_at: Date;
  acknowledged_at: Date | null;
  total: number;
}

/**
 * Read models over notification's alerts for the console: a recipient's inbox and the
 * coordinator's counts by borough. Read-only; nothing here carries an alert's lines or stages.
 */
export class PartnerAlertsRepository {
  private readonly schema: string;

  constructor(private readonly dataSource: DataSource) {
    this.schema = quoteIdentifier(schemaOf(dataSource) ?? 'public');
  }

  /**
   * The alerts delivered to an organisation (any delivery: the alert, an escalation, a stage,
   * a closure), those still waiting for its acknowledgement first — critical before high before
   * informational — then the rest, newest first within each.
   */
  async inbox(organisationId: string, page: { limit: number; offset: number }): Promise<InboxPage> {
    const s = this.schema;
    const rows = await queryRows<InboxRow>(
      this.dataSource.manager,
      `WITH mine AS (
         SELECT alert_id, min(created_at) AS delivered_at
           FROM ${s}.delivery WHERE organisation_id = $1 GROUP BY alert_id
       )
       SELECT a.id, a.summary->>'title' AS title, a.severity, a.disclosure_level, a.state,
              a.requested_at, a.acknowledge_by, m.delivered_at, k.acknowledged_at,
              (count(*) OVER ())::int AS total
         FROM mine m
         JOIN ${s}.alert a ON a.id = m.alert_id
         LEFT JOIN ${s}.acknowledgement k ON k.alert_id = a.id AND k.organisation_id = $1
        ORDER BY (a.state IN ('open', 'acknowledged') AND k.id IS NULL) DESC,
                 CASE a.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 ELSE 2 END,
                 a.requested_at DESC, a.id
        LIMIT $2 OFFSET $3`,
      [organisationId, page.limit, page.offset],
    );
    let total = rows[0]?.total;
    if (total === undefined) {
      // Past the last page (or nothing at all): count without the window.
      const counted = await queryRows<{ n: number }>(
        this.dataSource.manager,
        `SELECT count(DISTINCT alert_id)::int AS n FROM ${s}.delivery WHERE organisation_id = $1`,
        [organisationId],
      );
      total = counted[0]?.n ?? 0;
    }
    return {
      total,
      alerts: rows.map((row) => ({
        alertId: row.id,
        title: row.title,
        severity: row.severity,
        disclosureLevel: row.disclosure_level,
        state: row.state,
        requestedAt: row.requested_at,
        acknowledgeBy: row.acknowledge_by,
        deliveredAt: row.delivered_at,
        acknowledgedByUsAt: row.acknowledged_at,
      })),
    };
  }

  /**
   * Alerts requested in [from, to) by the borough their audience names (an alert for several
   * boroughs counts in each; `pan_london` ones are counted apart), with how many are still live.
   */
  async countsByBorough(from: Date, to: Date): Promise<BoroughAlertCount[]> {
    const rows = await queryRows<{ borough: string; alerts: number; open: number }>(
      this.dataSource.manager,
      `SELECT b.borough, count(*)::int AS alerts,
              (count(*) FILTER (WHERE a.state IN ('open', 'acknowledged')))::int AS open
         FROM ${this.schema}.alert a
         CROSS JOIN LATERAL jsonb_array_elements_text(a.audience->'boroughs') AS b(borough)
        WHERE a.requested_at >= $1 AND a.requested_at < $2
        GROUP BY b.borough`,
      [from, to],
    );
    return rows.map((row) => ({ borough: row.borough, alerts: row.alerts, open: row.open }));
  }
}
