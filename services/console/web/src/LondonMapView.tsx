import { type KeyboardEvent, type SyntheticEvent, useEffect, useMemo, useState } from 'react';
import londonMap from 'virtual:london-boroughs';
import './london-map.css';
import { londonTime } from './london-time';
import { boroughPartners, type BoroughPartners, mapFigures, type MapFigures } from './map-api';
import {
  bandOf,
  bandsFor,
  type BoroughFigures,
  dayPeriod,
  figureInWords,
  LAYERS,
  type LayerId,
  londonDay,
  PRESETS,
  presetPeriod,
} from './map-layers';
import { words } from './text';

type Period = { from: Date; to: Date };
type Partners = BoroughPartners | 'loading' | { problem: string };

const CUSTOM = 'custom';
const DAY_MS = 24 * 3_600_000;

/**
 * The coordinator's London: the 33 authorities drawn from their real boundaries, shaded by the
 * chosen layer (open alerts, operations, missing children or referrals) over the chosen period,
 * each with its figure written on it. Every area is a button (Tab, Enter or Space) that opens
 * its figures for every layer and the partners that serve it; the table below has the same
 * figures. The bands come from the figures shown, and each has its own hatching and range.
 */
export function LondonMapView() {
  const [layerId, setLayerId] = useState<LayerId>('openAlerts');
  const [choice, setChoice] = useState<string>('30');
  const [period, setPeriod] = useState<Period>(() => presetPeriod(30, new Date()));
  const [first, setFirst] = useState(() => londonDay(new Date(Date.now() - 29 * DAY_MS)));
  const [last, setLast] = useState(() => londonDay(new Date()));
  const [periodProblem, setPeriodProblem] = useState<string | null>(null);
  const [figures, setFigures] = useState<MapFigures | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [partners, setPartners] = useState<Record<string, Partners>>({});

  useEffect(() => {
    let current = true;
    setLoading(true);
    mapFigures(period.from, period.to).then(
      (answer) => {
        if (!current) return;
        setFigures(answer);
        setError(answer.problems.length > 0 ? answer.problems.join(' ') : null);
        setLoading(false);
      },
      (e: unknown) => {
        if (!current) return;
        setError(e instanceof Error ? e.message : 'The figures could not be loaded.');
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [period]);

  const layer = LAYERS.find((l) => l.id === layerId) ?? LAYERS[0];
  const byGss = useMemo(
    () => new Map((figures?.boroughs ?? []).map((b) => [b.gss, b] as const)),
    [figures],
  );
  const valueOf = (gss: string): number | null => byGss.get(gss)?.[layer.id] ?? null;
  const bands = useMemo(
    () => bandsFor((figures?.boroughs ?? []).map((b) => b[layer.id])),
    [figures, layer.id],
  );
  const chosen = selected === null ? undefined : byGss.get(selected);
  const chosenName =
    selected === null ? null : (londonMap.boroughs.find((b) => b.gss === selected)?.name ?? null);

  const open = (gss: string) => {
    setSelected(gss);
    // Asked once per borough; again only after a failure.
    const known = partners[gss];
    if (known !== undefined && (known === 'loading' || !('problem' in known))) return;
    setPartners((known) => ({ ...known, [gss]: 'loading' }));
    boroughPartners(gss).then(
      (answer) => {
        setPartners((known) => ({ ...known, [gss]: answer }));
      },
      (e: unknown) => {
        const problem = e instanceof Error ? e.message : 'could not be loaded';
        setPartners((known) => ({ ...known, [gss]: { problem } }));
      },
    );
  };
  const onKey = (gss: string) => (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      open(gss);
    }
  };

  const choosePreset = (value: string) => {
    setChoice(value);
    const preset = PRESETS.find((p) => p.id === value);
    if (preset !== undefined) {
      setPeriodProblem(null);
      setPeriod(presetPeriod(preset.days, new Date()));
    }
  };
  const chooseDays = (event: SyntheticEvent) => {
    event.preventDefault();
    const answer = dayPeriod(first, last);
    if ('problem' in answer) {
      setPeriodProblem(answer.problem);
      return;
    }
    setPeriodProblem(null);
    setPeriod(answer);
  };

  return (
    <section aria-labelledby="map-title" className="london-map-view">
      <h1 id="map-title">London by borough</h1>
      <div className="map-controls">
        <fieldset className="layer-chooser">
          <legend>Shade the map by</legend>
          {LAYERS.map((l) => (
            <div key={l.id} className="radio">
              <input
                type="radio"
                id={`layer-${l.id}`}
                name="layer"
                value={l.id}
                checked={layerId === l.id}
                onChange={() => {
                  setLayerId(l.id);
                }}
              />
              <label htmlFor={`layer-${l.id}`}>{l.label}</label>
            </div>
          ))}
        </fieldset>
        <div className="period-chooser">
          <label htmlFor="period">Period</label>
          <select
            id="period"
            value={choice}
            onChange={(event) => {
              choosePreset(event.target.value);
            }}
          >
            {PRESETS.map((preset) => (
              <option key={preset.id} value={preset.id}>
                {preset.label}
              </option>
            ))}
            <option value={CUSTOM}>Chosen days</option>
          </select>
          {choice === CUSTOM && (
            <form className="days" onSubmit={chooseDays} noValidate>
              <div>
                <label htmlFor="first-day">First day</label>
                <input
                  id="first-day"
                  type="date"
                  value={first}
                  onChange={(event) => {
                    setFirst(event.target.value);
                  }}
                  aria-describedby={periodProblem === null ? undefined : 'period-problem'}
                />
              </div>
              <div>
                <label htmlFor="last-day">Last day</label>
                <input
                  id="last-day"
                  type="date"
                  value={last}
                  onChange={(event) => {
                    setLast(event.target.value);
                  }}
                  aria-describedby={periodProblem === null ? undefined : 'period-problem'}
                />
              </div>
              <button type="submit">Show these days</button>
              {periodProblem !== null && (
                <p id="period-problem" className="error" role="alert">
                  {periodProblem}
                </p>
              )}
            </form>
          )}
        </div>
      </div>
      <p className="hint" aria-live="polite">
        {loading
          ? 'Loading the figures…'
          : figures !== null &&
            `${layer.label} from ${londonTime(figures.from)} to ${londonTime(figures.to)}, London time.`}
        {!loading && figures?.panLondon != null && layer.id === 'openAlerts' && (
          <>
            {' '}
            Pan-London alerts, counted in no borough: {figures.panLondon.open} open of{' '}
            {figures.panLondon.alerts}.
          </>
        )}
      </p>
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="map-layout">
        <svg
          className="london-map"
          viewBox={`0 0 ${londonMap.width} ${londonMap.height}`}
          role="group"
          aria-label={`Map of London's 33 local authorities shaded by ${layer.label.toLowerCase()}; each is a button showing its figures and partners`}
          aria-busy={loading}
          data-layer={layer.id}
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
            const value = valueOf(borough.gss);
            const { shade, label } = bandOf(value, bands);
            return (
              <g
                key={borough.gss}
                className={`borough shade-${shade}${selected === borough.gss ? ' selected' : ''}`}
                role="button"
                tabIndex={0}
                aria-pressed={selected === borough.gss}
                aria-label={`${borough.name}: ${figureInWords(value, layer)}${value === null ? '' : ` (band ${label.toLowerCase()})`}`}
                data-gss={borough.gss}
                data-shade={shade}
                data-value={value ?? ''}
                onClick={() => {
                  open(borough.gss);
                }}
                onKeyDown={onKey(borough.gss)}
              >
                <path d={borough.path} className="area" />
                {shade >= 2 && <path d={borough.path} className={`hatching hatching-${shade}`} />}
                <text x={borough.label.x} y={borough.label.y} className="count" aria-hidden="true">
                  {value ?? '–'}
                </text>
              </g>
            );
          })}
        </svg>
        <div className="side">
          <h2>Key: {layer.label.toLowerCase()}</h2>
          <ul className="legend" data-layer={layer.id}>
            {bands.map((band) => (
              <li key={band.shade} data-shade={band.shade}>
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
                {band.label}
                {band.shade >= 2
                  ? band.shade === 2
                    ? ' (single hatching)'
                    : ' (cross-hatching)'
                  : ''}
              </li>
            ))}
          </ul>
          <p className="hint">
            The number on each area is its {layer.many}; the table below has every layer.
          </p>
          <div aria-live="polite" className="details" data-gss={selected ?? ''}>
            {selected === null || chosenName === null ? (
              <p>Choose an area for its figures and partners.</p>
            ) : (
              <BoroughPanel
                name={chosenName}
                figures={chosen}
                partners={partners[selected]}
                onClose={() => {
                  const area = document.querySelector<SVGGElement>(
                    `g.borough[data-gss="${selected}"]`,
                  );
                  setSelected(null);
                  area?.focus();
                }}
              />
            )}
          </div>
        </div>
      </div>
      {figures !== null && (
        // Scrolls sideways on its own on a phone: focusable, so the keyboard can scroll it too.
        <div
          className="table-scroll"
          tabIndex={0}
          role="region"
          aria-labelledby="map-figures-caption"
        >
          <table className="figures map-figures">
            <caption id="map-figures-caption">
              Figures by borough, {londonTime(figures.from)} to {londonTime(figures.to)} (London
              time)
            </caption>
            <thead>
              <tr>
                <th scope="col">Borough</th>
                <th scope="col">Open alerts</th>
                <th scope="col">Alerts in the period</th>
                <th scope="col">Operations</th>
                <th scope="col">Missing children</th>
                <th scope="col">Still missing</th>
                <th scope="col">Referrals</th>
              </tr>
            </thead>
            <tbody>
              {figures.boroughs.map((b) => (
                <tr key={b.gss} data-gss={b.gss}>
                  <th scope="row">{b.name}</th>
                  <td>{b.openAlerts ?? '–'}</td>
                  <td>{b.alerts ?? '–'}</td>
                  <td>{b.operations ?? '–'}</td>
                  <td>{b.missingChildren ?? '–'}</td>
                  <td>{b.missingChildrenStillMissing ?? '–'}</td>
                  <td>{b.referrals ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const shown = (value: number | null | undefined) =>
  value === null || value === undefined ? 'not available' : String(value);

function BoroughPanel(props: {
  name: string;
  figures: BoroughFigures | undefined;
  partners: Partners | undefined;
  onClose: () => void;
}) {
  const { name, figures, partners } = props;
  return (
    <>
      <h2>{name}</h2>
      <dl className="facts">
        <div>
          <dt>Open alerts</dt>
          <dd>{shown(figures?.openAlerts)}</dd>
        </div>
        <div>
          <dt>Alerts in the period</dt>
          <dd>{shown(figures?.alerts)}</dd>
        </div>
        <div>
          <dt>Operations</dt>
          <dd>{shown(figures?.operations)}</dd>
        </div>
        <div>
          <dt>Missing children</dt>
          <dd>
            {shown(figures?.missingChildren)}
            {figures?.missingChildrenStillMissing != null &&
              ` (${figures.missingChildrenStillMissing} still missing)`}
          </dd>
        </div>
        <div>
          <dt>Referrals</dt>
          <dd>{shown(figures?.referrals)}</dd>
        </div>
      </dl>
      <h3>Partners serving {name}</h3>
      {partners === undefined || partners === 'loading' ? (
        <p>Loading the partners…</p>
      ) : 'problem' in partners ? (
        <p className="error">The partners could not be loaded: {partners.problem}</p>
      ) : partners.partners.length === 0 ? (
        <p>No partner serves {name} yet.</p>
      ) : (
        <ul className="partners">
          {partners.partners.map((p) => (
            <li key={`${p.kind}:${p.name}`}>
              {p.name}{' '}
              <span className="kind">
                ({words(p.kind)}
                {p.panLondon ? ', all London' : ''})
              </span>
            </li>
          ))}
        </ul>
      )}
      <button type="button" onClick={props.onClose}>
        Close {name}
      </button>
    </>
  );
}
