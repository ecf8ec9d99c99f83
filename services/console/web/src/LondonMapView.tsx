import { type KeyboardEvent, useEffect, useMemo, useState } from 'react';
import londonMap from 'virtual:london-boroughs';
import { api, type BoroughCounts } from './api';
import { londonTime } from './london-time';

const PERIODS = [
  { days: 1, label: 'Last 24 hours' },
  { days: 7, label: 'Last 7 days' },
  { days: 30, label: 'Last 30 days' },
  { days: 90, label: 'Last 90 days' },
] as const;

/** Shading by open alerts: each band also has its own hatching and the count is written on the map. */
export const BANDS = [
  { shade: 0, label: 'None', min: 0, max: 0 },
  { shade: 1, label: '1', min: 1, max: 1 },
  { shade: 2, label: '2 to 4', min: 2, max: 4 },
  { shade: 3, label: '5 or more', min: 5, max: Infinity },
] as const;

export function shadeOf(open: number): number {
  return BANDS.find((band) => open >= band.min && open <= band.max)?.shade ?? 0;
}

/**
 * The coordinator's London: the 33 authorities drawn from their real boundaries, shaded by open
 * alerts over the chosen period, each with its count written on it. Every area is a button
 * (Tab, Enter or Space) that shows its figures; the same figures are in the table below.
 */
export function LondonMapView() {
  const [days, setDays] = useState<number>(30);
  const [counts, setCounts] = useState<BoroughCounts | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);

  useEffect(() => {
    const to = new Date();
    const from = new Date(to.getTime() - days * 24 * 3_600_000);
    api.boroughCounts(from, to).then(
      (answer) => {
        setCounts(answer);
        setError(null);
      },
      (e: unknown) => {
        setError(e instanceof Error ? e.message : 'The figures could not be loaded.');
      },
    );
  }, [days]);

  const byGss = useMemo(
    () => new Map((counts?.boroughs ?? []).map((b) => [b.gss, b] as const)),
    [counts],
  );
  const chosen = selected === null ? undefined : byGss.get(selected);

  const onKey = (gss: string) => (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      setSelected(gss);
    }
  };

  return (
    <section aria-labelledby="map-title">
      <h1 id="map-title">London: open alerts by borough</h1>
      <div className="controls">
        <label htmlFor="period">Period</label>
        <select
          id="period"
          value={days}
          onChange={(event) => {
            setDays(Number(event.target.value));
          }}
        >
          {PERIODS.map((period) => (
            <option key={period.days} value={period.days}>
              {period.label}
            </option>
          ))}
        </select>
        {counts !== null && (
          <p className="hint">
            Alerts requested from {londonTime(counts.from)} to {londonTime(counts.to)} (London
            time). Pan-London alerts: {counts.panLondon.open} open of {counts.panLondon.alerts}.
          </p>
        )}
      </div>
      {error !== null && <p role="alert">{error}</p>}
      <div className="map-layout">
        <svg
          className="london-map"
          viewBox={`0 0 ${londonMap.width} ${londonMap.height}`}
          role="group"
          aria-label="Map of London's 33 local authorities; each is a button showing its figures"
          aria-busy={counts === null}
        >
          <defs>
            <pattern id="hatch-2" width="8" height="8" patternUnits="userSpaceOnUse">
              <path d="M0 8L8 0" className="hatch" />
            </pattern>
            <pattern id="hatch-3" width="6" height="6" patternUnits="userSpaceOnUse">
              <path d="M0 6L6 0M0 0L6 6" className="hatch" />
            </pattern>
          </defs>
          {londonMap.boroughs.map((borough) => {
            const figures = byGss.get(borough.gss);
            const open = figures?.open ?? 0;
            const shade = shadeOf(open);
            return (
              <g
                key={borough.gss}
                className={`borough shade-${shade}${selected === borough.gss ? ' selected' : ''}`}
                role="button"
                tabIndex={0}
                aria-pressed={selected === borough.gss}
                aria-label={`${borough.name}: ${open} open alert${open === 1 ? '' : 's'}, ${figures?.alerts ?? 0} in the period`}
                data-gss={borough.gss}
                data-shade={shade}
                onClick={() => {
                  setSelected(borough.gss);
                }}
                onKeyDown={onKey(borough.gss)}
              >
                <path d={borough.path} className="area" />
                {shade >= 2 && <path d={borough.path} className={`hatching hatching-${shade}`} />}
                <text x={borough.label.x} y={borough.label.y} className="count" aria-hidden="true">
                  {open}
                </text>
              </g>
            );
          })}
        </svg>
        <div className="side">
          <h2>Key</h2>
          <ul className="legend">
            {BANDS.map((band) => (
              <li key={band.shade}>
                <svg
                  width="28"
                  height="20"
                  aria-hidden="true"
                  className={`borough shade-${band.shade}`}
                >
                  <rect width="28" height="20" className="area" />
                  {band.shade >= 2 && (
                    <rect width="28" height="20" className={`hatching hatching-${band.shade}`} />
                  )}
                </svg>
                {band.label} open
              </li>
            ))}
          </ul>
          <p className="hint">The number on each area is its open alerts.</p>
          <div aria-live="polite" className="details">
            {chosen === undefined ? (
              <p>Choose an area for its figures.</p>
            ) : (
              <>
                <h2>{chosen.name}</h2>
                <dl className="facts">
                  <div>
                    <dt>Open alerts</dt>
                    <dd>{chosen.open}</dd>
                  </div>
                  <div>
                    <dt>Alerts in the period</dt>
                    <dd>{chosen.alerts}</dd>
                  </div>
                </dl>
              </>
            )}
          </div>
        </div>
      </div>
      {counts !== null && (
        <table className="figures">
          <caption>Alerts by borough in the period</caption>
          <thead>
            <tr>
              <th scope="col">Borough</th>
              <th scope="col">Open</th>
              <th scope="col">In the period</th>
            </tr>
          </thead>
          <tbody>
            {counts.boroughs.map((b) => (
              <tr key={b.gss}>
                <th scope="row">{b.name}</th>
                <td>{b.open}</td>
                <td>{b.alerts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
