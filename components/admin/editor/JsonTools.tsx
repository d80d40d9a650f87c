'use client';
// Venue JSON: import from a file or pasted text (validated with buildVenue,
// problems listed by path) and export of the current description.
import { useId, useState } from 'react';
import { buildVenue, type VenueSpec } from '../../../lib/venueLayout';
import { adminApi } from '../../../lib/client/adminApi';
import { fmtInt } from '../../../lib/client/adminFormat';
import a from '../admin.module.css';
import f from '../forms.module.css';
import b from './builder.module.css';

interface Props {
  eventId: string | null;
  fileName: string;
  getSpec(): VenueSpec;
  onImport(spec: VenueSpec): void;
}

type Issues = { path: string; message: string }[];

export function JsonTools({ eventId, fileName, getSpec, onImport }: Props) {
  const id = useId();
  const [text, setText] = useState('');
  const [issues, setIssues] = useState<Issues | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const load = (raw: string) => {
    setDone(null);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      setIssues([{ path: '(file)', message: `not valid JSON: ${(error as Error).message}` }]);
      return;
    }
    // Accept a bare venue, { venue } or the API's { ok, venue } answer.
    const candidate = json && typeof json === 'object' && 'venue' in json ? (json as { venue: unknown }).venue : json;
    const result = buildVenue(candidate);
    if (!result.ok) {
      setIssues(result.issues);
      return;
    }
    setIssues(null);
    onImport(result.spec);
    setDone(`Imported ${result.spec.sections.length} sections, ${fmtInt(result.layout.seats.length)} seats.`);
    setText('');
  };

  const download = () => {
    const blob = new Blob([`${JSON.stringify(getSpec(), null, 2)}\n`], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <div className={b.json}>
      <div className={b.rowButtons}>
        <button type="button" className={`${a.btn} ${a.small}`} onClick={download}>
          Export current layout (.json)
        </button>
        {eventId && (
          <a className={`${a.btn} ${a.small} ${a.ghost}`} href={adminApi.layoutUrl(eventId)} download={`${eventId}-layout.json`}>
            Download saved layout
          </a>
        )}
        <label className={`${a.btn} ${a.small}`} htmlFor={`${id}-file`}>
          Import file…
        </label>
        <input
          id={`${id}-file`}
          type="file"
          accept="application/json,.json"
          className="sr-only"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) load(await file.text());
          }}
        />
      </div>
      <label className={f.field}>
        <span className={f.label}>Or paste a venue description</span>
        <textarea className={f.textarea} value={text} onChange={(e) => setText(e.target.value)} placeholder='{ "categories": [...], "sections": [...], "stage": {...} }' spellCheck={false} />
      </label>
      <div className={b.rowButtons}>
        <button type="button" className={`${a.btn} ${a.small}`} disabled={text.trim() === ''} onClick={() => load(text)}>
          Validate and import
        </button>
        <span className={a.faint}>Importing replaces the categories, sections and marks above.</span>
      </div>
      {issues && (
        <div className={f.notice} data-tone="error" role="alert">
          <div>
            <strong>The layout was not imported.</strong>
            <ul>
              {issues.map((i, n) => (
                <li key={n}>
                  <code>{i.path}</code>: {i.message}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
      {done && (
        <div className={f.notice} data-tone="success" role="status">
          {done}
        </div>
      )}
    </div>
  );
}
