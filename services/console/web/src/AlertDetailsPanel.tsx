import { useState } from 'react';
import { type AlertDetails, ApiError, api, type DetailLine } from './api';
import { londonTime } from './london-time';
import { LEVEL } from './timeline';

/** Why the details cannot be shown, in words a partner can act on. */
function refusal(error: unknown): string {
  if (error instanceof ApiError && error.status === 409) {
    return 'This alert is closed or was replaced by a newer one: its details are no longer shown.';
  }
  if (error instanceof ApiError && error.status === 404) {
    return 'These details are not available to your organisation.';
  }
  return error instanceof Error ? error.message : 'The details could not be loaded.';
}

function Lines({ lines }: { lines: DetailLine[] }) {
  if (lines.length === 0) return <p className="hint">No further lines.</p>;
  return (
    <dl className="lines">
      {lines.map((line, index) => (
        <div key={`${index}-${line.label}`}>
          <dt>{line.label}</dt>
          <dd>{line.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * An alert's lines and released stages, fetched only when the person asks (never prefetched:
 * each showing above a notice is an audited disclosure), and shown again only on a new click so
 * a stage released meanwhile appears.
 */
export function AlertDetailsPanel({ alertId, title }: { alertId: string; title: string }) {
  const [details, setDetails] = useState<AlertDetails | null>(null);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const panelId = `details-${alertId}`;

  const show = () => {
    setBusy(true);
    setError(null);
    api.alertDetails(alertId).then(
      (answer) => {
        setDetails(answer);
        setOpen(true);
        setBusy(false);
      },
      (e: unknown) => {
        setDetails(null);
        setOpen(true);
        setError(refusal(e));
        setBusy(false);
      },
    );
  };
  const hide = () => {
    setOpen(false);
    setDetails(null);
    setError(null);
  };

  return (
    <div className="alert-details">
      <button
        type="button"
        className="secondary"
        aria-expanded={open}
        aria-controls={panelId}
        disabled={busy}
        onClick={open ? hide : show}
      >
        {open ? 'Hide details' : 'Show details'}
        <span className="visually-hidden"> of “{title}”</span>
      </button>
      {!open && <p className="hint">Viewing the details is recorded in the audit log.</p>}
      <div id={panelId} aria-live="polite">
        {open && error !== null && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {open && details !== null && (
          <section className="details-body" aria-label={`Details of ${details.title}`}>
            <p className="notice">
              Your viewing of these details was recorded. Shown at the{' '}
              {(LEVEL[details.level] ?? details.level).toLowerCase()} level your organisation is
              cleared for.
            </p>
            <Lines lines={details.lines} />
            {details.stages.length > 0 && (
              <>
                <h3>Released since</h3>
                <ol className="stages">
                  {details.stages.map((stage) => (
                    <li key={stage.stageId}>
                      <h4>
                        {stage.title}{' '}
                        <span className="hint">
                          ({LEVEL[stage.level] ?? stage.level}, released{' '}
                          <time dateTime={stage.releasedAt}>{londonTime(stage.releasedAt)}</time>)
                        </span>
                      </h4>
                      <Lines lines={stage.lines} />
                    </li>
                  ))}
                </ol>
              </>
            )}
          </section>
        )}
      </div>
    </div>
  );
}
